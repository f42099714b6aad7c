"""The Redis client and its health check, against a real server."""

from collections.abc import AsyncIterator, Callable

import pytest
from fastapi.testclient import TestClient

from app.components.backend.main import create_app
from app.core.health import Status
from app.core.redis import check_redis, close_redis, get_redis
from tests.operations import OPERATOR_HEADERS
from tests.redis_test_db import ALLOW_FLUSH, claim, own_redis_url

TEST_REDIS_URL = own_redis_url("TEST_REDIS_URL", 9)
UNREACHABLE_URL = "redis://127.0.0.1:1/0"

SetEnv = Callable[..., None]


@pytest.fixture
async def redis_db(set_env: SetEnv) -> AsyncIterator[None]:
    """A Redis database of its own, empty before the test and emptied after."""
    set_env(redis_url=TEST_REDIS_URL)
    await claim(get_redis(), TEST_REDIS_URL)
    yield
    await get_redis().flushdb()
    await close_redis()


async def test_client_round_trip(redis_db: None) -> None:
    client = get_redis()
    await client.set("greeting", "hello", ex=30)
    assert await client.get("greeting") == "hello"
    assert 0 < await client.ttl("greeting") <= 30


async def test_a_database_holding_other_keys_is_not_emptied(
    redis_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The suite refuses a database it did not fill, unless told to empty it."""
    client = get_redis()
    await client.set("someone-elses", "data")
    monkeypatch.delenv(ALLOW_FLUSH, raising=False)
    with pytest.raises(pytest.fail.Exception, match=ALLOW_FLUSH):
        await claim(client, TEST_REDIS_URL)
    assert await client.get("someone-elses") == "data"
    monkeypatch.setenv(ALLOW_FLUSH, "1")
    await claim(client, TEST_REDIS_URL)
    assert await client.dbsize() == 0


async def test_client_is_shared_until_closed(redis_db: None) -> None:
    first = get_redis()
    assert get_redis() is first
    await close_redis()
    assert get_redis() is not first


async def test_check_is_healthy_when_server_answers(redis_db: None) -> None:
    result = await check_redis()
    assert result.status is Status.HEALTHY
    assert result.message == "PONG"
    assert result.details["version"]


async def test_check_is_unhealthy_when_server_is_unreachable(set_env: SetEnv) -> None:
    set_env(redis_url=UNREACHABLE_URL)
    try:
        result = await check_redis()
    finally:
        await close_redis()
    assert result.status is Status.UNHEALTHY
    assert "cannot reach Redis" in result.message


def test_health_endpoint_reports_redis(
    set_env: SetEnv, relaxed_thresholds: None
) -> None:
    set_env(redis_url=TEST_REDIS_URL)
    with TestClient(create_app(), headers=OPERATOR_HEADERS) as client:
        body = client.get("/health/detailed").json()
    redis = next(check for check in body["checks"] if check["name"] == "redis")
    assert redis["status"] == "healthy"
    assert redis["latency_ms"] >= 0
