"""The worker against a real Redis (database 10, emptied around every test).

Jobs are enqueued through the API, the CLI or directly, run by a real arq worker
(in burst mode, in the background, or as a separate process), and read back.
"""

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, suppress
from datetime import datetime

import httpx
import pytest
import redis
from arq.connections import ArqRedis, RedisSettings
from arq.constants import result_key_prefix
from arq.worker import Worker
from typer.testing import CliRunner

from app.cli.main import app as cli
from app.components.backend.main import create_app
from app.components.worker.keys import health_check_key
from app.components.worker.load_test import NoWorkerError, run_load_test
from app.components.worker.monitor import check_worker
from app.components.worker.pool import close_arq_pool, get_arq_pool
from app.components.worker.queues import TaskArgumentsError, build_worker
from app.core.health import Status
from app.core.redis import close_redis
from app.services.benchmark import simulated_work
from tests.operations import OPERATOR_HEADERS
from tests.redis_test_db import claim, claim_sync, own_redis_url

WORKER_REDIS_URL = own_redis_url("TEST_WORKER_REDIS_URL", 10)

# arq's Worker.close() calls redis-py's deprecated close().
pytestmark = pytest.mark.filterwarnings(
    "ignore:Call to deprecated close:DeprecationWarning"
)

SetEnv = Callable[..., None]


@pytest.fixture
async def pool(set_env: SetEnv) -> AsyncIterator[ArqRedis]:
    """The app's arq client on the test database, empty before and emptied after.

    Health checks run here open the shared Redis client too: it is closed after.
    """
    set_env(redis_url=WORKER_REDIS_URL)
    client = get_arq_pool()
    await claim(client, WORKER_REDIS_URL)
    yield client
    await client.flushdb()
    await close_arq_pool()
    await close_redis()


