"""The scheduler's state file: how the scheduler process tells others it is alive.

The scheduler runs in its own process, so the web process cannot ask it directly.
At every heartbeat the scheduler writes its state (running or not, its jobs and
their next run times) to `SCHEDULER_STATE_PATH`, a file on the volume both
processes share; the health check reads it back.
"""

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from app.core.config import get_settings

if TYPE_CHECKING:
    from apscheduler.schedulers.base import (  # type: ignore[import-untyped]
        BaseScheduler,
    )


class JobState(BaseModel):
    """One scheduled job as the scheduler sees it."""

    id: str
    name: str
    trigger: str
    next_run_time: datetime | None


class SchedulerState(BaseModel):
    """What the scheduler process last reported."""

    pid: int
    running: bool
    started_at: datetime
    updated_at: datetime
    heartbeat_seconds: float
    jobs: list[JobState]


class UnreadableState(ValueError):
    """The state file exists but does not hold a scheduler state."""


def state_path() -> Path:
    """The configured state file."""
    return Path(get_settings().scheduler_state_path)


def capture_state(
    scheduler: "BaseScheduler", started_at: datetime, heartbeat_seconds: float
) -> SchedulerState:
    """The live state of `scheduler`, stamped now."""
    return SchedulerState(
        pid=os.getpid(),
        running=scheduler.running,
        started_at=started_at,
        updated_at=datetime.now(UTC),
        heartbeat_seconds=heartbeat_seconds,
        jobs=[
            JobState(
                id=job.id,
                name=job.name,
                trigger=str(job.trigger),
                next_run_time=job.next_run_time,
            )
            for job in (scheduler.get_jobs() if scheduler.running else [])
        ],
    )


def write_state(state: SchedulerState) -> None:
    """Replace the state file atomically (readers never see half a file)."""
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(state.model_dump_json(indent=2), encoding="utf-8")
    partial.replace(path)


def read_state() -> SchedulerState | None:
    """The last state written, or None when the scheduler never ran here."""
    path = state_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return SchedulerState.model_validate_json(text)
    except ValidationError as exc:
        raise UnreadableState(f"{path} is not a scheduler state file") from exc
