"""Invariant 8 beyond the contract suite: an owner-edited project with every component still
works; the compose `dev` service runs every process kind in one command; `make` and the
demo's next steps work as printed; the dashboard works in a real browser, phone and desktop.

The per-combination checks (lint, own tests, start, every pack's checks healthy) are part of
the contract suite (`tests/test_invariants.py`, marker `generated`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from aegis.testing import covering_cases
from aegis.testing.cases import Case
from aegis.testing.generated import (
    OPS_TOKEN,
    RELAXED,
    command_words,
    ensure_environment,
    free_port,
    lint_and_test,
    machine_services,
    other_processes,
    project_env,
    serve,
    settled_checks,
    wait_for_server,
)
from aegis.testing.servers import own_postgresql, own_redis
from aegis.testing.workbench import Workbench
from tests.aegis_helpers import CATALOG, add, allowed_sets, init, label, make_owner_edits

pytestmark = pytest.mark.generated

EVERYTHING = CATALOG.sort(max(allowed_sets(), key=len))
COVERING = covering_cases(CATALOG)


@pytest.fixture(scope="session")
def python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scratch = tmp_path_factory.mktemp("requirements")
    return ensure_environment(Workbench(CATALOG), COVERING, scratch)


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
    project = init(tmp_path)
    make_owner_edits(project)
    for name in reversed(EVERYTHING):
        add(project, [name])
    lint_and_test(python, project)


@pytest.mark.parametrize("case", COVERING, ids=[case.label for case in COVERING])
def test_compose_dev_service_runs_every_process_kind_in_one_command(
    tmp_path: Path, python: Path, case: Case
) -> None:
    """The `dev` service of the compose `dev` profile, run locally: its one command starts
    the web server and every other process kind; every check becomes healthy; Ctrl-C
    (SIGINT) stops the whole group with status 0 and frees the port."""
    project = init(tmp_path, case.ordered, case.options)
    compose = YAML(typ="safe").load((project / "docker-compose.yml").read_text())
    service = compose["services"]["dev"]
    assert service["profiles"] == ["dev"]
    assert "app-data:/app/data" in service["volumes"]
    assert service.get("environment") == compose["services"]["web"].get("environment")
    words = command_words(service["command"], python)
    port = free_port()
    log = project / "dev.log"
    with machine_services(case.options) as extra, log.open("w") as output:
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
            checks = settled_checks(base_url)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            status = process.wait(timeout=90)
    assert [c for c in checks.values() if c["status"] != "healthy"] == []
    assert status == 0, log.read_text()
    assert log.read_text().rstrip().endswith("dev: stopped")
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


# The dashboard's screenshots are kept after the run, one folder per case and width.
ARTEFACTS = Path(__file__).resolve().parent.parent / "build" / "test-artefacts" / "dashboard"
BROWSER_CASES = [case for case in COVERING if not case.components or case.ordered == EVERYTHING]


@pytest.mark.browser
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("case", BROWSER_CASES, ids=[case.label for case in BROWSER_CASES])
def test_dashboard_in_a_real_browser(tmp_path, python, case, viewport):
    """With every process kind running: every card can be scrolled into view, every card's
    details open and show what its check measured, nothing is loaded from anywhere but the
    server, and screenshots are saved in build/test-artefacts/ (top, details open, end of
    the page)."""
    from tests.browser import DESKTOP, PHONE, missing, visit_dashboard

    project = init(tmp_path, case.ordered, case.options)
    with (
        machine_services(case.options) as env,
        serve(project, python, env) as base_url,
        other_processes(project, python, env),
    ):
        checks = settled_checks(base_url)
        artefacts = ARTEFACTS / f"{case.label}-{viewport}"
        shutil.rmtree(artefacts, ignore_errors=True)
        artefacts.mkdir(parents=True)
        visit = visit_dashboard(
            base_url, checks, PHONE if viewport == "phone" else DESKTOP, artefacts
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
    in_two = "-m pytest -n auto --maxprocesses 2 --maxschedchunk 1"  # two processes
    assert make_dry_run(project, "test", system) == f"python3 {in_two}"
    fake_uv = tmp_path / "bin" / "uv"
    fake_uv.parent.mkdir()
    fake_uv.write_text("#!/bin/sh\nexit 1\n")
    fake_uv.chmod(0o755)
    with_uv = f"{fake_uv.parent}:{system}"
    assert make_dry_run(project, "test", with_uv) == f"uv run --extra dev python {in_two}"
    in_venv = make_dry_run(project, "test", with_uv, VIRTUAL_ENV=str(tmp_path / "venv"))
    assert in_venv == f"python {in_two}"
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "python").symlink_to(sys.executable)
    assert make_dry_run(project, "dev", with_uv) == ".venv/bin/python -m app dev"


def test_make_runs_in_the_project_venv(tmp_path, python):
    """With the project's .venv (here the shared environment, linked), `make db-upgrade`
    and `make health` work from a shell whose own Python has none of the project's
    dependencies."""
    project = init(tmp_path, EVERYTHING)
    (project / ".venv").symlink_to(python.parent.parent)
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env |= RELAXED | {"PATH": "/usr/bin:/bin"}
    for target in ("db-upgrade", "health"):
        result = subprocess.run(
            ["make", target], cwd=project, env=env, capture_output=True, text=True, timeout=120
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
                checks = settled_checks(base_url)
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


OUTAGE_COMPONENTS = CATALOG.sort(["database", "scheduler", "redis", "worker", "cache"])


def call(method: str, url: str, body: object = None) -> tuple[int, Any]:
    """Status and JSON body of a request (an operations token goes with every call)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("content-type", "application/json")
    request.add_header("X-Ops-Token", OPS_TOKEN)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wait_for(what: str, condition: Callable[[], bool], timeout: float = 90) -> float:
    """Seconds until `condition()` holds; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"never: {what}"
        time.sleep(0.1)
    return round(time.monotonic() - started, 2)


def test_recovery_from_redis_and_postgresql_outages(tmp_path: Path, python: Path) -> None:
    """A project on a PostgreSQL and a Redis of its own, run as in production (web server,
    scheduler, a worker per queue). PostgreSQL is down when the web server starts: it
    is alive but not ready, retries its migrations, and becomes ready once PostgreSQL is.
    Redis is killed (SIGKILL; append-only file fsynced always) while jobs run: readiness
    and enqueueing answer 503, the workers reconnect after the restart, and every job
    enqueued before and after completes. PostgreSQL is then stopped immediately and
    started again: readiness and /items go 503 and come back. No process is restarted."""
    project = init(tmp_path / "project", OUTAGE_COMPONENTS, {"database_engine": "postgresql"})
    figures: dict[str, Any] = {}
    with own_postgresql() as postgres, own_redis(tmp_path) as redis:
        env = {
            "DATABASE_URL": postgres.url("app"),
            "REDIS_URL": redis.url(),
            "ENVIRONMENT": "development",
        }
        with serve(project, python, env) as base, other_processes(project, python, env):

            def ready() -> bool:
                return call("GET", f"{base}/health/ready")[0] == 200

            def unready(name: str) -> bool:
                status, body = call("GET", f"{base}/health/ready")
                return status == 503 and name in body["reasons"]

            def enqueue(count: int) -> list[str]:
                ids = []
                for _ in range(count):
                    status, body = call(
                        "POST", f"{base}/worker/tasks/load_test", {"kwargs": {"work_ms": 500}}
                    )
                    assert status == 202, body
                    ids.append(body["job_id"])
                return ids

            # PostgreSQL down at start-up: alive, not ready, migrations retried.
            status, body = call("GET", f"{base}/health/ready")
            assert status == 503
            assert "migrations not applied yet" in body["reasons"]["database"]
            assert call("GET", f"{base}/health/live") == (200, {"status": "alive"})
            scheduler_log = project / "scheduler.log"
            wait_for(  # its job store is in the database
                "the scheduler retries its start",
                lambda: "scheduler cannot start" in scheduler_log.read_text(),
            )
            postgres.start()
            postgres.create_database("app")
            figures["ready_after_postgresql_start_s"] = wait_for("ready", ready)
            assert call("POST", f"{base}/items", {"name": "kept"})[0] == 201

            # Redis killed while jobs run, then restarted.
            before = enqueue(40)
            time.sleep(0.5)
            redis.kill()
            figures["unready_after_redis_kill_s"] = wait_for("unready", lambda: unready("redis"))
            status, body = call("POST", f"{base}/worker/tasks/load_test", {})
            assert status == 503
            assert body["detail"].startswith("Redis is unavailable")
            assert call("GET", f"{base}/health/live")[0] == 200
            time.sleep(2)
            redis.start()
            figures["ready_after_redis_restart_s"] = wait_for("ready", ready)
            after = enqueue(40)

            def finished() -> list[str]:
                states = [call("GET", f"{base}/worker/jobs/{job}")[1] for job in before + after]
                return [s["job_id"] for s in states if s.get("status") == "complete"]

            figures["all_jobs_complete_s"] = wait_for(
                "every job complete", lambda: len(finished()) == len(before + after), 120
            )
            figures["jobs"] = {
                "enqueued_before_kill": len(before),
                "enqueued_after_restart": len(after),
                "completed": len(finished()),
                "lost": len(set(before + after) - set(finished())),
            }

            # PostgreSQL stopped (connections cut) and started again.
            postgres.stop()
            figures["unready_after_postgresql_stop_s"] = wait_for(
                "unready", lambda: unready("database")
            )
            status, body = call("GET", f"{base}/items")
            assert status == 503
            assert body["detail"].startswith("the database is unavailable")
            postgres.start()
            figures["ready_after_postgresql_restart_s"] = wait_for("ready", ready)
            status, items = call("GET", f"{base}/items")
            assert status == 200
            assert [item["name"] for item in items] == ["kept"]

            def processes_healthy() -> bool:
                report = call("GET", f"{base}/health/detailed")[1]
                names = {"scheduler", "worker"}
                return all(c["status"] == "healthy" for c in report["checks"] if c["name"] in names)

            wait_for("the scheduler and the workers healthy", processes_healthy, 60)
    logs = {log.stem: log.read_text() for log in project.glob("*.log")}
    interrupted = re.findall(r"(\d+) interrupted jobs queued again", logs["worker-default"])
    figures["jobs"]["interrupted_by_the_kill_and_run_again"] = sum(map(int, interrupted))
    print(f"\noutage figures: {json.dumps(figures)}")
