"""The health registry: named async checks run concurrently, one overall status."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Status(StrEnum):
    """Status of one check, or of the whole service (the worst of its checks)."""

    HEALTHY = "healthy"
    WARNING = "warning"
    UNHEALTHY = "unhealthy"

    @property
    def severity(self) -> int:
        """Rank used to find the worst status: higher is worse."""
        return _SEVERITY[self]


_SEVERITY = {Status.HEALTHY: 0, Status.WARNING: 1, Status.UNHEALTHY: 2}


class CheckResult(BaseModel):
    """The outcome of one health check."""

    name: str
    status: Status
    message: str = ""
    latency_ms: float = 0.0
    details: dict[str, Any] = Field(default_factory=dict)


HealthCheck = Callable[[], Awaitable[CheckResult]]


class HealthReport(BaseModel):
    """The results of every registered check and the overall status."""

    status: Status
    checks: list[CheckResult]

    @property
    def components(self) -> dict[str, Status]:
        """Status of each check, by name."""
        return {check.name: check.status for check in self.checks}


def worst_status(statuses: Iterable[Status]) -> Status:
    """Return the most severe status; healthy when there is none."""
    return max(statuses, key=lambda status: status.severity, default=Status.HEALTHY)


def check_name(check: HealthCheck) -> str:
    """Name a check by its function: `check_disk` is called `disk`."""
    name: str = getattr(check, "__name__", type(check).__name__)
    return name.removeprefix("check_")


class HealthRegistry:
    """Runs registered checks concurrently, each bounded by a timeout.

    A check never makes the registry fail: an exception or a timeout becomes an
    `unhealthy` result, and the registry measures every check's latency itself.
    """

    def __init__(
        self, checks: Iterable[HealthCheck] = (), timeout: float = 5.0
    ) -> None:
        self._checks: list[HealthCheck] = list(checks)
        self.timeout = timeout

    @property
    def checks(self) -> list[HealthCheck]:
        """The registered checks, in registration order."""
        return list(self._checks)

    def register(self, check: HealthCheck) -> HealthCheck:
        """Add a check (usable as a decorator) and return it unchanged."""
        if check not in self._checks:
            self._checks.append(check)
        return check

    async def run_check(self, check: HealthCheck) -> CheckResult:
        """Run one check with the timeout; never raises."""
        started = time.perf_counter()
        try:
            result = await asyncio.wait_for(check(), timeout=self.timeout)
        except TimeoutError:
            result = CheckResult(
                name=check_name(check),
                status=Status.UNHEALTHY,
                message=f"timed out after {self.timeout:g} s",
            )
        except Exception as exc:
            result = CheckResult(
                name=check_name(check),
                status=Status.UNHEALTHY,
                message=f"{type(exc).__name__}: {exc}",
            )
        latency_ms = round((time.perf_counter() - started) * 1000, 2)
        return result.model_copy(update={"latency_ms": latency_ms})

    async def run(self) -> HealthReport:
        """Run every check concurrently and aggregate their statuses."""
        results = await asyncio.gather(*(self.run_check(c) for c in self._checks))
        return HealthReport(
            status=worst_status(result.status for result in results),
            checks=list(results),
        )
