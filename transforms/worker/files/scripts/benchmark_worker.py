"""Benchmark the worker against raw arq: enqueueing N jobs with the app's client, and
running them with the app's worker, each as a ratio to arq used directly on the same
Redis with the same no-op job, in the same run.

    python scripts/benchmark_worker.py              # 1000 jobs, REDIS_URL
    python scripts/benchmark_worker.py --jobs 5000

Jobs go to scratch queues of their own; every key the run creates is deleted at the end.
"""

import argparse
import asyncio
import statistics
import time
from typing import Any
from uuid import uuid4

from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import job_key_prefix, result_key_prefix
from arq.worker import Worker, func

from app.components.worker.load_test import LOAD_TEST_TASK
from app.components.worker.pool import close_arq_pool, get_arq_pool
from app.components.worker.queues import DefaultWorkerSettings, build_worker
from app.core.config import get_settings


async def noop(ctx: dict[str, Any], work_ms: float = 0.0) -> None:
    """The raw arq job: the same signature as the app's load-test task, no work."""


async def enqueue_all(
    redis: ArqRedis, queue: str, jobs: int
) -> tuple[float, list[str]]:
    """Seconds to enqueue `jobs` no-op jobs one after the other, and their ids."""
    ids = [f"bench-{uuid4().hex}" for _ in range(jobs)]
    started = time.perf_counter()
    for job_id in ids:
        await redis.enqueue_job(LOAD_TEST_TASK, 0.0, _job_id=job_id, _queue_name=queue)
    return time.perf_counter() - started, ids


async def run_burst(worker: Worker) -> float:
    """Seconds for `worker` to empty its queue."""
    started = time.perf_counter()
    try:
        await worker.main()
    finally:
        await worker.close()
    return time.perf_counter() - started


async def clean(redis: ArqRedis, queues: list[str], ids: list[str]) -> None:
    keys = [
        prefix + job_id
        for job_id in ids
        for prefix in (job_key_prefix, result_key_prefix)
    ]
    for first in range(0, len(keys), 1000):
        await redis.delete(*keys[first : first + 1000])
    await redis.delete(*queues, *(f"{queue}:health-check" for queue in queues))


async def one_round(jobs: int) -> dict[str, float]:
    """Enqueue and run `jobs` jobs the app's way and the raw arq way."""
    url = get_settings().redis_url
    app_queue, raw_queue = f"bench:app:{uuid4().hex}", f"bench:raw:{uuid4().hex}"
    app_client = get_arq_pool()
    raw_client = await create_pool(RedisSettings.from_dsn(url))
    ids: list[str] = []
    try:
        app_enqueue, app_ids = await enqueue_all(app_client, app_queue, jobs)
        raw_enqueue, raw_ids = await enqueue_all(raw_client, raw_queue, jobs)
        ids = app_ids + raw_ids
        common = {"burst": True, "handle_signals": False}
        app_run = await run_burst(
            build_worker("default", queue_name=app_queue, **common)
        )
        raw_worker = Worker(
            functions=[func(noop, name=LOAD_TEST_TASK)],
            queue_name=raw_queue,
            redis_settings=RedisSettings.from_dsn(url),
            max_jobs=DefaultWorkerSettings.max_jobs,
            poll_delay=DefaultWorkerSettings.poll_delay,
            keep_result=DefaultWorkerSettings.keep_result,
            **common,
        )
        raw_run = await run_burst(raw_worker)
    finally:
        await clean(raw_client, [app_queue, raw_queue], ids)
        await raw_client.aclose()
        await close_arq_pool()
    return {
        "app_enqueue": app_enqueue,
        "raw_enqueue": raw_enqueue,
        "app_jobs_per_s": jobs / app_run,
        "raw_jobs_per_s": jobs / raw_run,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="the median is reported")
    options = parser.parse_args()
    rounds = [asyncio.run(one_round(options.jobs)) for _ in range(options.rounds)]
    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    enqueue_ratio = median["app_enqueue"] / median["raw_enqueue"]
    run_ratio = median["app_jobs_per_s"] / median["raw_jobs_per_s"]
    print(f"{options.jobs} no-op jobs, median of {options.rounds} rounds")
    print(
        f"enqueue: app {median['app_enqueue']:.3f} s, raw arq "
        f"{median['raw_enqueue']:.3f} s: {enqueue_ratio:.2f}x raw arq's time"
    )
    print(
        f"worker: app {median['app_jobs_per_s']:.0f} jobs/s, raw arq "
        f"{median['raw_jobs_per_s']:.0f} jobs/s: {run_ratio:.2f}x raw arq's rate"
    )


if __name__ == "__main__":
    main()
