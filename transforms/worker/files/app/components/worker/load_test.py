"""Load test: enqueue N jobs, wait for all of them, report throughput and latency."""

import asyncio
import math
import time
from uuid import uuid4

from arq.connections import ArqRedis
from arq.constants import result_key_prefix
from arq.jobs import JobResult, deserialize_result
from pydantic import BaseModel

from app.components.worker.keys import health_check_key, queue_key
from app.components.worker.queues import get_task

LOAD_TEST_TASK = "load_test"
ENQUEUE_BATCH = 100
PERCENTILES = (50, 90, 95, 99)


class LoadTestReport(BaseModel):
    """The outcome of one load test; latency runs from enqueue to finish."""

    jobs: int
    failed: int
    queue: str
    work_ms: float
    enqueue_seconds: float
    total_seconds: float
    throughput: float
    latency_ms: dict[str, float]


class NoWorkerError(RuntimeError):
    """No live worker consumes the queue, so the jobs would never run."""


def percentile(sorted_values: list[float], percent: float) -> float:
    """Nearest-rank percentile of values sorted in ascending order."""
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


async def _wait_for_results(
    redis: ArqRedis, job_ids: list[str], timeout: float, poll_interval: float
) -> list[JobResult]:
    pending = list(job_ids)
    results: list[JobResult] = []
    deadline = time.monotonic() + timeout
    while pending:
        async with redis.pipeline(transaction=False) as pipe:
            for job_id in pending:
                pipe.get(result_key_prefix + job_id)
            values = await pipe.execute()
        still_pending = []
        for job_id, raw in zip(pending, values, strict=True):
            if raw is None:
                still_pending.append(job_id)
            else:
                results.append(
                    deserialize_result(raw, deserializer=redis.job_deserializer)
                )
        pending = still_pending
        if pending:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{len(pending)} of {len(job_ids)} jobs unfinished after "
                    f"{timeout:g} s"
                )
            await asyncio.sleep(poll_interval)
    return results


async def run_load_test(
    redis: ArqRedis,
    jobs: int,
    work_ms: float = 0.0,
    timeout: float = 300.0,
    poll_interval: float = 0.05,
) -> LoadTestReport:
    """Enqueue `jobs` load-test jobs, wait until a worker ran them all, measure.

    Needs a live worker on the task's queue. Throughput is jobs per second from
    the first enqueue to the last finish (the times arq records); the job results
    are deleted afterwards.
    """
    if jobs < 1:
        raise ValueError("a load test needs at least one job")
    task = get_task(LOAD_TEST_TASK)
    task.check_arguments((work_ms,), {})
    queue = task.queue
    if not await redis.exists(health_check_key(queue)):
        raise NoWorkerError(f"no worker is consuming the {queue!r} queue")
    job_ids = [uuid4().hex for _ in range(jobs)]
    started = time.perf_counter()
    for first in range(0, jobs, ENQUEUE_BATCH):
        await asyncio.gather(
            *(
                redis.enqueue_job(
                    LOAD_TEST_TASK,
                    work_ms,
                    _job_id=job_id,
                    _queue_name=queue_key(queue),
                )
                for job_id in job_ids[first : first + ENQUEUE_BATCH]
            )
        )
    enqueued = time.perf_counter()
    try:
        results = await _wait_for_results(redis, job_ids, timeout, poll_interval)
    finally:
        await redis.delete(*(result_key_prefix + job_id for job_id in job_ids))
    total = time.perf_counter() - started
    span = max(result.finish_time for result in results) - min(
        result.enqueue_time for result in results
    )
    latencies = sorted(
        (result.finish_time - result.enqueue_time).total_seconds() * 1000
        for result in results
    )
    latency_ms = {f"p{p}": percentile(latencies, p) for p in PERCENTILES}
    latency_ms["max"] = latencies[-1]
    return LoadTestReport(
        jobs=jobs,
        failed=sum(not result.success for result in results),
        queue=queue,
        work_ms=work_ms,
        enqueue_seconds=round(enqueued - started, 3),
        total_seconds=round(total, 3),
        throughput=round(jobs / max(span.total_seconds(), 0.001), 1),
        latency_ms=latency_ms,
    )