@pytest.fixture
async def api(pool: ArqRedis) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app, on the test database."""
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=OPERATOR_HEADERS
    ) as client:
        yield client


def make_worker(queue: str, **overrides: object) -> Worker:
    """A worker of `queue` on the test database, polling fast."""
    return build_worker(
        queue,
        redis_settings=RedisSettings.from_dsn(WORKER_REDIS_URL),
        handle_signals=False,
        poll_delay=0.01,
        **overrides,
    )


async def run_burst(queue: str) -> Worker:
    """Run a worker of `queue` until the queue is empty."""
    worker = make_worker(queue, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker


@asynccontextmanager
async def running_worker(queue: str, pool: ArqRedis) -> AsyncIterator[Worker]:
    """A worker of `queue` running in the background until the block ends."""
    worker = make_worker(queue)
    task = asyncio.create_task(worker.async_run())
    try:
        async with asyncio.timeout(10):
            while not await pool.exists(health_check_key(queue)):
                await asyncio.sleep(0.01)
        yield worker
    finally:
        # Let jobs finish their end hooks: close() cancels what still runs.
        with suppress(TimeoutError):
            async with asyncio.timeout(5):
                while not all(job.done() for job in worker.tasks.values()):
                    await asyncio.sleep(0.01)
        await worker.close()
        with suppress(asyncio.CancelledError):
            await task


async def test_enqueue_run_and_read_result_through_the_api(
    api: httpx.AsyncClient,
) -> None:
    text = "hello big world\nbye"
    response = await api.post(
        "/worker/tasks/text_stats", json={"kwargs": {"text": text}}
    )
    assert response.status_code == 202, response.text
    enqueued = response.json()
    assert enqueued["task"] == "text_stats"
    assert enqueued["queue"] == "default"

    waiting = (await api.get(f"/worker/jobs/{enqueued['job_id']}")).json()
    assert waiting["status"] == "queued"
    assert waiting["queue"] == "default"
    assert waiting["kwargs"] == {"text": text}

    worker = await run_burst("default")
    assert worker.jobs_complete == 1

    response = await api.get(f"/worker/jobs/{enqueued['job_id']}")
    assert response.status_code == 200
    job = response.json()
    assert job["status"] == "complete"
    assert job["result"] == {"characters": len(text), "words": 4, "lines": 2}
    assert job["error"] is None
    times = [job[f"{step}_time"] for step in ("enqueue", "start", "finish")]
    assert sorted(times, key=datetime.fromisoformat) == times


async def test_a_failing_task_is_reported_failed_with_its_error(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post("/worker/tasks/text_stats", json={"args": ["   "]})
    job_id = response.json()["job_id"]

    worker = await run_burst("default")
    assert worker.jobs_failed == 1

    job = (await api.get(f"/worker/jobs/{job_id}")).json()
    assert job["status"] == "failed"
    assert job["error"] == "ValueError: text is blank"
    assert job["result"] is None

    queues = {q["queue"]: q for q in (await api.get("/worker/queues")).json()}
    assert queues["default"]["recent_failures"] == 1
    assert queues["default"]["failed_job_ids"] == [job_id]
    assert queues["system"]["recent_failures"] == 0

    result = await check_worker()
    assert result.status is Status.WARNING
    assert "default: no worker alive, 1 failed recently" in result.message


async def test_system_tasks_run_only_on_the_system_queue(
    api: httpx.AsyncClient,
) -> None:
    job_id = (await api.post("/worker/tasks/redis_usage")).json()["job_id"]
    assert (await run_burst("default")).jobs_complete == 0
    assert (await api.get(f"/worker/jobs/{job_id}")).json()["status"] == "queued"

    assert (await run_burst("system")).jobs_complete == 1
    job = (await api.get(f"/worker/jobs/{job_id}")).json()
    assert job["status"] == "complete"
    assert job["queue"] == "system"
    assert job["result"]["version"]
    assert job["result"]["keys"] >= 1


async def test_unknown_task_is_404_with_the_registered_names(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post("/worker/tasks/no_such_task", json={})
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail.startswith("unknown task 'no_such_task'")
    assert "text_stats" in detail


async def test_arguments_the_task_does_not_take_are_422(
    api: httpx.AsyncClient, pool: ArqRedis
) -> None:
    response = await api.post("/worker/tasks/text_stats", json={"kwargs": {"txt": "x"}})
    assert response.status_code == 422
    assert "text_stats" in response.json()["detail"]
    assert await pool.dbsize() == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/worker/tasks/text_stats"),
        ("GET", "/worker/tasks"),
        ("GET", "/worker/queues"),
        ("GET", "/worker/jobs/some-job"),
    ],
)
async def test_the_worker_api_is_for_operators_only(
    api: httpx.AsyncClient, pool: ArqRedis, method: str, path: str
) -> None:
    for headers in ({"X-Ops-Token": ""}, {"X-Ops-Token": "wrong"}):
        response = await api.request(
            method, path, json={"args": ["x"]}, headers=headers
        )
        assert response.status_code == 401
    assert await pool.dbsize() == 0


async def test_arguments_over_the_size_limit_are_413(
    api: httpx.AsyncClient, pool: ArqRedis, set_env: SetEnv
) -> None:
    set_env(worker_max_argument_bytes=1000)
    response = await api.post("/worker/tasks/text_stats", json={"args": ["x" * 995]})
    assert response.status_code == 413
    assert "WORKER_MAX_ARGUMENT_BYTES" in response.json()["detail"]
    assert "x" * 100 not in response.text
    assert await pool.dbsize() == 0
    small = await api.post("/worker/tasks/text_stats", json={"args": ["x" * 900]})
    assert small.status_code == 202


async def test_errors_do_not_repeat_long_names_or_values(
    api: httpx.AsyncClient, pool: ArqRedis
) -> None:
    for body in (
        {"kwargs": {"x" * 5000: 1}},
        {"kwargs": {"text": 1, "y" * 99: 2}},
        {"job_id": "j" * 5000},
    ):
        response = await api.post("/worker/tasks/text_stats", json=body)
        assert response.status_code == 422
        assert len(response.content) < 500, response.text
    assert await pool.dbsize() == 0


@pytest.mark.parametrize("work_ms", [-1, 1e15, "a lot", None])
async def test_task_parameters_are_bounded(
    api: httpx.AsyncClient, pool: ArqRedis, work_ms: object
) -> None:
    response = await api.post(
        "/worker/tasks/load_test", json={"kwargs": {"work_ms": work_ms}}
    )
    assert response.status_code == 422
    assert "work_ms" in response.json()["detail"]
    assert await pool.dbsize() == 0


async def test_a_load_test_refuses_unbounded_work(pool: ArqRedis) -> None:
    with pytest.raises(TaskArgumentsError, match="work_ms"):
        await run_load_test(pool, jobs=1, work_ms=1e15)
    with pytest.raises(ValueError, match="work_ms"):
        await simulated_work(1e15)
    assert await pool.dbsize() == 0


async def test_a_job_id_is_taken_once(api: httpx.AsyncClient) -> None:
    body = {"args": ["some text"], "job_id": "once"}
    first = await api.post("/worker/tasks/text_stats", json=body)
    assert first.status_code == 202
    assert first.json()["job_id"] == "once"
    second = await api.post("/worker/tasks/text_stats", json=body)
    assert second.status_code == 409


async def test_unknown_job_is_404(api: httpx.AsyncClient) -> None:
    response = await api.get("/worker/jobs/does-not-exist")
    assert response.status_code == 404


async def test_tasks_are_listed_with_their_queue(api: httpx.AsyncClient) -> None:
    tasks = {task["name"]: task for task in (await api.get("/worker/tasks")).json()}
    assert tasks["text_stats"]["queue"] == "default"
    assert tasks["text_stats"]["parameters"] == ["text: str"]
    assert tasks["health_snapshot"]["queue"] == "system"


async def test_health_detailed_lists_the_worker(api: httpx.AsyncClient) -> None:
    body = (await api.get("/health/detailed")).json()
    worker = next(check for check in body["checks"] if check["name"] == "worker")
    assert set(worker["details"]) == {"system", "default"}
    assert worker["details"]["default"]["worker_alive"] is False


async def test_no_worker_is_a_warning_in_development(pool: ArqRedis) -> None:
    result = await check_worker()
    assert result.status is Status.WARNING
    assert result.message == ("system: no worker alive; default: no worker alive")


async def test_no_worker_is_unhealthy_in_production(
    pool: ArqRedis, set_env: SetEnv
) -> None:
    set_env(environment="production")
    assert (await check_worker()).status is Status.UNHEALTHY


async def test_live_workers_make_the_check_healthy(pool: ArqRedis) -> None:
    async with running_worker("system", pool), running_worker("default", pool):
        result = await check_worker()
        assert result.status is Status.HEALTHY, result.message
        assert result.message == "system: 0 queued; default: 0 queued"
        assert "j_complete=0" in result.details["default"]["worker_info"]
    assert not await pool.exists(health_check_key("default"))


async def test_a_long_queue_is_a_warning(pool: ArqRedis, set_env: SetEnv) -> None:
    set_env(worker_queue_warning_depth=2)
    for index in range(2):
        await pool.enqueue_job(
            "load_test", _queue_name="arq:queue:system", _job_id=str(index)
        )
    result = await check_worker()
    assert "system: no worker alive, 2 jobs queued" in result.message


async def test_unreachable_redis_is_unhealthy(set_env: SetEnv) -> None:
    set_env(redis_url="redis://127.0.0.1:1/10")
    result = await check_worker()
    assert result.status is Status.UNHEALTHY
    assert result.message.startswith("cannot reach Redis")


async def test_health_snapshot_runs_every_check(pool: ArqRedis) -> None:
    await pool.enqueue_job("health_snapshot", _queue_name="arq:queue:system")
    worker = await run_burst("system")
    assert worker.jobs_complete == 1
    [result] = await pool.all_job_results()
    names = {check["name"] for check in result.result["checks"]}
    assert {"cpu", "redis", "worker"} <= names


async def test_load_test_reports_throughput_and_latency(pool: ArqRedis) -> None:
    async with running_worker("default", pool):
        report = await run_load_test(pool, jobs=50, poll_interval=0.01)
    assert report.jobs == 50
    assert report.failed == 0
    assert report.throughput > 0
    latency = report.latency_ms
    assert 0 <= latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["max"]
    assert await pool.keys(f"{result_key_prefix}*") == []


async def test_load_test_needs_a_live_worker(pool: ArqRedis) -> None:
    with pytest.raises(NoWorkerError, match="'default'"):
        await run_load_test(pool, jobs=5)
    assert await pool.zcard("arq:queue:default") == 0


@pytest.fixture
def sync_db(set_env: SetEnv) -> Iterator[redis.Redis]:
    """The test database for CLI tests (which run their own event loop)."""
    set_env(redis_url=WORKER_REDIS_URL)
    client = redis.Redis.from_url(WORKER_REDIS_URL)
    claim_sync(client, WORKER_REDIS_URL)
    yield client
    client.flushdb()
    client.close()


def test_cli_enqueue_job_and_status(sync_db: redis.Redis) -> None:
    runner = CliRunner()
    enqueued = runner.invoke(
        cli, ["worker", "enqueue", "text_stats", "--kwargs", '{"text": "a b c"}']
    )
    assert enqueued.exit_code == 0, enqueued.output
    job_id = enqueued.output.strip()

    shown = runner.invoke(cli, ["worker", "job", job_id])
    assert shown.exit_code == 0, shown.output
    assert '"status": "queued"' in shown.output

    status = runner.invoke(cli, ["worker", "status", "--json"])
    assert status.exit_code == 0, status.output
    assert '"queued": 1' in status.output


def test_cli_refuses_unknown_tasks_and_bad_json(sync_db: redis.Redis) -> None:
    runner = CliRunner()
    unknown = runner.invoke(cli, ["worker", "enqueue", "nope"])
    assert unknown.exit_code == 2
    assert "unknown task 'nope'" in unknown.output
    bad = runner.invoke(cli, ["worker", "enqueue", "text_stats", "--args", "{"])
    assert bad.exit_code == 2
    assert sync_db.dbsize() == 0


@pytest.mark.processes
def test_entrypoint_process_runs_a_queue(sync_db: redis.Redis) -> None:
    runner = CliRunner()
    job_id = runner.invoke(
        cli, ["worker", "enqueue", "text_stats", "--args", '["one two"]']
    ).output.strip()
    environment = {**os.environ, "REDIS_URL": WORKER_REDIS_URL}
    command = [sys.executable, "-m", "app.entrypoints.worker", "default"]
    subprocess.run([*command, "--burst"], env=environment, check=True, timeout=60)
    job = runner.invoke(cli, ["worker", "job", job_id])
    assert '"status": "complete"' in job.output
    assert '"words": 2' in job.output
    check = subprocess.run([*command, "--check"], env=environment, timeout=60)
    assert check.returncode == 1
