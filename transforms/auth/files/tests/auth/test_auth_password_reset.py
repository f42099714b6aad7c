"""Password reset: always 202, a single-use token that expires, sessions end."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.core.database import get_engine
from app.models import OneTimeToken, User
from app.models.user import utc_now
from tests.auth.support import PASSWORD, AuthApi, reset_token_from

NEW_PASSWORD = "another long passphrase"


def ask(api: AuthApi, email: str) -> None:
    response = api.client.post("/auth/password-reset", json={"email": email})
    assert response.status_code == 202, response.text
    assert response.json() == {
        "detail": "If this address is registered, a reset link is on its way"
    }


def confirm(api: AuthApi, token: str, password: str = NEW_PASSWORD) -> int:
    response = api.client.post(
        "/auth/password-reset/confirm",
        json={"token": token, "new_password": password},
    )
    return response.status_code


def test_the_answer_is_the_same_for_any_address(
    api: AuthApi, make_user: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    make_user("known@example.com")
    ask(api, "unknown@example.com")
    assert "token=" not in caplog.text
    ask(api, "KNOWN@example.com")
    assert "to known@example.com" in caplog.text
    assert "token=" in caplog.text


def test_a_reset_token_works_once(
    api: AuthApi, make_user: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    make_user("ann@example.com")
    sessions = api.tokens("ann@example.com")
    ask(api, "ann@example.com")
    token = reset_token_from(caplog.text)
    with Session(get_engine()) as session:
        stored = session.exec(select(OneTimeToken)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64

    assert confirm(api, token) == 204
    assert api.login("ann@example.com").status_code == 401
    assert api.login("ann@example.com", NEW_PASSWORD).status_code == 200
    assert api.refresh(sessions["refresh_token"]).status_code == 401

    assert confirm(api, token, "yet another passphrase") == 400
    assert api.login("ann@example.com", NEW_PASSWORD).status_code == 200


def test_a_reset_token_expires(
    api: AuthApi, make_user: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    make_user("ann@example.com")
    ask(api, "ann@example.com")
    token = reset_token_from(caplog.text)
    with Session(get_engine()) as session:
        stored = session.exec(select(OneTimeToken)).one()
        stored.expires_at = utc_now() - timedelta(seconds=1)
        session.add(stored)
        session.commit()
    assert confirm(api, token) == 400
    assert api.login("ann@example.com", PASSWORD).status_code == 200


def test_a_new_request_replaces_the_previous_link(
    api: AuthApi, make_user: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    make_user("ann@example.com")
    ask(api, "ann@example.com")
    first = reset_token_from(caplog.text)
    ask(api, "ann@example.com")
    second = reset_token_from(caplog.text)
    assert first != second
    assert confirm(api, first) == 400
    assert confirm(api, second) == 204


def test_bad_tokens_and_weak_passwords_are_refused(
    api: AuthApi, make_user: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    make_user("ann@example.com")
    assert confirm(api, "made-up-token") == 400
    ask(api, "ann@example.com")
    assert confirm(api, reset_token_from(caplog.text), "short") == 422


def test_reset_requests_are_rate_limited(
    api: AuthApi, set_env: Callable[..., None]
) -> None:
    set_env(auth_reset_limit=2, auth_reset_window_seconds=900)
    for _ in range(2):
        ask(api, "ann@example.com")
    limited = api.client.post("/auth/password-reset", json={"email": "ann@example.com"})
    assert limited.status_code == 429
    assert 0 < int(limited.headers["retry-after"]) <= 900
