"""The workers in the `dev` group: one per queue, alive until Ctrl-C."""

import asyncio
import time
from collections.abc import Callable

import pytest

from app.components.worker.keys import QUEUE_NAMES
from app.components.worker.monitor import QueueStatus, all_queue_statuses
from app.components.worker.pool import close_arq_pool, get_arq_pool
from app.entrypoints.processes import DEV_PROCESSES
from tests.devrun import DevRun
from tests.redis_test_db import own_redis_url

DevRunner = Callable[..., DevRun]
SetEnv = Callable[..., None]
WORKER_REDIS_URL = own_redis_url("TEST_WORKER_REDIS_URL", 10)


async def statuses() -> list[QueueStatus]:
    """Every queue's status, read from Redis."""
    try:
        return await all_queue_statuses(get_arq_pool())
    finally:
        await close_arq_pool()


def test_each_queue_has_its_worker_in_the_dev_group() -> None:
    workers = {p.name: p for p in DEV_PROCESSES if p.module == "app.entrypoints.worker"}
    assert {name: p.args for name, p in workers.items()} == {
        f"worker-{queue}": (queue,) for queue in QUEUE_NAMES
    }


@pytest.mark.processes
def test_the_dev_group_runs_a_live_worker_per_queue(
    dev_run: DevRunner, set_env: SetEnv
) -> None:
    set_env(redis_url=WORKER_REDIS_URL, worker_health_check_interval=1)
    names = [f"worker-{queue}" for queue in QUEUE_NAMES]
    only = [word for name in names for word in ("--only", name)]
    run = dev_run(*only, REDIS_URL=WORKER_REDIS_URL, WORKER_HEALTH_CHECK_INTERVAL="1")
    deadline = time.monotonic() + 90
    # Each queue's health key lives one interval past its refresh: on a busy machine
    # the two need not be seen at the same instant, so each is seen at least once.
    seen: set[str] = set()
    while seen != set(QUEUE_NAMES):
        assert run.process.poll() is None, run.output
        missing = set(QUEUE_NAMES) - seen
        assert time.monotonic() < deadline, f"no live worker: {missing}\n{run.output}"
        alive = [status for status in asyncio.run(statuses()) if status.worker_alive]
        seen |= {status.queue for status in alive}
        time.sleep(0.2)
    assert run.interrupt() == 0
    for name in names:
        assert any("Starting worker" in line for line in run.lines_of(name)), run.output
