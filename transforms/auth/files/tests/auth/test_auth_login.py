"""Logging in: failures that say nothing, one hash verification each, legacy hashes,
the rate limit."""

from collections.abc import Callable, Iterator
from typing import Any

import argon2
import bcrypt
import pytest
from httpx2 import Response
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session

from app.core.database import get_engine
from app.models.user import User
from app.services.auth import passwords
from app.services.auth.passwords import LegacyBcryptHasher, dummy_hash, verify_password
from tests.auth.support import PASSWORD, AuthApi


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every password verification made, by hasher (the real ones run)."""
    made: list[str] = []
    for hasher in (Argon2Hasher, LegacyBcryptHasher):
        original = hasher.verify

        def counted(
            self: Any, password: Any, hash: Any, _original: Any = original
        ) -> bool:
            made.append(type(self).__name__)
            return bool(_original(self, password, hash))

        monkeypatch.setattr(hasher, "verify", counted)
    yield made


def visible(response: Response) -> tuple[int, Any, str | None]:
    """What a client can tell apart: status, body, authentication challenge."""
    return (
        response.status_code,
        response.json(),
        response.headers.get("www-authenticate"),
    )


def test_wrong_password_and_unknown_email_look_the_same_and_cost_the_same(
    api: AuthApi, make_user: Callable[..., User], verifications: list[str]
) -> None:
    make_user("known@example.com")
    verifications.clear()

    wrong_password = api.login("known@example.com", "not the password")
    assert verifications == ["Argon2Hasher"]

    unknown_email = api.login("nobody@example.com", "not the password")
    assert verifications == ["Argon2Hasher", "Argon2Hasher"]

    assert visible(wrong_password) == visible(unknown_email)
    assert visible(wrong_password) == (
        401,
        {"detail": "Incorrect email or password"},
        "Bearer",
    )


@pytest.mark.parametrize("profile", ["CHEAPEST", "RFC_9106_LOW_MEMORY"])
def test_the_dummy_hash_costs_a_whole_verification_but_no_hashing(
    set_env: Callable[..., None], monkeypatch: pytest.MonkeyPatch, profile: str
) -> None:
    """Made without hashing (start-up does not wait for Argon2), it carries the
    profile's parameters and is a well-formed hash that no password matches."""

    def no_hashing(*args: Any) -> str:
        raise AssertionError("the dummy hash was hashed")

    monkeypatch.setattr(Argon2Hasher, "hash", no_hashing)
    passwords._dummy_hash.cache_clear()
    set_env(auth_password_hash_profile=profile)
    dummy = dummy_hash()
    parameters = getattr(argon2.profiles, profile)
    assert argon2.extract_parameters(dummy) == parameters
    if profile == "CHEAPEST":
        with pytest.raises(argon2.exceptions.VerifyMismatchError):
            argon2.PasswordHasher.from_parameters(parameters).verify(dummy, PASSWORD)
        assert verify_password(PASSWORD, dummy) == (False, None)
    passwords._dummy_hash.cache_clear()
    assert dummy_hash() != dummy


def test_an_inactive_user_fails_like_a_wrong_password(
    api: AuthApi, make_user: Callable[..., User], verifications: list[str]
) -> None:
    user = make_user("gone@example.com")
    with Session(get_engine()) as session:
        stored = session.get(User, user.id)
        assert stored is not None
        stored.is_active = False
        session.add(stored)
        session.commit()
    verifications.clear()
    inactive = api.login("gone@example.com")
    assert verifications == ["Argon2Hasher"]
    assert visible(inactive) == visible(api.login("nobody@example.com"))


def store_bcrypt_user(email: str, password: str) -> int:
    """A user migrated from an older system: a bcrypt hash."""
    legacy = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    with Session(get_engine()) as session:
        user = User(email=email, hashed_password=legacy)
        session.add(user)
        session.commit()
        assert user.id is not None
        return user.id


def stored_hash(user_id: int) -> str:
    with Session(get_engine()) as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.hashed_password


def test_a_legacy_bcrypt_hash_is_verified_then_upgraded_to_argon2(
    api: AuthApi, verifications: list[str]
) -> None:
    user_id = store_bcrypt_user("legacy@example.com", PASSWORD)
    assert stored_hash(user_id).startswith("$2b$")

    assert api.login("legacy@example.com", "wrong password").status_code == 401
    assert stored_hash(user_id).startswith("$2b$")

    assert api.login("legacy@example.com").status_code == 200
    assert verifications == ["LegacyBcryptHasher", "LegacyBcryptHasher"]
    assert stored_hash(user_id).startswith("$argon2id$")
    assert api.login("legacy@example.com").status_code == 200
    assert verifications[-1] == "Argon2Hasher"


def test_a_password_beyond_bcrypts_72_bytes_gets_401_not_500(api: AuthApi) -> None:
    store_bcrypt_user("legacy@example.com", PASSWORD)
    response = api.login("legacy@example.com", "é" * 40)  # 80 bytes
    assert response.status_code == 401


def test_login_over_the_limit_gets_429_with_retry_after(
    api: AuthApi, make_user: Callable[..., User], set_env: Callable[..., None]
) -> None:
    set_env(auth_login_limit=3, auth_login_window_seconds=60)
    make_user("target@example.com")
    for _ in range(3):
        assert api.login("target@example.com", "guess").status_code == 401
    limited = api.login("target@example.com", PASSWORD)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["retry-after"]) <= 60
    # other addresses are counted apart
    assert api.login("someone.else@example.com", "guess").status_code == 401
