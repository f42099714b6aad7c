"""The worker through Redis outages: 503 to enqueue, reconnection, interrupted jobs."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from uuid import uuid4

import httpx
import pytest
from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix, result_key_prefix

from app.components.backend.main import create_app
from app.components.worker.pool import close_arq_pool, get_arq_pool
from app.components.worker.supervisor import Supervisor, release_interrupted
from app.core.redis import close_redis
from tests.operations import OPERATOR_HEADERS
from tests.redis_test_db import own_redis_url

WORKER_REDIS_URL = own_redis_url("TEST_WORKER_REDIS_URL", 10)
UNREACHABLE_URL = "redis://127.0.0.1:1/10"

SetEnv = Callable[..., None]


@pytest.fixture
async def unreachable(set_env: SetEnv) -> AsyncIterator[None]:
    set_env(redis_url=UNREACHABLE_URL)
    yield
    await close_arq_pool()
    await close_redis()


async def test_enqueue_and_read_answer_503_while_redis_is_down(
    unreachable: None,
) -> None:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=OPERATOR_HEADERS
    ) as api:
        enqueued = await api.post("/worker/tasks/text_stats", json={"args": ["a b"]})
        job = await api.get("/worker/jobs/some-job")
    for response in (enqueued, job):
        assert response.status_code == 503
        assert response.json()["detail"].startswith("Redis is unavailable")


async def test_the_supervisor_keeps_trying_until_stopped(
    unreachable: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    supervisor = Supervisor("default")
    running = asyncio.create_task(supervisor.run())
    async with asyncio.timeout(10):
        while caplog.text.count("Redis unavailable") < 2:
            await asyncio.sleep(0.05)
    assert not running.done()  # still trying, not exited
    supervisor.stop()
    async with asyncio.timeout(10):
        await running
    assert "worker default: Redis unavailable" in caplog.text


@pytest.fixture
async def pool(set_env: SetEnv) -> AsyncIterator[ArqRedis]:
    set_env(redis_url=WORKER_REDIS_URL)
    yield get_arq_pool()
    await close_arq_pool()


async def test_interrupted_jobs_are_released_unless_they_finished(
    pool: ArqRedis,
) -> None:
    interrupted, finished = f"test-{uuid4().hex}", f"test-{uuid4().hex}"
    keys = [in_progress_key_prefix + interrupted, in_progress_key_prefix + finished]
    await pool.set(keys[0], b"1", ex=60)
    await pool.set(keys[1], b"1", ex=60)
    await pool.set(result_key_prefix + finished, b"r", ex=60)
    try:
        assert await release_interrupted(pool, [interrupted, finished]) == 1
        assert not await pool.exists(keys[0])
        assert await pool.exists(keys[1])
    finally:
        await pool.delete(*keys, result_key_prefix + finished)
