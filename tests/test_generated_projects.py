"""Invariant 8: every allowed combination generates a project that lints, passes its own
test suite against the real services, starts, and reports every component in /health.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
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
        summary, checks = settled_health(base_url, components)
    assert_every_component_healthy(components, summary, checks)


@pytest.mark.parametrize(("components", "options"), CASES, ids=[label(*c) for c in CASES])
def test_compose_dev_service_runs_every_process_kind_in_one_command(
    tmp_path, python, components, options
):
    """The `dev` service of the compose `dev` profile, run locally: its one command starts
    the web server and every other process kind; every component becomes healthy; Ctrl-C
    (SIGINT) stops the whole group with status 0 and frees the port."""
    project = init(tmp_path, CATALOG.sort(components), options)
    compose = YAML(typ="safe").load((project / "docker-compose.yml").read_text())
    service = compose["services"]["dev"]
    assert service["profiles"] == ["dev"]
    assert "app-data:/app/data" in service["volumes"]
    words = command_words(service["command"], python)
    port = free_port()
    log = project / "dev.log"
    with machine_services(options) as extra, log.open("w") as output:
        env = project_env(project, python) | RELAXED | extra | {"PORT": str(port)}
        process = subprocess.Popen(
            words,
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base_url = wait_for_server(process, port, log)
            summary, checks = settled_health(base_url, components)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            status = process.wait(timeout=90)
    assert_every_component_healthy(components, summary, checks)
    assert status == 0, log.read_text()
    assert log.read_text().rstrip().endswith("dev: stopped")
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def command_words(command: str | list[str], python: Path) -> list[str]:
    """A compose command as arguments, run by the shared environment's Python."""
    words = shlex.split(command) if isinstance(command, str) else list(command)
    if words[0] in {"python", "python3"}:
        words[0] = str(python)
    return words


def settled_health(base_url: str, components) -> tuple[dict, dict[str, dict]]:
    """/health and the checks of /health/detailed, once every component's checks are
    healthy (or after a minute)."""
    deadline = time.monotonic() + 60
    while True:
        summary = fetch_json(f"{base_url}/health")
        detailed = fetch_json(f"{base_url}/health/detailed")
        checks = {check["name"]: check for check in detailed["checks"]}
        own = [c for name in components for c in component_checks(name, checks)]
        if all(c["status"] == "healthy" for c in own) or time.monotonic() > deadline:
            return summary, checks
        time.sleep(1)


def assert_every_component_healthy(components, summary: dict, checks: dict[str, dict]) -> None:
    assert {"cpu", "memory", "disk"} <= set(checks)
    assert set(summary["components"]) == set(checks)
    for name in components:
        found = component_checks(name, checks)
        assert found, f"no health check for {name} in {sorted(checks)}"
        for check in found:
            assert check["status"] == "healthy", check


def component_checks(component: str, checks: dict[str, dict]) -> list[dict]:
    """A component's checks: named after it, or `<component>:<part>`."""
    return [c for n, c in checks.items() if n == component or n.startswith(f"{component}:")]


