"""Scheduler health, as seen from any process: read the scheduler's state file.

- no state file: the scheduler never ran here (warning); the details list the
  configured jobs and their next run times computed from their triggers;
- stopped cleanly: warning;
- no heartbeat for `STALE_HEARTBEATS` intervals: the process died or hangs
  (unhealthy);
- otherwise healthy, with the live jobs and their next run times.
"""

import asyncio
from datetime import UTC, datetime
from typing import Any

from app.components.scheduler.state import (
    SchedulerState,
    UnreadableState,
    read_state,
    state_path,
)
from app.core.health import CheckResult, Status

STALE_HEARTBEATS = 3


def iso(moment: datetime | None) -> str | None:
    """A timestamp for JSON, or None."""
    return moment.isoformat() if moment else None


def configured_jobs(now: datetime) -> list[dict[str, Any]]:
    """The jobs of `JOBS`, with the next run times their triggers give."""
    # Imported here: the jobs load APScheduler, which the web server does not need
    # to start (this check is imported by every process).
    from app.components.scheduler.jobs import JOBS

    return [
        {
            "id": spec.id,
            "name": spec.name,
            "trigger": str(spec.trigger),
            "next_run_time": iso(spec.next_run_time(now)),
        }
        for spec in JOBS
    ]


def running_result(state: SchedulerState, now: datetime) -> CheckResult:
    """Healthy, or unhealthy when the heartbeat is stale."""
    age = (now - state.updated_at).total_seconds()
    jobs = [
        {
            "id": job.id,
            "name": job.name,
            "trigger": job.trigger,
            "next_run_time": iso(job.next_run_time),
        }
        for job in state.jobs
    ]
    upcoming = [job for job in state.jobs if job.next_run_time is not None]
    next_job = min(upcoming, key=lambda job: job.next_run_time or now, default=None)
    details: dict[str, Any] = {
        "pid": state.pid,
        "started_at": iso(state.started_at),
        "last_heartbeat": iso(state.updated_at),
        "heartbeat_age_seconds": round(age, 1),
        "job_count": len(state.jobs),
        "next_run_time": iso(next_job.next_run_time) if next_job else None,
        "jobs": jobs,
    }
    if age > STALE_HEARTBEATS * state.heartbeat_seconds:
        return CheckResult(
            name="scheduler",
            status=Status.UNHEALTHY,
            message=f"no heartbeat for {age:.0f} s (pid {state.pid})",
            details=details,
        )
    count = len(state.jobs)
    message = f"running, {count} job{'' if count == 1 else 's'}"
    if next_job:
        message += f", next: {next_job.id} at {next_job.next_run_time:%H:%M:%S} UTC"
    return CheckResult(
        name="scheduler", status=Status.HEALTHY, message=message, details=details
    )


async def check_scheduler() -> CheckResult:
    """The scheduler process's health, from its last heartbeat."""
    now = datetime.now(UTC)
    path = str(state_path())
    try:
        state = await asyncio.to_thread(read_state)
    except UnreadableState as exc:
        return CheckResult(
            name="scheduler",
            status=Status.UNHEALTHY,
            message=str(exc),
            details={"state_file": path},
        )
    if state is None:
        return CheckResult(
            name="scheduler",
            status=Status.WARNING,
            message="the scheduler process has not reported (not started?)",
            details={"state_file": path, "configured_jobs": configured_jobs(now)},
        )
    if not state.running:
        stopped_at = f"{state.updated_at:%Y-%m-%d %H:%M:%S} UTC"
        return CheckResult(
            name="scheduler",
            status=Status.WARNING,
            message=f"the scheduler stopped at {stopped_at}",
            details={
                "state_file": path,
                "pid": state.pid,
                "configured_jobs": configured_jobs(now),
            },
        )
    return running_result(state, now)
