"""The command line: `health` as a table and as JSON, with its exit status."""

import json
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from app.cli.main import app
from app.core import checks

runner = CliRunner()


@pytest.mark.usefixtures("relaxed_thresholds", "system_checks_only")
def test_health_prints_a_table_of_every_check() -> None:
    result = runner.invoke(app, ["health"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Health: healthy" in lines[0]
    for name in ("cpu", "memory", "disk"):
        assert any(line.startswith(f"│ {name} ") for line in lines), result.output
    assert result.output.count("% used") == 3


@pytest.mark.usefixtures("relaxed_thresholds", "system_checks_only")
def test_health_json_is_the_detailed_report() -> None:
    result = runner.invoke(app, ["health", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["status"] == "healthy"
    assert [check["name"] for check in report["checks"]] == ["cpu", "memory", "disk"]
    assert all(check["latency_ms"] > 0 for check in report["checks"])


def test_health_json_lists_every_registered_check() -> None:
    result = runner.invoke(app, ["health", "--json"])
    report = json.loads(result.output)
    names = {check["name"] for check in report["checks"]}
    assert {"cpu", "memory", "disk"} <= names
    assert len(names) == len(checks.HEALTH_CHECKS)
    assert result.exit_code == (1 if report["status"] == "unhealthy" else 0)


@pytest.mark.usefixtures("critical_thresholds", "system_checks_only")
def test_health_exits_non_zero_when_unhealthy() -> None:
    result = runner.invoke(app, ["health"])
    assert result.exit_code == 1
    assert "Health: unhealthy" in result.output
    as_json = runner.invoke(app, ["health", "--json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.output)["status"] == "unhealthy"


@pytest.mark.usefixtures("relaxed_thresholds", "system_checks_only")
def test_warning_is_not_a_failure(set_env: Callable[..., None]) -> None:
    set_env(memory_warning_percent=0)
    result = runner.invoke(app, ["health", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["status"] == "warning"
    statuses = {check["name"]: check["status"] for check in report["checks"]}
    assert statuses == {"cpu": "healthy", "memory": "warning", "disk": "healthy"}


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "health" in result.output
    assert "serve" in result.output
