"""Running generated projects: one shared environment, their lint and own tests, a server.

Generated projects are never installed into the environment: they all name their package
`app`, so each runs from its own folder with PYTHONPATH pointing at it. The environment holds
the union of the dependencies (and `dev` extras) of every project the tests generate.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aegis.testing.cases import Case
from aegis.testing.workbench import Workbench

OPS_TOKEN = secrets.token_urlsafe(32)
"""The operations token of every server the tests start; `fetch_json` presents it."""

RELAXED = {
    **{
        f"{name.upper()}_{level}_PERCENT": "100.1"
        for name in ("cpu", "memory", "disk")
        for level in ("WARNING", "CRITICAL")
    },
    "OPS_TOKEN": OPS_TOKEN,
}
"""Thresholds no machine reaches (the host checks stay healthy on a busy test machine),
and the operations token the tests present to the operational endpoints."""


PARALLEL = ("-n", "auto", "--maxprocesses", "2", "--maxschedchunk", "1")
"""How a generated project's `make test` runs its suite (pytest-xdist): the same here,
so that a test that is not safe in parallel fails."""


def environment_dir() -> Path:
    """Where the shared environment lives (`AEGIS_GENERATED_ENV`, else `.cache/` here)."""
    default = Path.cwd() / ".cache" / "generated-env"
    return Path(os.environ.get("AEGIS_GENERATED_ENV", default))


def requirements(workbench: Workbench, cases: Iterable[Case], scratch: Path) -> list[str]:
    """Every requirement (dependencies and `dev` extra) of the projects of `cases`."""
    found: set[str] = set()
    for number, case in enumerate(_largest(cases)):
        project = workbench.init(scratch / str(number), case.ordered, case.options)
        data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        found.update(data["project"]["dependencies"])
        found.update(data["project"].get("optional-dependencies", {}).get("dev", []))
    return sorted(found)


def _largest(cases: Iterable[Case]) -> list[Case]:
    """Cases no other case contains (dependencies only ever add up)."""
    cases = list(cases)
    return [case for case in cases if not any(case.components < o.components for o in cases)]


def ensure_environment(workbench: Workbench, cases: Iterable[Case], scratch: Path) -> Path:
    """The environment's python, created or brought up to date with uv (one process at a
    time: test workers running in parallel share it)."""
    import fcntl

    directory = environment_dir()
    python = directory / "bin" / "python"
    uv = [sys.executable, "-m", "uv"]
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    wanted = requirements(workbench, cases, scratch)
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / f".{directory.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not python.exists():
            subprocess.run(
                [*uv, "venv", "--quiet", "--python", sys.executable, str(directory)],
                check=True,
                env=env,
            )
        subprocess.run(
            [*uv, "pip", "install", "--quiet", "--python", str(python), *wanted],
            check=True,
            env=env,
        )
    return python


def project_env(project: Path, python: Path, **extra: str) -> dict[str, str]:
    """The environment a generated project runs in: its folder on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env.update(PYTHONPATH=str(project), PATH=f"{python.parent}:{env.get('PATH', '')}")
    return env | extra


