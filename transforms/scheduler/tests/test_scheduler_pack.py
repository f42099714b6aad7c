"""The scheduler pack: what it adds to a core project, and its inverse."""

from __future__ import annotations

import tomllib
from pathlib import Path

from aegis.edit import yaml
from tests.aegis_helpers import assigned, init, remove, snapshot, tree_difference


def test_registers_the_check_the_commands_and_the_settings(tmp_path: Path) -> None:
    project = init(tmp_path, ["scheduler"])
    checks = assigned(project, "app/core/checks.py", "HEALTH_CHECKS")
    assert checks.endswith("check_scheduler]")
    commands = assigned(project, "app/cli/main.py", "COMMAND_GROUPS")
    assert commands == "[scheduler_app]"
    config = (project / "app/core/config.py").read_text()
    assert 'scheduler_state_path: str = "data/scheduler-state.json"' in config
    assert "scheduler_heartbeat_seconds: float = 30.0" in config
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert "apscheduler>=3.11,<4" in pyproject["project"]["dependencies"]
    assert "SCHEDULER_STATE_PATH=" in (project / ".env.example").read_text()
    assert "\t$(PYTHON) -m app scheduler run" in (project / "Makefile").read_text()


def test_alone_it_keeps_jobs_in_memory(tmp_path: Path) -> None:
    project = init(tmp_path, ["scheduler"])
    main = "app/components/scheduler/main.py"
    assert assigned(project, main, "JOB_STORE_FACTORY") == "memory_job_store"
    jobs = assigned(project, "app/components/scheduler/jobs.py", "JOBS")
    assert jobs == "[HEALTH_SNAPSHOT]"
    assert not (project / "app/components/scheduler/persistence.py").exists()


def test_its_compose_service_shares_the_data_volume(tmp_path: Path) -> None:
    project = init(tmp_path, ["scheduler"])
    compose = yaml.load((project / "docker-compose.yml").read_text())
    service = compose["services"]["scheduler"]
    assert service["command"] == "python -m app.entrypoints.scheduler"
    assert "app-data:/app/data" in service["volumes"]
    assert compose["services"]["web"]["volumes"] == service["volumes"]
    assert service["healthcheck"]["test"][-2:] == ["scheduler", "status"]
    assert "depends_on" not in service


def test_remove_restores_the_core(tmp_path: Path) -> None:
    core = snapshot(init(tmp_path / "core"))
    project = init(tmp_path / "scheduler", ["scheduler"])
    assert remove(project, ["scheduler"])
    after = snapshot(project)
    assert after == core, tree_difference(after, core)
