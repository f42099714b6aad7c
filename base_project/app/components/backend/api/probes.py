"""Probes for orchestrators: liveness and readiness, public and cheap.

`/health/live` answers as long as the process serves requests; it never looks at a
dependency, so an outage elsewhere never gets the process restarted. `/health/ready`
runs `READINESS_CHECKS` only (what this process needs to serve): 503 until each of
them passes, so traffic waits for migrations and returns when Redis does.
"""

from fastapi import APIRouter, Response
from pydantic import BaseModel

from app.core.checks import get_readiness_registry
from app.core.health import Status

router = APIRouter(prefix="/health", tags=["health"])


class Liveness(BaseModel):
    """The process answers."""

    status: str = "alive"


class Readiness(BaseModel):
    """Whether this process can serve, and why not: each failing check's message."""

    ready: bool
    checks: dict[str, Status]
    reasons: dict[str, str]


@router.get("/live")
async def live() -> Liveness:
    """Always 200 while the process answers."""
    return Liveness()


@router.get("/ready")
async def ready(response: Response) -> Readiness:
    """200 when every readiness check passes, else 503 with the reasons."""
    report = await get_readiness_registry().run()
    failing = [c for c in report.checks if c.status is Status.UNHEALTHY]
    response.status_code = 503 if failing else 200
    return Readiness(
        ready=not failing,
        checks=report.components,
        reasons={check.name: check.message for check in failing},
    )
