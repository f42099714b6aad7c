"""While Redis is unreachable: not ready, 503 from what needs it, alive all the same."""

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.components.backend.main import create_app
from app.core import checks
from app.core.health import Status
from app.core.redis import check_redis_ready, close_redis, get_redis
from tests.redis_test_db import own_redis_url

TEST_REDIS_URL = own_redis_url("TEST_REDIS_URL", 9)
UNREACHABLE_URL = "redis://127.0.0.1:1/0"

SetEnv = Callable[..., None]


def app_needing_redis() -> FastAPI:
    """The project's app with one more route that needs Redis."""
    app = create_app()

    @app.get("/needs-redis")
    async def needs_redis() -> dict[str, bool]:
        return {"pong": bool(await get_redis().ping())}

    return app


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(app_needing_redis()) as test_client:
        yield test_client


def test_redis_is_a_readiness_check() -> None:
    assert check_redis_ready in checks.READINESS_CHECKS


async def test_ready_when_redis_answers(set_env: SetEnv) -> None:
    set_env(redis_url=TEST_REDIS_URL)
    try:
        result = await check_redis_ready()
    finally:
        await close_redis()
    assert (result.name, result.status) == ("redis", Status.HEALTHY)


def test_unreachable_redis_makes_the_process_unready_not_dead(
    set_env: SetEnv, client: TestClient
) -> None:
    set_env(redis_url=UNREACHABLE_URL)
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["redis"] == "unhealthy"
    assert ready.json()["reasons"]["redis"].startswith("cannot reach Redis")
    assert client.get("/health/live").status_code == 200


def test_what_needs_redis_answers_503_while_it_is_down(
    set_env: SetEnv, client: TestClient
) -> None:
    set_env(redis_url=UNREACHABLE_URL)
    response = client.get("/needs-redis")
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert detail.startswith("Redis is unavailable, try again shortly: ")
    assert response.headers["retry-after"] == "5"
