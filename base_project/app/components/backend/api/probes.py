"""Probes for orchestrators: liveness and readiness, public and cheap.

`/health/live` answers as long as the process serves requests; it never looks at a
dependency, so an outage elsewhere never gets the process restarted. `/health/ready`
runs `READINESS_CHECKS` only (what this process needs to serve): 503 until each of
them passes, so traffic waits for migrations and returns when Redis does.

A readiness report is reused for `READINESS_CACHE_SECONDS`, and concurrent probes
share one run: a storm of probes costs the dependencies one check per interval.
Each run is encoded once, and every probe it answers sends those bytes.

The probes are routes of the app itself, ahead of every router (`install_probes`):
FastAPI finds the route of an included router through one more layer of matching
per request, which cost a probe as much as the rest of its answer.
"""

import asyncio
import time
from dataclasses import dataclass

from fastapi import FastAPI, Response
from pydantic import BaseModel

from app.core.checks import get_readiness_registry
from app.core.config import get_settings
from app.core.health import HealthCheck, HealthRegistry, HealthReport, Status

JSON = "application/json"


class Liveness(BaseModel):
    """The process answers."""

    status: str = "alive"


class Readiness(BaseModel):
    """Whether this process can serve, and why not: each failing check's message."""

    ready: bool
    checks: dict[str, Status]
    reasons: dict[str, str]


LIVENESS_BODY = Liveness().model_dump_json().encode()


@dataclass(frozen=True)
class ReadinessAnswer:
    """A readiness report as the probe sends it."""

    status_code: int
    body: bytes


def readiness_answer(report: HealthReport) -> ReadinessAnswer:
    """200 when every check passes, else 503 with the reasons; encoded."""
    failing = [c for c in report.checks if c.status is Status.UNHEALTHY]
    readiness = Readiness(
        ready=not failing,
        checks=report.components,
        reasons={check.name: check.message for check in failing},
    )
    return ReadinessAnswer(
        503 if failing else 200, readiness.model_dump_json().encode()
    )


async def run_readiness(registry: HealthRegistry) -> ReadinessAnswer:
    """Run the readiness checks and encode the answer."""
    return readiness_answer(await registry.run())


CacheKey = tuple[asyncio.AbstractEventLoop, tuple[HealthCheck, ...]]


class ReadinessCache:
    """The latest readiness answer of this event loop and check list, while fresh."""

    def __init__(self) -> None:
        self._key: CacheKey | None = None
        self._started = 0.0
        self._run: asyncio.Future[ReadinessAnswer] | None = None

    async def answer(self) -> ReadinessAnswer:
        """A fresh answer, or the one being made or made less than the TTL ago."""
        registry = get_readiness_registry()
        key = (asyncio.get_running_loop(), tuple(registry.checks))
        now = time.monotonic()
        stale = now - self._started > get_settings().readiness_cache_seconds
        if self._run is None or key != self._key or (self._run.done() and stale):
            self._key, self._started = key, now
            self._run = asyncio.ensure_future(run_readiness(registry))
        if self._run.done():
            return self._run.result()
        return await asyncio.shield(self._run)


READINESS = ReadinessCache()


async def live() -> Response:
    """Always 200 while the process answers."""
    return Response(LIVENESS_BODY, media_type=JSON)


async def ready() -> Response:
    """200 when every readiness check passes, else 503 with the reasons."""
    answer = await READINESS.answer()
    return Response(answer.body, answer.status_code, media_type=JSON)


def install_probes(app: FastAPI) -> None:
    """`/health/live` and `/health/ready`, on the app (call it before any router is
    included, so that probes are matched first)."""
    app.add_api_route("/health/live", live, response_model=Liveness, tags=["health"])
    app.add_api_route("/health/ready", ready, response_model=Readiness, tags=["health"])
