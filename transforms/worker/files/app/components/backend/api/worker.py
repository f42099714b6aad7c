"""Worker endpoints: list tasks, enqueue one by name, read a job, see the queues.

Operators only (`OPS_TOKEN`, or what `OPERATOR_CHECKS` accepts)."""

from typing import Annotated, Any

from arq.connections import ArqRedis
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field, StringConstraints

from app.components.worker.jobs import (
    DuplicateJobError,
    EnqueuedJob,
    JobInfo,
    enqueue,
    job_info,
)
from app.components.worker.monitor import QueueStatus, all_queue_statuses
from app.components.worker.pool import get_arq_pool
from app.components.worker.queues import (
    TASKS,
    TaskArgumentsError,
    TaskArgumentsTooLargeError,
    UnknownTaskError,
)
from app.core.operators import Operator

router = APIRouter(prefix="/worker", tags=["worker"], dependencies=[Operator])

Pool = Annotated[ArqRedis, Depends(get_arq_pool)]

ParameterName = Annotated[str, StringConstraints(max_length=100)]
"""A keyword argument's name: short, so an error message naming it stays short."""


class TaskDescription(BaseModel):
    """A task that can be enqueued."""

    name: str
    queue: str
    parameters: list[str]
    description: str


class EnqueueRequest(BaseModel):
    """JSON arguments of the task; `job_id` makes the request idempotent."""

    args: list[Any] = []
    kwargs: dict[ParameterName, Any] = {}
    job_id: str | None = Field(default=None, min_length=1, max_length=128)


@router.get("/tasks")
async def list_tasks() -> list[TaskDescription]:
    """Every registered task, with its queue and parameters."""
    return [
        TaskDescription(
            name=task.name,
            queue=task.queue,
            parameters=task.parameters,
            description=task.description,
        )
        for task in TASKS.values()
    ]


@router.post("/tasks/{name}", status_code=202)
async def enqueue_task(
    name: str, pool: Pool, request: EnqueueRequest | None = None
) -> EnqueuedJob:
    """Enqueue a task by name.

    404: no such task; 413: arguments over `WORKER_MAX_ARGUMENT_BYTES`; 422:
    arguments the task does not take; 409: `job_id` taken.
    """
    request = request or EnqueueRequest()
    try:
        return await enqueue(pool, name, request.args, request.kwargs, request.job_id)
    except UnknownTaskError as error:
        raise HTTPException(404, str(error)) from error
    except TaskArgumentsTooLargeError as error:
        raise HTTPException(413, str(error)) from error
    except TaskArgumentsError as error:
        raise HTTPException(422, str(error)) from error
    except DuplicateJobError as error:
        raise HTTPException(409, str(error)) from error


@router.get("/jobs/{job_id}")
async def get_job(job_id: str, pool: Pool) -> JobInfo:
    """A job's status and, once finished, its result or error (404: unknown job)."""
    info = await job_info(pool, job_id)
    if info is None:
        raise HTTPException(404, f"no job {job_id!r}")
    return info


@router.get("/queues")
async def list_queues(pool: Pool) -> list[QueueStatus]:
    """Per queue: a live worker, queued jobs and recent failures."""
    return await all_queue_statuses(pool)
