"""The scheduler: an `AsyncIOScheduler` running `JOBS`, with a heartbeat file."""

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from apscheduler.jobstores.base import BaseJobStore  # type: ignore[import-untyped]
from apscheduler.jobstores.memory import MemoryJobStore  # type: ignore[import-untyped]
from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]

from app.components.scheduler.jobs import JOBS
from app.components.scheduler.state import capture_state, write_state
from app.core.config import get_settings

logger = logging.getLogger(__name__)

FIRST_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 10.0

JOB_DEFAULTS: dict[str, Any] = {
    "coalesce": True,
    "max_instances": 1,
    "misfire_grace_time": 300,
}


def memory_job_store() -> BaseJobStore:
    """Jobs kept in memory: they are registered again from `JOBS` at every start."""
    return MemoryJobStore()


JOB_STORE_FACTORY: Callable[[], BaseJobStore] = memory_job_store


def create_scheduler() -> AsyncIOScheduler:
    """A scheduler on the configured job store, not started."""
    return AsyncIOScheduler(
        jobstores={"default": JOB_STORE_FACTORY()},
        job_defaults=JOB_DEFAULTS,
        timezone=UTC,
    )


def register_jobs(scheduler: AsyncIOScheduler) -> None:
    """Add every job of `JOBS`, replacing stored jobs with the same ids."""
    for spec in JOBS:
        spec.add_to(scheduler)


async def stop_scheduler(scheduler: AsyncIOScheduler) -> None:
    """Shut the scheduler down and wait until it is (it stops on the event loop)."""
    scheduler.shutdown()
    while scheduler.running:
        await asyncio.sleep(0.01)


async def start_scheduler(stop: asyncio.Event) -> AsyncIOScheduler | None:
    """A started scheduler; while its job store cannot be reached, try again with
    growing delays (None: stopped before it could start).

    Once started, APScheduler itself retries a job store that goes away.
    """
    delay = FIRST_RETRY_DELAY
    while not stop.is_set():
        scheduler = create_scheduler()
        register_jobs(scheduler)
        try:
            scheduler.start()
            return scheduler
        except Exception as exc:
            logger.warning(
                "scheduler cannot start (%s: %s); retrying in %.1f s",
                type(exc).__name__,
                str(exc).splitlines()[0] if str(exc) else "",
                delay,
            )
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
        delay = min(delay * 2, MAX_RETRY_DELAY)
    return None


def beat(scheduler: AsyncIOScheduler, started_at: datetime, heartbeat: float) -> None:
    """Write the state file; while the job store is unreachable, skip this beat (the
    file goes stale, which the health check reports)."""
    try:
        write_state(capture_state(scheduler, started_at, heartbeat))
    except Exception as exc:
        logger.warning("scheduler state not written: %s: %s", type(exc).__name__, exc)


async def run_scheduler(stop: asyncio.Event) -> None:
    """Run the jobs until `stop` is set, writing the state file every heartbeat."""
    heartbeat = get_settings().scheduler_heartbeat_seconds
    scheduler = await start_scheduler(stop)
    if scheduler is None:
        return
    started_at = datetime.now(UTC)
    logger.info("scheduler started with %d jobs", len(scheduler.get_jobs()))
    try:
        while not stop.is_set():
            beat(scheduler, started_at, heartbeat)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=heartbeat)
    finally:
        await stop_scheduler(scheduler)
        beat(scheduler, started_at, heartbeat)
        logger.info("scheduler stopped")
