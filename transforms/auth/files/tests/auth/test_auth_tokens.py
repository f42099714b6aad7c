"""Access tokens that must be refused, refresh rotation with reuse detection, logout."""

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from app.core.config import get_settings
from tests.auth.support import AuthApi, bearer

Forge = Callable[[str, dict[str, Any], str], str]


def claims(user_id: int, **changes: Any) -> dict[str, Any]:
    """Claims of a valid access token for `user_id`, with `changes`."""
    now = datetime.now(UTC)
    valid = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "jti": secrets.token_hex(8),
        "typ": "access",
        "aud": get_settings().app_name,
    }
    return valid | changes


def tampered(token: str) -> str:
    """The token with one character of its payload changed."""
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    swapped = "A" if payload[middle] != "A" else "B"
    return ".".join(
        [header, payload[:middle] + swapped + payload[middle + 1 :], signature]
    )


def forged(kind: str, user_id: int, key: str) -> str:
    """An access token for `user_id` that is wrong in one way."""
    if kind == "expired":
        past = datetime.now(UTC) - timedelta(minutes=20)
        return jwt.encode(
            claims(user_id, iat=past, exp=past + timedelta(minutes=15)), key, "HS256"
        )
    if kind == "alg none":
        return jwt.encode(claims(user_id), None, algorithm="none")
    if kind == "foreign key":
        return jwt.encode(claims(user_id), secrets.token_urlsafe(32), "HS256")
    if kind == "unknown crit":
        headers = {"crit": ["x-must-understand"], "x-must-understand": True}
        return jwt.encode(claims(user_id), key, "HS256", headers=headers)
    if kind == "reset type":
        return jwt.encode(claims(user_id, typ="reset"), key, "HS256")
    if kind == "other audience":
        return jwt.encode(claims(user_id, aud="another-service"), key, "HS256")
    if kind == "no jti":
        valid = claims(user_id)
        del valid["jti"]
        return jwt.encode(valid, key, "HS256")
    raise AssertionError(kind)


KINDS = [
    "expired",
    "alg none",
    "foreign key",
    "unknown crit",
    "reset type",
    "other audience",
    "no jti",
]


@pytest.mark.parametrize("kind", KINDS)
def test_bad_access_tokens_get_401(api: AuthApi, auth_settings: str, kind: str) -> None:
    user_id = api.register("ann@example.com").json()["id"]
    good = jwt.encode(claims(user_id), auth_settings, "HS256")
    assert api.me(good).status_code == 200  # the forgery below is the only difference
    response = api.me(forged(kind, user_id, auth_settings))
    assert response.status_code == 401, kind
    assert response.json() == {"detail": "Could not validate credentials"}
    assert response.headers["www-authenticate"] == "Bearer"


def test_tampered_tokens_and_other_tokens_get_401(api: AuthApi) -> None:
    api.register("ann@example.com")
    tokens = api.tokens("ann@example.com")
    assert api.me(tokens["access_token"]).status_code == 200
    assert api.me(tampered(tokens["access_token"])).status_code == 401
    assert api.me(tokens["refresh_token"]).status_code == 401
    assert api.client.get("/auth/me").status_code == 401


def test_the_token_carries_every_claim(api: AuthApi, auth_settings: str) -> None:
    user_id = api.register("ann@example.com").json()["id"]
    token = api.tokens("ann@example.com")["access_token"]
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    decoded = jwt.decode(
        token, auth_settings, algorithms=["HS256"], audience=get_settings().app_name
    )
    assert set(decoded) == {"sub", "exp", "iat", "jti", "typ", "aud"}
    assert decoded["sub"] == str(user_id)
    assert decoded["typ"] == "access"
    assert decoded["exp"] - decoded["iat"] == 15 * 60


def test_refresh_rotates_and_a_replay_revokes_the_family(api: AuthApi) -> None:
    api.register("ann@example.com")
    first = api.tokens("ann@example.com")

    second = api.refresh(first["refresh_token"])
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert api.me(rotated["access_token"]).status_code == 200

    third = api.refresh(rotated["refresh_token"]).json()

    # someone replays the first token: the whole family ends, the newest token too
    assert api.refresh(first["refresh_token"]).status_code == 401
    assert api.refresh(third["refresh_token"]).status_code == 401


def test_other_sessions_survive_a_replay(api: AuthApi) -> None:
    api.register("ann@example.com")
    phone = api.tokens("ann@example.com")
    laptop = api.tokens("ann@example.com")
    api.refresh(phone["refresh_token"])
    assert api.refresh(phone["refresh_token"]).status_code == 401
    assert api.refresh(laptop["refresh_token"]).status_code == 200


def test_logout_ends_the_session(api: AuthApi) -> None:
    api.register("ann@example.com")
    tokens = api.tokens("ann@example.com")
    rotated = api.refresh(tokens["refresh_token"]).json()
    out = api.client.post(
        "/auth/logout", json={"refresh_token": rotated["refresh_token"]}
    )
    assert out.status_code == 204
    assert api.refresh(rotated["refresh_token"]).status_code == 401
    unknown = api.client.post("/auth/logout", json={"refresh_token": "unknown"})
    assert unknown.status_code == 204


def test_an_expired_refresh_token_is_refused(
    api: AuthApi, set_env: Callable[..., None]
) -> None:
    api.register("ann@example.com")
    set_env(auth_refresh_token_days=0)
    tokens = api.tokens("ann@example.com")
    assert api.refresh(tokens["refresh_token"]).status_code == 401
    assert api.refresh("made-up").status_code == 401


def test_a_deactivated_user_loses_access(
    api: AuthApi, make_user: Callable[..., Any]
) -> None:
    make_user("root@example.com", superuser=True)
    user_id = api.register("ann@example.com").json()["id"]
    tokens = api.tokens("ann@example.com")
    admin = bearer(api.tokens("root@example.com")["access_token"])
    done = api.client.patch(
        f"/auth/users/{user_id}", headers=admin, json={"is_active": False}
    )
    assert done.status_code == 200
    assert api.me(tokens["access_token"]).status_code == 401
    assert api.refresh(tokens["refresh_token"]).status_code == 401
    assert api.login("ann@example.com").status_code == 401
