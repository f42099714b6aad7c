"""Auth test fixtures: safe settings with cheap hashing, a migrated database, a client.

Argon2 runs with argon2-cffi's CHEAPEST profile here (through the settings) so that the
suite stays fast; the production default is the library's recommended profile.
"""

import secrets
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.components.backend.main import create_app
from app.core.database import get_engine
from app.models.user import User
from app.services.auth import limits
from app.services.auth.users import create_user
from tests.auth.support import PASSWORD, AuthApi

SetEnv = Callable[..., None]


@pytest.fixture(autouse=True)
def auth_settings(set_env: SetEnv, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A strong random key, cheap hashing, e-mail to the log, a fresh rate limiter.

    Returns the secret key. Redis-backed limits are tested on their own.
    """
    secret = secrets.token_urlsafe(32)
    set_env(
        secret_key=secret,
        environment="development",
        auth_password_hash_profile="CHEAPEST",
        auth_token_audience="",
        smtp_host="",
    )
    monkeypatch.setattr(limits, "RATE_LIMITER_FACTORY", limits.memory_rate_limiter)
    limits.get_rate_limiter.cache_clear()
    yield secret
    limits.get_rate_limiter.cache_clear()


@pytest.fixture
def api(migrated_database: str) -> Iterator[AuthApi]:
    """The auth API of an app on a migrated database without rows."""
    with TestClient(create_app()) as client:
        yield AuthApi(client)


@pytest.fixture
def make_user(api: AuthApi) -> Callable[..., User]:
    """Store a user directly: `make_user("a@example.com", superuser=True)`.

    It needs `api`, whose database it writes to.
    """

    def make(email: str, password: str = PASSWORD, superuser: bool = False) -> User:
        with Session(get_engine()) as session:
            return create_user(session, email, password, is_superuser=superuser)

    return make
