"""System health checks (CPU, memory, disk) measured with psutil."""

import asyncio
from typing import Any

import psutil

from app.core.config import get_settings
from app.core.health import CheckResult, Status

CPU_SAMPLE_SECONDS = 0.1


def usage_status(percent: float, warning: float, critical: float) -> Status:
    """Grade a usage percentage against its warning and critical thresholds."""
    if percent >= critical:
        return Status.UNHEALTHY
    if percent >= warning:
        return Status.WARNING
    return Status.HEALTHY


def usage_result(
    name: str,
    percent: float,
    warning: float,
    critical: float,
    details: dict[str, Any],
) -> CheckResult:
    """Build the result of a usage check from its measurement."""
    return CheckResult(
        name=name,
        status=usage_status(percent, warning, critical),
        message=f"{percent:.1f}% used",
        details={
            "percent": percent,
            "warning_percent": warning,
            "critical_percent": critical,
            **details,
        },
    )


async def check_cpu() -> CheckResult:
    """CPU utilisation over a short sample."""
    settings = get_settings()
    percent = await asyncio.to_thread(psutil.cpu_percent, CPU_SAMPLE_SECONDS)
    return usage_result(
        "cpu",
        percent,
        settings.cpu_warning_percent,
        settings.cpu_critical_percent,
        {"cpu_count": psutil.cpu_count()},
    )


async def check_memory() -> CheckResult:
    """Virtual memory in use."""
    settings = get_settings()
    memory = psutil.virtual_memory()
    return usage_result(
        "memory",
        memory.percent,
        settings.memory_warning_percent,
        settings.memory_critical_percent,
        {"total_bytes": memory.total, "available_bytes": memory.available},
    )


async def check_disk() -> CheckResult:
    """Disk space in use on the configured path."""
    settings = get_settings()
    disk = await asyncio.to_thread(psutil.disk_usage, settings.disk_path)
    return usage_result(
        "disk",
        disk.percent,
        settings.disk_warning_percent,
        settings.disk_critical_percent,
        {
            "path": settings.disk_path,
            "total_bytes": disk.total,
            "free_bytes": disk.free,
        },
    )
