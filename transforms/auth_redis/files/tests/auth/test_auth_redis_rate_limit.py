"""The auth rate limits in Redis, against a real server."""

from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from sqlmodel import Session

from app.core.database import get_engine
from app.core.redis import close_redis, get_redis
from app.services.auth import limits
from app.services.auth.redis_rate_limit import (
    KEY_PREFIX,
    RedisRateLimiter,
    redis_rate_limiter,
)
from app.services.auth.users import create_user
from tests.auth.support import PASSWORD, AuthApi
from tests.redis_test_db import claim, own_redis_url

TEST_REDIS_URL = own_redis_url("TEST_REDIS_URL", 9)

SetEnv = Callable[..., None]
DECLARED_FACTORY = limits.RATE_LIMITER_FACTORY  # before any fixture replaces it


def test_the_project_counts_in_redis() -> None:
    assert DECLARED_FACTORY is redis_rate_limiter


@pytest.fixture
async def redis_db(set_env: SetEnv) -> AsyncIterator[None]:
    """A Redis database of its own, empty before the test and emptied after."""
    set_env(redis_url=TEST_REDIS_URL)
    await claim(get_redis(), TEST_REDIS_URL)
    yield
    await get_redis().flushdb()
    await close_redis()


@pytest.fixture
def redis_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's limiter is the Redis one (the auth tests use a memory one)."""
    monkeypatch.setattr(limits, "RATE_LIMITER_FACTORY", redis_rate_limiter)
    limits.get_rate_limiter.cache_clear()
    yield
    limits.get_rate_limiter.cache_clear()


async def test_counts_expire_with_their_window(redis_db: None) -> None:
    limiter = RedisRateLimiter()
    assert [await limiter.hit("k", 2, 30) for _ in range(2)] == [None, None]
    assert await limiter.hit("k", 2, 30) == 30
    client = get_redis()
    assert 0 < await client.ttl(f"{KEY_PREFIX}k") <= 30
    assert await limiter.hit("other", 2, 30) is None
    await client.delete(f"{KEY_PREFIX}k")
    assert await limiter.hit("k", 2, 30) is None


async def test_redis_down_lets_requests_through(
    set_env: SetEnv, caplog: pytest.LogCaptureFixture
) -> None:
    set_env(redis_url="redis://127.0.0.1:1/0")
    try:
        assert await RedisRateLimiter().hit("k", 0, 30) is None
    finally:
        await close_redis()
    assert "rate limit not enforced" in caplog.text


@pytest.mark.usefixtures("redis_db", "redis_limits")
def test_login_over_the_limit_gets_429_from_redis(
    api: AuthApi, set_env: SetEnv
) -> None:
    set_env(auth_login_limit=2, auth_login_window_seconds=60)
    with Session(get_engine()) as session:
        create_user(session, "ann@example.com", PASSWORD)
    assert api.login("ann@example.com", "guess").status_code == 401
    assert api.login("ann@example.com").status_code == 200
    limited = api.login("ann@example.com")
    assert limited.status_code == 429
    assert 0 < int(limited.headers["retry-after"]) <= 60
    # a fresh limiter object (another process) sees the same count
    limits.get_rate_limiter.cache_clear()
    assert api.login("ann@example.com").status_code == 429
