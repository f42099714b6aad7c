"""What the worker reports: failed jobs, the state of each queue, the health check."""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from arq.connections import ArqRedis
from arq.constants import result_key_prefix
from arq.jobs import JobResult, deserialize_result
from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.components.worker.keys import (
    QUEUE_NAMES,
    failures_key,
    health_check_key,
    queue_key,
)
from app.core.config import get_settings
from app.core.health import CheckResult, Status, worst_status

RECENT_FAILURES_LISTED = 5


class QueueStatus(BaseModel):
    """The state of one queue, as seen in Redis."""

    queue: str
    worker_alive: bool
    worker_info: str = ""
    queued: int
    recent_failures: int
    failed_job_ids: list[str] = []


async def record_failure(ctx: dict[str, Any], result: JobResult | None) -> None:
    """Job end hook: remember a failed job in its queue's failure set.

    Failures older than `WORKER_FAILURE_WINDOW` seconds are dropped at the same time.
    """
    if result is None or result.success:
        return
    redis: ArqRedis = ctx["redis"]
    key = f"{result.queue_name}:failures"
    window = get_settings().worker_failure_window
    now = time.time()
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zadd(key, {ctx["job_id"]: now})
        pipe.zremrangebyscore(key, "-inf", now - window)
        pipe.expire(key, window)
        await pipe.execute()


JobStartHook = Callable[[dict[str, Any]], Awaitable[None]]
JobEndHook = Callable[[dict[str, Any], JobResult | None], Awaitable[None]]

JOB_START_HOOKS: list[JobStartHook] = []
"""Awaited with the job's context before each job runs (in the job's context)."""

JOB_END_HOOKS: list[JobEndHook] = [
    record_failure,
]
"""Awaited with the job's context and its stored result (None when results are not
kept) after each job."""


async def job_started(ctx: dict[str, Any]) -> None:
    """arq `on_job_start`: every hook of `JOB_START_HOOKS`."""
    for hook in JOB_START_HOOKS:
        await hook(ctx)


async def job_ended(ctx: dict[str, Any]) -> None:
    """arq `after_job_end`: every hook of `JOB_END_HOOKS`, with the job's result."""
    redis: ArqRedis = ctx["redis"]
    raw = await redis.get(result_key_prefix + ctx["job_id"])
    result = None
    if raw is not None:
        result = deserialize_result(raw, deserializer=redis.job_deserializer)
    for hook in JOB_END_HOOKS:
        await hook(ctx, result)


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return value or ""


async def queue_status(redis: Redis, queue: str) -> QueueStatus:
    """Whether a worker is alive, how many jobs wait, how many failed recently."""
    since = time.time() - get_settings().worker_failure_window
    async with redis.pipeline(transaction=False) as pipe:
        pipe.get(health_check_key(queue))
        pipe.zcard(queue_key(queue))
        pipe.zcount(failures_key(queue), since, "+inf")
        pipe.zrevrangebyscore(
            failures_key(queue), "+inf", since, start=0, num=RECENT_FAILURES_LISTED
        )
        health, queued, failures, failed_ids = await pipe.execute()
    return QueueStatus(
        queue=queue,
        worker_alive=health is not None,
        worker_info=_text(health),
        queued=queued,
        recent_failures=failures,
        failed_job_ids=[_text(job_id) for job_id in failed_ids],
    )


async def all_queue_statuses(redis: Redis) -> list[QueueStatus]:
    """The status of every queue, in `QUEUE_NAMES` order."""
    return [await queue_status(redis, queue) for queue in QUEUE_NAMES]


def queue_health(status: QueueStatus) -> tuple[Status, str]:
    """Judge one queue: no worker, recent failures or a long queue are reported.

    A queue without a live worker is `unhealthy` when `ENVIRONMENT=production` (its
    jobs pile up) and a `warning` elsewhere (in development workers often are not
    started).
    """
    settings = get_settings()
    problems: list[tuple[Status, str]] = []
    if not status.worker_alive:
        no_worker = (
            Status.UNHEALTHY if settings.environment == "production" else Status.WARNING
        )
        problems.append((no_worker, "no worker alive"))
    if status.recent_failures:
        problems.append((Status.WARNING, f"{status.recent_failures} failed recently"))
    if status.queued >= settings.worker_queue_warning_depth:
        problems.append((Status.WARNING, f"{status.queued} jobs queued"))
    if not problems:
        return Status.HEALTHY, f"{status.queued} queued"
    return (
        worst_status(level for level, _ in problems),
        ", ".join(text for _, text in problems),
    )


async def check_worker() -> CheckResult:
    """Per queue: a live worker (arq's health-check key), queued jobs, failures."""
    settings = get_settings()
    timeout = settings.health_check_timeout
    try:
        async with Redis.from_url(
            settings.redis_url, socket_connect_timeout=timeout, socket_timeout=timeout
        ) as redis:
            statuses = await all_queue_statuses(redis)
    except (RedisError, OSError) as error:
        return CheckResult(
            name="worker",
            status=Status.UNHEALTHY,
            message=f"cannot reach Redis: {error}",
        )
    judged = {status.queue: queue_health(status) for status in statuses}
    return CheckResult(
        name="worker",
        status=worst_status(level for level, _ in judged.values()),
        message="; ".join(f"{queue}: {text}" for queue, (_, text) in judged.items()),
        details={status.queue: status.model_dump() for status in statuses},
    )
