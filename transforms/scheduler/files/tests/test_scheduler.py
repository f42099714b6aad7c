"""The scheduler: its jobs and triggers, the example job, start and shutdown."""

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]
from apscheduler.util import ref_to_obj  # type: ignore[import-untyped]
from typer.testing import CliRunner

from app.cli.main import app
from app.components.scheduler.jobs import HEALTH_SNAPSHOT, JOBS
from app.components.scheduler.main import (
    create_scheduler,
    register_jobs,
    run_scheduler,
    stop_scheduler,
)
from app.components.scheduler.state import read_state
from app.core.health import HealthReport

runner = CliRunner()


@pytest.fixture
def state_file(tmp_path: Path, set_env: Callable[..., None]) -> Path:
    """A private state file and a fast heartbeat."""
    path = tmp_path / "scheduler-state.json"
    set_env(scheduler_state_path=path, scheduler_heartbeat_seconds=0.05)
    return path


def test_jobs_are_registered_with_their_triggers() -> None:
    scheduler = create_scheduler()
    register_jobs(scheduler)
    registered = {job.id: job for job in scheduler.get_jobs()}
    assert set(registered) == {spec.id for spec in JOBS}
    for spec in JOBS:
        job = registered[spec.id]
        assert job.func_ref == spec.func
        assert job.trigger is spec.trigger
        assert job.name == spec.name
    snapshot = registered["health-snapshot"].trigger
    assert isinstance(snapshot, IntervalTrigger)
    assert snapshot.interval == timedelta(minutes=5)


def test_every_job_calls_an_importable_function() -> None:
    for spec in JOBS:
        assert callable(ref_to_obj(spec.func)), spec.func
        assert spec.func.startswith("app.services.")


def test_next_run_times_follow_the_triggers() -> None:
    now = datetime.now(UTC)
    for spec in JOBS:
        next_run = spec.next_run_time(now)
        assert next_run is not None
        assert now < next_run <= now + timedelta(days=1)


async def test_the_example_job_runs_in_the_scheduler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="app.services.health_snapshot")
    loop = asyncio.get_running_loop()
    finished: asyncio.Future[JobExecutionEvent] = loop.create_future()

    def on_event(event: JobExecutionEvent) -> None:
        if event.job_id == HEALTH_SNAPSHOT.id and not finished.done():
            loop.call_soon_threadsafe(finished.set_result, event)

    scheduler = create_scheduler()
    scheduler.add_listener(on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    HEALTH_SNAPSHOT.add_to(scheduler).modify(next_run_time=datetime.now(UTC))
    scheduler.start()
    try:
        event = await asyncio.wait_for(finished, timeout=15)
    finally:
        await stop_scheduler(scheduler)
    assert event.exception is None
    assert isinstance(event.retval, HealthReport)
    names = [check.name for check in event.retval.checks]
    assert {"cpu", "memory", "disk", "scheduler"} <= set(names)
    logged = [r.getMessage() for r in caplog.records if "health snapshot" in r.msg]
    assert len(logged) == 1
    assert all(f"{name}=" in logged[0] for name in names)


async def test_the_scheduler_starts_and_shuts_down_cleanly(state_file: Path) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(run_scheduler(stop))
    for _ in range(200):
        if state_file.exists():
            break
        await asyncio.sleep(0.01)
    running = read_state()
    assert running is not None and running.running
    assert {job.id for job in running.jobs} == {spec.id for spec in JOBS}
    assert all(job.next_run_time is not None for job in running.jobs)

    await asyncio.sleep(0.15)
    later = read_state()
    assert later is not None and later.updated_at > running.updated_at

    stop.set()
    await asyncio.wait_for(task, timeout=10)
    stopped = read_state()
    assert stopped is not None
    assert not stopped.running
    assert stopped.pid == running.pid


def test_jobs_command_lists_jobs_triggers_and_next_run() -> None:
    result = runner.invoke(app, ["scheduler", "jobs", "--json"])
    assert result.exit_code == 0, result.output
    listed = {job["id"]: job for job in json.loads(result.output)}
    assert set(listed) == {spec.id for spec in JOBS}
    snapshot = listed["health-snapshot"]
    assert snapshot["trigger"] == str(HEALTH_SNAPSHOT.trigger)
    assert datetime.fromisoformat(snapshot["next_run_time"]) > datetime.now(UTC)

    table = runner.invoke(app, ["scheduler", "jobs"], env={"COLUMNS": "200"})
    assert table.exit_code == 0
    for spec in JOBS:
        assert spec.id in table.output
        assert str(spec.trigger) in table.output
