"""The scheduler health check, read from the state file by another process."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli.main import app
from app.components.scheduler.health import check_scheduler
from app.components.scheduler.jobs import JOBS
from app.components.scheduler.main import run_scheduler
from app.components.scheduler.state import JobState, SchedulerState, write_state
from app.core import checks
from app.core.health import Status

runner = CliRunner()


@pytest.fixture
def state_file(tmp_path: Path, set_env: Callable[..., None]) -> Path:
    path = tmp_path / "data" / "scheduler-state.json"
    set_env(scheduler_state_path=path, scheduler_heartbeat_seconds=0.05)
    return path


def a_state(updated_at: datetime, running: bool = True) -> SchedulerState:
    return SchedulerState(
        pid=4242,
        running=running,
        started_at=updated_at - timedelta(hours=1),
        updated_at=updated_at,
        heartbeat_seconds=30,
        jobs=[
            JobState(
                id="later",
                name="Later",
                trigger="interval[1:00:00]",
                next_run_time=updated_at + timedelta(hours=1),
            ),
            JobState(
                id="soon",
                name="Soon",
                trigger="interval[0:01:00]",
                next_run_time=updated_at + timedelta(minutes=1),
            ),
        ],
    )


def test_the_check_is_registered() -> None:
    assert check_scheduler in checks.HEALTH_CHECKS


async def test_warning_when_the_scheduler_never_ran(state_file: Path) -> None:
    result = await check_scheduler()
    assert result.status is Status.WARNING
    assert "has not reported" in result.message
    configured = result.details["configured_jobs"]
    assert [job["id"] for job in configured] == [spec.id for spec in JOBS]
    assert all(job["next_run_time"] for job in configured)


async def test_healthy_with_a_fresh_heartbeat(state_file: Path) -> None:
    write_state(a_state(datetime.now(UTC)))
    result = await check_scheduler()
    assert result.status is Status.HEALTHY
    assert result.message.startswith("running, 2 jobs, next: soon at ")
    assert result.details["job_count"] == 2
    assert result.details["pid"] == 4242
    assert [job["id"] for job in result.details["jobs"]] == ["later", "soon"]


async def test_unhealthy_when_heartbeats_stop(state_file: Path) -> None:
    write_state(a_state(datetime.now(UTC) - timedelta(seconds=91)))
    result = await check_scheduler()
    assert result.status is Status.UNHEALTHY
    assert result.message.startswith("no heartbeat for 9")
    assert result.message.endswith("s (pid 4242)")


async def test_warning_when_stopped(state_file: Path) -> None:
    write_state(a_state(datetime.now(UTC), running=False))
    result = await check_scheduler()
    assert result.status is Status.WARNING
    assert result.message.startswith("the scheduler stopped at ")


async def test_unhealthy_on_a_corrupt_state_file(state_file: Path) -> None:
    state_file.parent.mkdir(parents=True)
    state_file.write_text("{not json", encoding="utf-8")
    result = await check_scheduler()
    assert result.status is Status.UNHEALTHY
    assert "is not a scheduler state file" in result.message


async def test_healthy_while_a_real_scheduler_runs(state_file: Path) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(run_scheduler(stop))
    try:
        for _ in range(200):
            if state_file.exists():
                break
            await asyncio.sleep(0.01)
        result = await check_scheduler()
        assert result.status is Status.HEALTHY, result
        assert result.details["job_count"] == len(JOBS)
        assert result.details["next_run_time"] is not None
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
    assert (await check_scheduler()).status is Status.WARNING


def test_status_command_exit_code(state_file: Path) -> None:
    write_state(a_state(datetime.now(UTC)))
    healthy = runner.invoke(app, ["scheduler", "status"])
    assert healthy.exit_code == 0, healthy.output
    assert healthy.output.startswith("healthy: running, 2 jobs")

    write_state(a_state(datetime.now(UTC) - timedelta(minutes=10)))
    stale = runner.invoke(app, ["scheduler", "status"])
    assert stale.exit_code == 1
    assert stale.output.startswith("unhealthy: no heartbeat")
