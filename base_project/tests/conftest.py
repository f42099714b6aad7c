"""Shared fixtures: fresh settings per test, an app client, a live server, and
`python -m app dev` in a subprocess.

The app is imported by the fixtures that use it: `make test`'s controlling process
loads this file too, runs no test, and starts its test processes only once loaded.
"""

import logging
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.core.config import get_settings
from tests.devrun import PROJECT_DIR, DevRun
from tests.operations import OPERATOR_HEADERS, TEST_OPS_TOKEN

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

SetEnv = Callable[..., None]


PROCESSES_MARKER = "processes"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{PROCESSES_MARKER}: starts the app in processes of its own (seconds); "
        "such tests run first",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that start processes first, in their order: in parallel (`make
    test`, handing out tests one by one), the long ones then end side by side
    rather than one of them after all the others."""
    items.sort(key=lambda item: item.get_closest_marker(PROCESSES_MARKER) is None)


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings are read again in every test, after its environment changes; the
    operations token is the suite's own."""
    monkeypatch.setenv("OPS_TOKEN", TEST_OPS_TOKEN)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def stream_handlers() -> set[logging.Handler]:
    """The root logger's handlers that the app's logging set-up installs (pytest's
    own capture handlers are of other types)."""
    return {h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler}


@pytest.fixture(autouse=True)
def own_log_handlers() -> Iterator[None]:
    """The log handlers a test's app or command installs end with the test: their
    stream (the CLI runner's, say) may be closed by then."""
    before = stream_handlers()
    yield
    for handler in stream_handlers() - before:
        logging.getLogger().removeHandler(handler)


@pytest.fixture(scope="session", autouse=True)
def no_log_handlers_after_the_session() -> Iterator[None]:
    """The app configures logging when it is created (importing the app module does):
    to the `sys.stderr` of that moment, in a test a stream of pytest's, closed at
    the end. A record logged later (Flet logs at exit each of its sessions' garbage
    collection) would print a `--- Logging error ---` traceback; without the app's
    handlers, Python reports only warnings and errors, on the real stderr."""
    yield
    for handler in stream_handlers():
        logging.getLogger().removeHandler(handler)


@pytest.fixture
def set_env(monkeypatch: pytest.MonkeyPatch) -> SetEnv:
    """Set settings through the environment: `set_env(cpu_warning_percent=0)`."""

    def apply(**values: object) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key.upper(), str(value))
        get_settings.cache_clear()

    return apply


def set_thresholds(set_env: SetEnv, percent: float) -> None:
    """Every warning and critical threshold of the system checks at `percent`."""
    set_env(
        **{
            f"{name}_{level}_percent": percent
            for name in ("cpu", "memory", "disk")
            for level in ("warning", "critical")
        }
    )


@pytest.fixture
def relaxed_thresholds(set_env: SetEnv) -> None:
    """Thresholds no machine reaches: the system checks are healthy."""
    set_thresholds(set_env, 100.1)


@pytest.fixture
def critical_thresholds(set_env: SetEnv) -> None:
    """Thresholds every machine reaches: the system checks are unhealthy."""
    set_thresholds(set_env, 0)


@pytest.fixture
def system_checks_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the core system checks are registered, whatever else the project has."""
    from app.core import checks
    from app.services.system_health import check_cpu, check_disk, check_memory

    monkeypatch.setattr(checks, "HEALTH_CHECKS", [check_cpu, check_memory, check_disk])


@pytest.fixture
def client() -> Iterator["TestClient"]:
    """A client of a new app, with its lifespan running, sending the operations
    token."""
    from fastapi.testclient import TestClient

    from app.components.backend.main import create_app

    with TestClient(create_app(), headers=OPERATOR_HEADERS) as test_client:
        yield test_client


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def live_server() -> Iterator[str]:
    """A real uvicorn server running the app in a thread; yields its base URL."""
    import uvicorn

    from app.components.backend.main import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=20)


DevRunner = Callable[..., DevRun]


@pytest.fixture
def dev_run() -> Iterator[DevRunner]:
    """Start `python -m app dev *args` with extra environment variables, in the
    project directory or in `cwd=` (a copy of the project); stopped at the end."""
    runs: list[DevRun] = []

    def start(*args: str, cwd: Path = PROJECT_DIR, **env: str) -> DevRun:
        run = DevRun(args, env, cwd)
        runs.append(run)
        return run

    yield start
    for run in runs:
        try:
            run.interrupt()
        except subprocess.TimeoutExpired:
            run.process.kill()
            run.process.wait()