@contextmanager
def other_processes(project: Path, python: Path, extra: dict[str, str]) -> Iterator[None]:
    """Run every production process kind compose declares besides `web` (services
    outside any profile), as compose would, locally."""
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
    try:
        yield wait_for_server(process, port, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_server(process: subprocess.Popen, port: int, log: Path) -> str:
    """The base URL, once the server answers /health (200 or 503)."""
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, f"server exited:\n{log.read_text()}"
        try:
            urllib.request.urlopen(f"{base_url}/health", timeout=5)
            return base_url
        except urllib.error.HTTPError:
            return base_url  # it answers (503 when something is unhealthy)
        except OSError:
            assert time.monotonic() < deadline, f"server never answered:\n{log.read_text()}"
            time.sleep(0.2)


def fetch_json(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:  # 503 still carries the report
        return json.load(error)


BROWSER_CASES = [(s, o) for s, o in CASES if not s or len(s) == len(CATALOG.selectable)]


@pytest.mark.browser
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize(
    ("components", "options"), BROWSER_CASES, ids=[label(*c) for c in BROWSER_CASES]
)
def test_dashboard_in_a_real_browser(tmp_path, python, components, options, viewport):
    """With every process kind running: every card can be scrolled into view, every card's
    details open and show what its check measured, nothing is loaded from anywhere but the
    server, and screenshots are saved (top, details open, end of the page)."""
    from tests.browser import DESKTOP, PHONE, missing, visit_dashboard

    project = init(tmp_path, CATALOG.sort(components), options)
    with (
        machine_services(options) as env,
        serve(project, python, env) as base_url,
        other_processes(project, python, env),
    ):
        _, checks = settled_health(base_url, components)
        visit = visit_dashboard(
            base_url, checks, PHONE if viewport == "phone" else DESKTOP, tmp_path
        )
    assert visit.cards_in_view == set(checks), f"never in view: {set(checks) - visit.cards_in_view}"
    assert any(text.startswith("Overall: ") for text in visit.texts)
    with_details = [name for name, check in checks.items() if check["details"]]
    assert visit.details_opened >= len(with_details)
    shown = expected_details(checks)
    assert not missing(shown, visit.texts), f"details not shown: {missing(shown, visit.texts)}"
    assert visit.foreign_requests(base_url) == []
    assert [path.name for path in visit.screenshots] == [
        f"{viewport}-top.png",
        f"{viewport}-details.png",
        f"{viewport}-end.png",
    ]
    for screenshot in visit.screenshots:
        assert screenshot.read_bytes().startswith(b"\x89PNG")


def expected_details(checks: dict[str, dict]) -> set[str]:
    """Texts an opened card must show, taken from what its check reported: the database's
    dialect, Redis's version, the scheduler's jobs, each queue with its running jobs, the
    cache hit rate, the CPU count."""
    details = {name: check["details"] for name, check in checks.items()}
    shown = {"cpu count"}
    if "database" in details:
        shown |= {"dialect", details["database"]["dialect"], "query latency"}
    if "redis" in details:
        shown |= {"version", details["redis"]["version"], "memory used"}
    if "scheduler" in details:
        jobs = details["scheduler"].get("jobs") or details["scheduler"]["configured_jobs"]
        shown |= {job["name"] for job in jobs} | {"next run"}
    if "worker" in details:
        shown |= set(details["worker"]) | {"running jobs", "queued jobs", "failed recently"}
    if "cache" in details:
        shown |= {"hit rate"}
    return shown


SETS = allowed_sets()


@pytest.mark.parametrize("components", SETS, ids=[label(s) for s in SETS])
def test_make_alone_lists_every_target_with_its_description(tmp_path, components):
    """`make` prints the help: every rule of the Makefile, the components' included, each
    with its one-line description."""
    project = init(tmp_path, CATALOG.sort(components))
    rules = re.findall(r"^([A-Za-z0-9_-]+):", (project / "Makefile").read_text(), re.MULTILINE)
    alone = subprocess.run(["make"], cwd=project, capture_output=True, text=True, check=True)
    help_ = subprocess.run(
        ["make", "help"], cwd=project, capture_output=True, text=True, check=True
    )
    assert alone.stdout == help_.stdout
    described = dict(line.split(maxsplit=1) for line in alone.stdout.splitlines())
    assert sorted(described) == sorted(rules)
    assert {"help", "install", "dev", "serve", "test"} <= set(described)


def make_dry_run(project: Path, target: str, path: str, **env: str) -> str:
    """The command `make -n TARGET` would run, with this PATH and environment."""
    result = subprocess.run(
        ["make", "-n", target],
        cwd=project,
        env={"PATH": path, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_make_targets_use_the_project_environment(tmp_path):
    """.venv when there is one, else the active virtual environment, else uv, else
    python3."""
    project = init(tmp_path)
    system = "/usr/bin:/bin"
    assert make_dry_run(project, "test", system) == "python3 -m pytest"
    fake_uv = tmp_path / "bin" / "uv"
    fake_uv.parent.mkdir()
    fake_uv.write_text("#!/bin/sh\nexit 1\n")
    fake_uv.chmod(0o755)
    with_uv = f"{fake_uv.parent}:{system}"
    assert make_dry_run(project, "test", with_uv) == "uv run --extra dev python -m pytest"
    in_venv = make_dry_run(project, "test", with_uv, VIRTUAL_ENV=str(tmp_path / "venv"))
    assert in_venv == "python -m pytest"
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "python").symlink_to(sys.executable)
    assert make_dry_run(project, "dev", with_uv) == ".venv/bin/python -m app dev"


def test_make_runs_in_the_project_venv(tmp_path, python):
    """With the project's .venv (here the shared environment, linked), `make health` works
    from a shell whose own Python has none of the project's dependencies."""
    project = init(tmp_path, CATALOG.sort(max(allowed_sets(), key=len)))
    (project / ".venv").symlink_to(python.parent.parent)
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env |= RELAXED | {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        ["make", "health"], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert ".venv/bin/python -m app health" in result.stdout
    assert "Health: " in result.stdout


def test_the_demo_next_steps_work_as_printed(tmp_path):
    """`scripts/demo.sh` prints its next steps; run as printed (on a free port), `make dev`
    serves the dashboard and the scheduler, Ctrl-C stops it, and `make test` passes."""
    root = Path(__file__).resolve().parent.parent
    target = f"demo-test-{uuid.uuid4().hex[:6]}"
    try:
        demo = subprocess.run(
            ["bash", "scripts/demo.sh", target],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert demo.returncode == 0, demo.stdout + demo.stderr
        steps = demo.stdout.split("Next (every make target uses its .venv):\n")[1]
        commands = [line.split("#")[0].strip() for line in steps.splitlines()]
        assert commands == [f"cd build/{target}", "make dev", "make test"]
        project = root / "build" / target
        env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
        env |= RELAXED | {"PATH": "/usr/bin:/bin", "PORT": str(free_port())}
        log = tmp_path / "make-dev.log"
        with log.open("w") as output:
            make_dev = subprocess.Popen(
                ["make", "dev"],
                cwd=project,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                base_url = wait_for_server(make_dev, int(env["PORT"]), log)
                _, checks = settled_health(base_url, ["scheduler"])
                with urllib.request.urlopen(f"{base_url}/dashboard/", timeout=30) as page:
                    assert page.status == 200
            finally:
                os.killpg(make_dev.pid, signal.SIGINT)  # Ctrl-C: make and dev get it
                make_dev.wait(timeout=90)
        assert checks["scheduler"]["status"] == "healthy", checks["scheduler"]
        assert "dev: stopped" in log.read_text()
        tests = subprocess.run(
            ["make", "test"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert tests.returncode == 0, tests.stdout + tests.stderr
    finally:
        shutil.rmtree(root / "build" / target, ignore_errors=True)
