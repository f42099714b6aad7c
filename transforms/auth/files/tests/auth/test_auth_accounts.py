"""Register, log in, the own profile; e-mail normalisation; password rules."""

import unicodedata
from collections.abc import Callable

import pytest

from tests.auth.support import PASSWORD, AuthApi, bearer


def test_register_login_and_me(api: AuthApi) -> None:
    created = api.register(" Alice@Example.COM ")
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["email"] == "alice@example.com"
    assert user["is_active"] is True
    assert user["is_superuser"] is False
    assert "hashed_password" not in user and "password" not in user

    tokens = api.tokens("alice@example.com")
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 15 * 60
    assert tokens["refresh_token"]
    me = api.me(tokens["access_token"])
    assert me.status_code == 200
    assert me.json() == user


@pytest.mark.parametrize(
    "same_address",
    [
        "BOB@example.com",
        "  bob@EXAMPLE.com\t",
        "ｂｏｂ@ｅｘａｍｐｌｅ.ｃｏｍ",  # fullwidth forms: the same after NFKC
    ],
)
def test_an_address_is_registered_once_in_any_case_or_form(
    api: AuthApi, same_address: str
) -> None:
    assert api.register("bob@example.com").status_code == 201
    again = api.register(same_address)
    assert again.status_code == 409
    assert again.json() == {"detail": "This e-mail address is already registered"}


def test_composed_and_decomposed_accents_are_one_address(api: AuthApi) -> None:
    composed = unicodedata.normalize("NFC", "josé@example.com")
    decomposed = unicodedata.normalize("NFD", "josé@example.com")
    assert composed != decomposed
    assert api.register(composed).status_code == 201
    assert api.register(decomposed).status_code == 409
    assert api.login(decomposed.upper()).status_code == 200


def test_invalid_addresses_are_refused(api: AuthApi) -> None:
    for address in ("not-an-address", "a@", "@example.com", ""):
        assert api.register(address).status_code == 422, address


def test_a_long_non_ascii_password_works(api: AuthApi) -> None:
    password = ("Żółć-密码-пароль-🔑 " * 6)[:100]
    assert len(password) == 100 and len(password.encode()) > 150
    assert api.register("carol@example.com", password).status_code == 201
    assert api.login("carol@example.com", password).status_code == 200
    assert api.login("carol@example.com", password[:72]).status_code == 401


def test_passwords_are_never_truncated(api: AuthApi) -> None:
    password = "x" * 72 + "tail that counts"
    assert api.register("dan@example.com", password).status_code == 201
    assert api.login("dan@example.com", "x" * 72).status_code == 401
    assert api.login("dan@example.com", password).status_code == 200


def test_password_rules_come_from_the_settings(
    api: AuthApi, set_env: Callable[..., None]
) -> None:
    short = api.register("erin@example.com", "short")
    assert short.status_code == 422
    assert "at least 12 characters" in short.text
    assert api.register("erin@example.com", "y" * 1025).status_code == 422
    set_env(auth_password_min_length=4)
    assert api.register("erin@example.com", "four").status_code == 201


def test_changing_the_password_needs_the_current_one(api: AuthApi) -> None:
    api.register("fay@example.com")
    tokens = api.tokens("fay@example.com")
    headers = bearer(tokens["access_token"])
    new = "a brand new passphrase"
    wrong = api.client.patch(
        "/auth/me",
        headers=headers,
        json={"current_password": "not it", "password": new},
    )
    assert wrong.status_code == 400
    assert api.login("fay@example.com").status_code == 200

    changed = api.client.patch(
        "/auth/me",
        headers=headers,
        json={"current_password": PASSWORD, "password": new},
    )
    assert changed.status_code == 200, changed.text
    assert api.login("fay@example.com").status_code == 401
    assert api.login("fay@example.com", new).status_code == 200
    # every earlier session ends with the old password
    assert api.refresh(tokens["refresh_token"]).status_code == 401


def test_changing_the_address(api: AuthApi) -> None:
    api.register("gus@example.com")
    api.register("taken@example.com")
    headers = bearer(api.tokens("gus@example.com")["access_token"])
    taken = api.client.patch(
        "/auth/me",
        headers=headers,
        json={"current_password": PASSWORD, "email": "TAKEN@example.com"},
    )
    assert taken.status_code == 409
    moved = api.client.patch(
        "/auth/me",
        headers=headers,
        json={"current_password": PASSWORD, "email": "Gus.New@Example.com"},
    )
    assert moved.status_code == 200
    assert moved.json()["email"] == "gus.new@example.com"
    assert api.login("gus.new@example.com").status_code == 200
    assert api.login("gus@example.com").status_code == 401
