"""Enqueue a registered task by name and read a job's status and result."""

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import uuid4

from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix, job_key_prefix
from arq.jobs import Job, deserialize_job
from arq.utils import timestamp_ms
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError, to_json, to_jsonable_python

from app.components.worker.keys import QUEUE_NAMES, queue_key
from app.components.worker.queues import TaskArgumentsTooLargeError, get_task
from app.core.config import get_settings


class JobState(StrEnum):
    """Where a job is: waiting, running or finished (successfully or not)."""

    DEFERRED = "deferred"
    QUEUED = "queued"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    FAILED = "failed"


class DuplicateJobError(RuntimeError):
    """A job with this id is still queued, or its result is still kept."""


class EnqueuedJob(BaseModel):
    """A job accepted by a queue."""

    job_id: str
    task: str
    queue: str


class JobInfo(BaseModel):
    """A job's state and, once finished, its result or error."""

    job_id: str
    status: JobState
    task: str
    queue: str | None = None
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    enqueue_time: datetime
    start_time: datetime | None = None
    finish_time: datetime | None = None
    result: Any = None
    error: str | None = None


EnqueueHook = Callable[[ArqRedis, str], Awaitable[None]]

ENQUEUE_HOOKS: list[EnqueueHook] = []
"""Awaited with the client and the job's id just before a job is enqueued."""


def check_argument_size(
    task_name: str, args: Sequence[Any], kwargs: dict[str, Any]
) -> None:
    """Raise `TaskArgumentsTooLargeError` for arguments over the limit."""
    limit = get_settings().worker_max_argument_bytes
    size = len(to_json([list(args), kwargs], fallback=repr))
    if size > limit:
        raise TaskArgumentsTooLargeError(
            f"task {task_name!r}: arguments of {size} bytes, over the limit of "
            f"{limit} (WORKER_MAX_ARGUMENT_BYTES)"
        )


async def enqueue(
    redis: ArqRedis,
    task_name: str,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    job_id: str | None = None,
) -> EnqueuedJob:
    """Put a job on its task's queue; unknown tasks, bad arguments and arguments
    over `WORKER_MAX_ARGUMENT_BYTES` (as JSON) are refused."""
    task = get_task(task_name)
    kwargs = kwargs or {}
    check_argument_size(task_name, args, kwargs)
    task.check_arguments(args, kwargs)
    job_id = job_id or uuid4().hex
    for hook in ENQUEUE_HOOKS:
        await hook(redis, job_id)
    job = await redis.enqueue_job(
        task.name, *args, _job_id=job_id, _queue_name=queue_key(task.queue), **kwargs
    )
    if job is None:
        raise DuplicateJobError(f"job {job_id!r} is already queued or finished")
    return EnqueuedJob(job_id=job.job_id, task=task.name, queue=task.queue)


def _jsonable(value: Any) -> Any:
    try:
        return to_jsonable_python(value)
    except PydanticSerializationError:
        return repr(value)


async def job_info(redis: ArqRedis, job_id: str) -> JobInfo | None:
    """A job's state, arguments and outcome; `None` when Redis knows no such job."""
    job = Job(job_id, redis, _deserializer=redis.job_deserializer)
    finished = await job.result_info()
    if finished is not None:
        error = None
        if not finished.success:
            error = f"{type(finished.result).__name__}: {finished.result}"
        return JobInfo(
            job_id=job_id,
            status=JobState.COMPLETE if finished.success else JobState.FAILED,
            task=finished.function,
            queue=finished.queue_name.removeprefix(queue_key("")),
            args=_jsonable(list(finished.args)),
            kwargs=_jsonable(finished.kwargs),
            enqueue_time=finished.enqueue_time,
            start_time=finished.start_time,
            finish_time=finished.finish_time,
            result=_jsonable(finished.result) if finished.success else None,
            error=error,
        )
    raw = await redis.get(job_key_prefix + job_id)
    if raw is None:
        return None
    definition = deserialize_job(raw, deserializer=redis.job_deserializer)
    async with redis.pipeline(transaction=False) as pipe:
        pipe.exists(in_progress_key_prefix + job_id)
        for name in QUEUE_NAMES:
            pipe.zscore(queue_key(name), job_id)
        in_progress, *scores = await pipe.execute()
    queue: str | None
    score: float | None
    queue, score = next(
        ((name, s) for name, s in zip(QUEUE_NAMES, scores, strict=True) if s),
        (None, None),
    )
    if in_progress:
        status = JobState.IN_PROGRESS
    elif score is not None and score > timestamp_ms():
        status = JobState.DEFERRED
    else:
        status = JobState.QUEUED
    return JobInfo(
        job_id=job_id,
        status=status,
        task=definition.function,
        queue=queue,
        args=_jsonable(list(definition.args)),
        kwargs=_jsonable(definition.kwargs),
        enqueue_time=definition.enqueue_time,
    )
