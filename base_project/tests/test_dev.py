"""`dev`: every process kind as one supervised group, with prefixed output."""

import asyncio
import importlib.util
import io
import os
import shutil
import signal
import socket
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from app.entrypoints import dev
from app.entrypoints.dev import DevGroup, select
from app.entrypoints.processes import DEV_PROCESSES, DevProcess
from tests.devrun import PROJECT_DIR, DevRun

DevRunner = Callable[..., DevRun]
SLEEPER = DevProcess("sleeper", "http.server", ("0", "--bind", "127.0.0.1"))
CRASHER = DevProcess("crasher", "app.no_such_module")


def group(*processes: DevProcess, **env: str) -> tuple[DevGroup, io.StringIO]:
    """A group printing to a buffer instead of the terminal."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None)
    return DevGroup(processes, console, env), buffer


async def wait_for_line(buffer: io.StringIO, text: str, timeout: float = 60) -> None:
    """Wait until the group has printed `text`."""
    deadline = time.monotonic() + timeout
    while text not in buffer.getvalue():
        assert time.monotonic() < deadline, buffer.getvalue()
        await asyncio.sleep(0.05)


def test_every_registered_process_runs_a_module_of_the_project() -> None:
    names = [process.name for process in DEV_PROCESSES]
    assert len(names) == len(set(names))
    assert names[0] == "web"
    for process in DEV_PROCESSES:
        assert importlib.util.find_spec(process.module) is not None, process


def test_only_selects_processes_by_name() -> None:
    assert select(DEV_PROCESSES, []) == DEV_PROCESSES
    assert [p.name for p in select(DEV_PROCESSES, ["web"])] == ["web"]
    with pytest.raises(ValueError, match="no process named nope; known: "):
        select(DEV_PROCESSES, ["web", "nope"])


async def test_a_process_that_exits_stops_the_group() -> None:
    supervisor, buffer = group(SLEEPER, CRASHER)
    assert await supervisor.run() == 1
    output = buffer.getvalue()
    assert "crasher | " in output
    assert "No module named app.no_such_module" in output
    assert "dev: crasher exited with status 1; stopped the others" in output
    sleeper, crasher = supervisor.children
    assert crasher.process.returncode == 1
    assert sleeper.process.returncode == -signal.SIGTERM


@pytest.mark.parametrize("signum", dev.STOP_SIGNALS, ids=lambda s: s.name)
async def test_a_stop_signal_stops_every_process(signum: signal.Signals) -> None:
    """Ctrl-C (SIGINT), SIGTERM (docker stop), SIGHUP (the terminal closed)."""
    supervisor, buffer = group(SLEEPER, DevProcess("other", "http.server", ("0",)))
    running = asyncio.create_task(supervisor.run())
    await wait_for_line(buffer, "sleeper | Serving HTTP on 127.0.0.1")
    await wait_for_line(buffer, "other   | Serving HTTP on")
    os.kill(os.getpid(), signum)
    assert await running == 0
    assert all(child.process.returncode is not None for child in supervisor.children)
    assert buffer.getvalue().rstrip().endswith("dev: stopped")


async def test_a_process_that_ignores_sigterm_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "stubborn.py").write_text(
        "import signal, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "print('ignoring SIGTERM')\n"
        "time.sleep(120)\n"
    )
    monkeypatch.setattr(dev, "STOP_TIMEOUT", 0.5)
    stubborn = DevProcess("stubborn", "stubborn")
    supervisor, buffer = group(stubborn, PYTHONPATH=str(tmp_path))
    running = asyncio.create_task(supervisor.run())
    await wait_for_line(buffer, "stubborn | ignoring SIGTERM")
    os.kill(os.getpid(), signal.SIGINT)
    assert await running == 0
    assert "dev: stubborn did not stop; killing it" in buffer.getvalue()
    assert supervisor.children[0].process.returncode == -signal.SIGKILL


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_open(port: int) -> bool:
    """Whether something accepts connections on the port."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def copy_of_the_project(destination: Path) -> Path:
    """The project's `app` package and top-level files (settings, Alembic's) copied
    to `destination`, modification times and bytecode included."""
    shutil.copytree(PROJECT_DIR / "app", destination / "app")
    for path in PROJECT_DIR.iterdir():
        if path.is_file():
            shutil.copy2(path, destination / path.name)
    return destination


@pytest.mark.processes
def test_the_web_server_reloads_on_code_changes_and_stops_on_ctrl_c(
    dev_run: DevRunner, tmp_path: Path
) -> None:
    # A change to the project's own code would reload the web servers of the other
    # tests' `dev` runs, which may be running meanwhile: the code changed is a copy's.
    project = copy_of_the_project(tmp_path)
    port = free_port()
    run = dev_run("--only", "web", "--port", str(port), cwd=project)
    run.wait_for("web | INFO:     Application startup complete.")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=10):
        pass
    package = project / "app"
    assert f"Will watch for changes in these directories: ['{package}']" in run.output
    os.utime(package / "__init__.py")  # a code change, as far as the reloader knows
    run.wait_for("web | INFO:     Application startup complete.", count=2)
    assert run.interrupt() == 0
    assert run.lines[-1] == "dev: stopped"
    assert not port_is_open(port)
