"""The scheduler in the `dev` group: it runs beside the web server, and its
heartbeats never make the web server reload."""

import asyncio
import json
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from app.components.scheduler.health import check_scheduler
from app.core.health import Status
from app.entrypoints.processes import DEV_PROCESSES, DevProcess
from tests.devrun import DevRun

DevRunner = Callable[..., DevRun]
SetEnv = Callable[..., None]
PROJECT_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture
def state_in_project() -> Iterator[Path]:
    """A state file of this test's own under the project's data/, as in dev."""
    path = PROJECT_DIR / "data" / f"test-scheduler-{uuid4().hex[:8]}.json"
    yield path
    for leftover in path.parent.glob(f"*{path.name}*"):
        leftover.unlink()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def heartbeats(state: Path, count: int, timeout: float = 60) -> None:
    """Wait until the scheduler has rewritten its state file `count` times."""
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while len(seen) < count:
        assert time.monotonic() < deadline, f"{len(seen)} heartbeats only"
        if state.exists():
            seen.add(json.loads(state.read_text())["updated_at"])
        time.sleep(0.05)


def test_the_scheduler_is_in_the_dev_group() -> None:
    assert DevProcess("scheduler", "app.entrypoints.scheduler") in DEV_PROCESSES


@pytest.mark.processes
def test_heartbeats_do_not_reload_the_web_server(
    dev_run: DevRunner, state_in_project: Path, set_env: SetEnv
) -> None:
    settings = {
        "SCHEDULER_STATE_PATH": str(state_in_project),
        "SCHEDULER_HEARTBEAT_SECONDS": "0.2",
    }
    port = str(free_port())
    run = dev_run("--only", "web", "--only", "scheduler", "--port", port, **settings)
    run.wait_for("web       | INFO:     Application startup complete.")
    heartbeats(state_in_project, count=10)
    set_env(**settings)
    assert asyncio.run(check_scheduler()).status is Status.HEALTHY
    assert run.count("Started server process") == 1, run.output
    assert "WatchFiles detected changes" not in run.output
    watched = run.output.split("Will watch for changes in these directories: ")[1]
    assert str(state_in_project.parent) not in watched.splitlines()[0]
    assert run.interrupt() == 0
    assert any("scheduler started" in line for line in run.lines_of("scheduler"))
