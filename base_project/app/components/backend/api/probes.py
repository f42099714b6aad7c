"""Probes for orchestrators: liveness and readiness, public and cheap.

`/health/live` answers as long as the process serves requests; it never looks at a
dependency, so an outage elsewhere never gets the process restarted. `/health/ready`
runs `READINESS_CHECKS` only (what this process needs to serve): 503 until each of
them passes, so traffic waits for migrations and returns when Redis does.

A readiness report is reused for `READINESS_CACHE_SECONDS`, and concurrent probes
share one run: a storm of probes costs the dependencies one check per interval.
"""

import asyncio
import time

from fastapi import APIRouter, Response
from pydantic import BaseModel

from app.core.checks import get_readiness_registry
from app.core.config import get_settings
from app.core.health import HealthCheck, HealthReport, Status

router = APIRouter(prefix="/health", tags=["health"])


class Liveness(BaseModel):
    """The process answers."""

    status: str = "alive"


class Readiness(BaseModel):
    """Whether this process can serve, and why not: each failing check's message."""

    ready: bool
    checks: dict[str, Status]
    reasons: dict[str, str]


CacheKey = tuple[asyncio.AbstractEventLoop, tuple[HealthCheck, ...]]


class ReadinessCache:
    """The latest readiness run of this event loop and check list, while fresh."""

    def __init__(self) -> None:
        self._key: CacheKey | None = None
        self._started = 0.0
        self._run: asyncio.Future[HealthReport] | None = None

    async def report(self) -> HealthReport:
        """A fresh report, or the one being made or made less than the TTL ago."""
        registry = get_readiness_registry()
        key = (asyncio.get_running_loop(), tuple(registry.checks))
        now = time.monotonic()
        stale = now - self._started > get_settings().readiness_cache_seconds
        if self._run is None or key != self._key or (self._run.done() and stale):
            self._key, self._started = key, now
            self._run = asyncio.ensure_future(registry.run())
        return await asyncio.shield(self._run)


READINESS = ReadinessCache()


@router.get("/live")
async def live() -> Liveness:
    """Always 200 while the process answers."""
    return Liveness()


@router.get("/ready")
async def ready(response: Response) -> Readiness:
    """200 when every readiness check passes, else 503 with the reasons."""
    report = await READINESS.report()
    failing = [c for c in report.checks if c.status is Status.UNHEALTHY]
    response.status_code = 503 if failing else 200
    return Readiness(
        ready=not failing,
        checks=report.components,
        reasons={check.name: check.message for check in failing},
    )
