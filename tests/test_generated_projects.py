"""Invariant 8: every allowed combination generates a project that lints, passes its own
test suite against the real services, starts, and reports every component in /health.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.aegis_helpers import (
    CATALOG,
    add,
    allowed_sets,
    init,
    label,
    make_user_edits,
    option_variants,
)
from tests.generated_env import ensure_environment

pytestmark = pytest.mark.generated

CASES = [(s, o) for s in allowed_sets() for o in option_variants(s)]
RELAXED = {
    f"{name.upper()}_{level}_PERCENT": "100.1"
    for name in ("cpu", "memory", "disk")
    for level in ("WARNING", "CRITICAL")
}


@pytest.fixture(scope="session")
def python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_environment(tmp_path_factory.mktemp("requirements"))


def project_env(project: Path, python: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env.update(PYTHONPATH=str(project), PATH=f"{python.parent}:{env.get('PATH', '')}")
    return env


def run(python: Path, project: Path, *args: str, timeout: float = 600) -> None:
    result = subprocess.run(
        [str(python), *args],
        cwd=project,
        env=project_env(project, python),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.mark.parametrize(("components", "options"), CASES, ids=[label(*c) for c in CASES])
def test_generated_project_lints_and_passes_its_tests(tmp_path, python, components, options):
    project = init(tmp_path, CATALOG.sort(components), options)
    run(python, project, "-m", "ruff", "check", "--no-cache", ".")
    run(python, project, "-m", "ruff", "format", "--check", "--no-cache", ".")
    run(python, project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x")


def test_dependency_names_cover_the_environment(python):
    """Every distribution a generated project installs is a name `aegis init` refuses (the
    shipped list is written by scripts/dependency-names.py from this environment)."""
    from aegis.names import dependency_names

    listing = subprocess.run(
        [sys.executable, "-m", "uv", "pip", "list", "--python", str(python), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    )
    installed = {re.sub(r"[-_.]+", "-", d["name"]).lower() for d in json.loads(listing.stdout)}
    missing = sorted(installed - dependency_names(CATALOG))
    assert not missing, f"run scripts/dependency-names.py; not refused as names: {missing}"


def test_owner_edited_project_with_every_component_still_works(tmp_path, python):
    everything = CATALOG.sort(max(allowed_sets(), key=len))
    project = init(tmp_path)
    make_user_edits(project)
    for name in reversed(everything):
        add(project, [name])
    run(python, project, "-m", "ruff", "check", "--no-cache", ".")
    run(python, project, "-m", "ruff", "format", "--check", "--no-cache", ".")
    run(python, project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x")


@pytest.mark.parametrize(("components", "options"), CASES, ids=[label(*c) for c in CASES])
def test_generated_project_starts_and_reports_every_component(
    tmp_path, python, components, options
):
    """Every process kind of the compose file runs (web, scheduler, workers); once they are
    up, /health reports a healthy check for every component."""
    project = init(tmp_path, CATALOG.sort(components), options)
    with (
        machine_services(options) as env,
        serve(project, python, env) as base_url,
        other_processes(project, python, env),
    ):
        deadline = time.monotonic() + 60
        while True:
            summary = fetch_json(f"{base_url}/health")
            detailed = fetch_json(f"{base_url}/health/detailed")
            checks = {check["name"]: check for check in detailed["checks"]}
            own = {name: component_checks(name, checks) for name in components}
            settled = all(c["status"] == "healthy" for cs in own.values() for c in cs)
            if settled or time.monotonic() > deadline:
                break
            time.sleep(1)
    assert {"cpu", "memory", "disk"} <= set(checks)
    assert set(summary["components"]) == set(checks)
    for name, found in own.items():
        assert found, f"no health check for {name} in {sorted(checks)}"
        for check in found:
            assert check["status"] == "healthy", check


def component_checks(component: str, checks: dict[str, dict]) -> list[dict]:
    """A component's checks: named after it, or `<component>:<part>`."""
    return [c for n, c in checks.items() if n == component or n.startswith(f"{component}:")]


@contextmanager
def other_processes(project: Path, python: Path, extra: dict[str, str]) -> Iterator[None]:
    """Run every process kind compose declares besides `web`, as compose would, locally."""
    compose = YAML(typ="safe").load((project / "docker-compose.yml").read_text())
    env = project_env(project, python) | RELAXED | extra
    processes = []
    try:
        for name, service in compose["services"].items():
            if name == "web" or "build" not in service:
                continue
            command = service["command"]
            words = shlex.split(command) if isinstance(command, str) else list(command)
            if words[0] in {"python", "python3"}:
                words[0] = str(python)
            log = (project / f"{name}.log").open("w")
            processes.append(subprocess.Popen(words, cwd=project, env=env, stdout=log, stderr=log))
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def machine_services(options: dict[str, str]) -> Iterator[dict[str, str]]:
    """Environment pointing a server at this machine's services; for PostgreSQL projects,
    a database of its own (the generated default names one these machines do not have)."""
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
    """The project's own webserver entrypoint, in a subprocess, until it answers /health."""
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
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"server exited:\n{log.read_text()}"
            try:
                urllib.request.urlopen(f"{base_url}/health", timeout=5)
                break
            except urllib.error.HTTPError:
                break  # it answers (503 when something is unhealthy)
            except OSError:
                assert time.monotonic() < deadline, f"server never answered:\n{log.read_text()}"
                time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fetch_json(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:  # 503 still carries the report
        return json.load(error)


BROWSER_CASES = [(s, o) for s, o in CASES if not s or len(s) == len(CATALOG.selectable)]


@pytest.mark.browser
@pytest.mark.parametrize(
    ("components", "options"), BROWSER_CASES, ids=[label(*c) for c in BROWSER_CASES]
)
def test_dashboard_shows_every_check_in_a_real_browser(tmp_path, python, components, options):
    from tests.browser import capture_dashboard

    project = init(tmp_path, CATALOG.sort(components), options)
    with machine_services(options) as env, serve(project, python, env) as base_url:
        names = [check["name"] for check in fetch_json(f"{base_url}/health/detailed")["checks"]]
        capture = capture_dashboard(base_url, names, tmp_path / "dashboard.png")
    assert capture.complete, f"missing cards: {sorted(set(names) - set(capture.texts))}"
    assert "Overall:" in " ".join(capture.texts)
    assert (tmp_path / "dashboard.png").read_bytes().startswith(b"\x89PNG")