def run(python: Path, project: Path, *args: str, timeout: float = 600, **extra: str) -> None:
    """Run `python ARGS` in the project; fail with its output when it fails."""
    result = subprocess.run(
        [str(python), *args],
        cwd=project,
        env=project_env(project, python, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


def lint_and_test(python: Path, project: Path) -> None:
    """`ruff check`, `ruff format --check`, `mypy` (strict, on app/ and tests/, as its
    `pyproject.toml` says) and the project's own test suite."""
    run(python, project, "-m", "ruff", "check", "--no-cache", ".")
    run(python, project, "-m", "ruff", "format", "--check", "--no-cache", ".")
    typecheck(python, project)
    run(python, project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *PARALLEL)


def typecheck(python: Path, project: Path) -> None:
    """`mypy` as the project's `pyproject.toml` says. What mypy learnt of the libraries is
    kept beside the shared environment and reused (10 s of a cold run); the project's own
    modules are never taken from it, so each project is checked afresh."""
    shared = python.parent.parent / "mypy-cache"
    own = {path.name.partition(".")[0] for path in project.iterdir()}

    def project_modules(folder: str, names: list[str]) -> set[str]:
        return {name for name in names if name.partition(".")[0] in own}

    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        if shared.is_dir():
            shutil.copytree(shared, cache)  # copy2 keeps the mtimes mypy checks
        run(python, project, "-m", "mypy", "--no-sqlite-cache", "--cache-dir", str(cache))
        version = _version_folder(cache)
        staged = shared.with_name(f"mypy-cache.{uuid.uuid4().hex}")
        shutil.copytree(cache / version, staged / version, ignore=project_modules)
        shutil.copy2(cache / "CACHEDIR.TAG", staged / "CACHEDIR.TAG")
    retired = shared.with_name(f"mypy-cache.{uuid.uuid4().hex}")
    if shared.is_dir():
        shared.rename(retired)
    staged.rename(shared)
    shutil.rmtree(retired, ignore_errors=True)


def _version_folder(cache: Path) -> str:
    """The folder of mypy's cache for the Python version it checks for (e.g. `3.11`)."""
    return next(path.name for path in cache.iterdir() if path.is_dir())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def machine_services(options: dict[str, str]) -> Iterator[dict[str, str]]:
    """Settings pointing a server at this machine's services; for PostgreSQL projects, a
    database of its own (dropped afterwards)."""
    if "postgresql" not in options.values():
        yield {}
        return
    name = f"aegis_start_{uuid.uuid4().hex[:12]}"
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c"]
    subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True, capture_output=True)
    try:
        yield {"DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"}
    finally:
        subprocess.run(
            [*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True, capture_output=True
        )


@contextmanager
def serve(project: Path, python: Path, extra: dict[str, str]) -> Iterator[str]:
    """The project's own webserver entrypoint, in a subprocess, until it answers."""
    port = free_port()
    env = project_env(project, python) | RELAXED | extra
    env |= {"HOST": "127.0.0.1", "PORT": str(port)}
    log = project / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(python), "-m", "app.entrypoints.webserver"],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield wait_for_server(process, port, log)
    finally:
        _stop(process)


def wait_for_server(process: subprocess.Popen[Any], port: int, log: Path) -> str:
    """The base URL, once the server is alive (its liveness probe answers)."""
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, f"server exited:\n{log.read_text()}"
        try:
            urllib.request.urlopen(f"{base_url}/health/live", timeout=5)
            return base_url
        except OSError:
            assert time.monotonic() < deadline, f"server never answered:\n{log.read_text()}"
            time.sleep(0.2)


def settled_checks(base_url: str, timeout: float = 60) -> dict[str, Any]:
    """The checks of /health/detailed by name, once all are healthy (or after `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        report = fetch_json(f"{base_url}/health/detailed")
        checks = {check["name"]: check for check in report["checks"]}
        if all(c["status"] == "healthy" for c in checks.values()) or time.monotonic() > deadline:
            return checks
        time.sleep(0.5)


def command_words(command: str | list[str], python: Path) -> list[str]:
    """A compose command as arguments, run by the shared environment's Python."""
    words = shlex.split(command) if isinstance(command, str) else [str(w) for w in command]
    if words[0] in {"python", "python3"}:
        words[0] = str(python)
    return words


@contextmanager
def other_processes(project: Path, python: Path, extra: dict[str, str]) -> Iterator[None]:
    """Run every app process the compose file declares besides `web`, as compose would."""
    from ruamel.yaml import YAML

    compose = YAML(typ="safe").load((project / "docker-compose.yml").read_text())
    env = project_env(project, python) | RELAXED | extra
    processes = []
    try:
        for name, service in compose["services"].items():
            if name == "web" or "build" not in service or "profiles" in service:
                continue  # the web server runs apart; profiles are not production
            words = command_words(service["command"], python)
            log = (project / f"{name}.log").open("w")
            processes.append(subprocess.Popen(words, cwd=project, env=env, stdout=log, stderr=log))
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            _stop(process)


def _stop(process: subprocess.Popen[Any]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fetch_json(url: str) -> Any:
    """The JSON body of a GET with the operations token, also when the status is an error
    (503 carries a report)."""
    request = urllib.request.Request(url, headers={"X-Ops-Token": OPS_TOKEN})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)


def get_status(url: str) -> int:
    """The HTTP status of a GET without credentials (as an orchestrator's probe)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def pack_checks(component: str, checks: dict[str, Any]) -> list[Any]:
    """A pack's health checks in a report: named after it, or `<pack>:<part>`."""
    return [c for n, c in checks.items() if n == component or n.startswith(f"{component}:")]
