"""System health checks (CPU, memory, disk) measured with psutil.

They are for people (`/health/detailed`, the dashboard): none of them is a readiness
check, since a busy host does not make a healthy service unable to serve.
"""

import asyncio
import threading
from typing import Any

import psutil

from app.core.config import get_settings
from app.core.health import CheckResult, Status

FIRST_SAMPLE_SECONDS = 0.1


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


class CpuSampler:
    """CPU utilisation, measured by a daemon thread so that no request waits for it.

    The thread takes a short first sample, then one every `cpu_sample_seconds`; a check
    reads the latest. Only the very first reader of a process waits, for the first
    sample (the web server starts the sampler at startup, so its requests never do).
    The interval is read once, by the caller of `start`: the thread never reads the
    settings, so it cannot refill their cache while a test is changing them.
    """

    def __init__(self) -> None:
        self._percent: float | None = None
        self._sampled = threading.Event()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start sampling, once per process."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run,
                    args=(get_settings().cpu_sample_seconds,),
                    name="cpu-sampler",
                    daemon=True,
                )
                self._thread.start()

    def stop(self) -> None:
        """Stop sampling after the current sample."""
        self._stopped.set()

    def _run(self, every: float) -> None:
        interval = FIRST_SAMPLE_SECONDS
        while not self._stopped.is_set():
            self._percent = psutil.cpu_percent(interval=interval)
            self._sampled.set()
            interval = every

    async def percent(self) -> float:
        """The latest sample (waiting for the first one only)."""
        self.start()
        if not self._sampled.is_set():
            await asyncio.to_thread(self._sampled.wait)
        assert self._percent is not None
        return self._percent


CPU_SAMPLER = CpuSampler()


async def start_cpu_sampler() -> None:
    """Startup hook: begin sampling before the first request asks."""
    CPU_SAMPLER.start()


async def check_cpu() -> CheckResult:
    """CPU utilisation: the latest background sample."""
    settings = get_settings()
    percent = await CPU_SAMPLER.percent()
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
