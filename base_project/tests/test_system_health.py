"""System checks: real psutil measurements graded against the settings."""

from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.checks import HEALTH_CHECKS
from app.core.health import HealthCheck, Status
from app.services.system_health import (
    check_cpu,
    check_disk,
    check_memory,
    usage_status,
)

SetEnv = Callable[..., None]

SYSTEM_CHECKS = [check_cpu, check_memory, check_disk]


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (0.0, Status.HEALTHY),
        (79.9, Status.HEALTHY),
        (80.0, Status.WARNING),
        (94.9, Status.WARNING),
        (95.0, Status.UNHEALTHY),
        (100.0, Status.UNHEALTHY),
    ],
)
def test_usage_status_thresholds(percent: float, expected: Status) -> None:
    assert usage_status(percent, warning=80.0, critical=95.0) is expected


def test_core_registers_the_system_checks() -> None:
    assert all(check in HEALTH_CHECKS for check in SYSTEM_CHECKS)


@pytest.mark.parametrize("check", SYSTEM_CHECKS)
async def test_healthy_below_warning(check: HealthCheck, set_env: SetEnv) -> None:
    name = check.__name__.removeprefix("check_")
    set_env(**{f"{name}_warning_percent": 100.1, f"{name}_critical_percent": 100.1})
    result = await check()
    assert result.name == name
    assert result.status is Status.HEALTHY
    percent = result.details["percent"]
    assert 0 <= percent <= 100
    assert result.message == f"{percent:.1f}% used"
    assert result.details["warning_percent"] == 100.1


@pytest.mark.parametrize("check", SYSTEM_CHECKS)
async def test_warning_between_thresholds(check: HealthCheck, set_env: SetEnv) -> None:
    name = check.__name__.removeprefix("check_")
    set_env(**{f"{name}_warning_percent": 0, f"{name}_critical_percent": 100.1})
    assert (await check()).status is Status.WARNING


@pytest.mark.parametrize("check", SYSTEM_CHECKS)
async def test_unhealthy_above_critical(check: HealthCheck, set_env: SetEnv) -> None:
    name = check.__name__.removeprefix("check_")
    set_env(**{f"{name}_warning_percent": 0, f"{name}_critical_percent": 0})
    assert (await check()).status is Status.UNHEALTHY


async def test_disk_check_uses_the_configured_path(
    set_env: SetEnv, tmp_path: Path
) -> None:
    set_env(disk_path=tmp_path)
    result = await check_disk()
    assert result.details["path"] == str(tmp_path)
    assert result.details["total_bytes"] > 0
