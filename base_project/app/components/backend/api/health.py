"""Health endpoints: overall status and the detail of every registered check."""

from fastapi import APIRouter, Response
from pydantic import BaseModel

from app.core.checks import get_registry
from app.core.health import HealthReport, Status
from app.core.operators import Operator

router = APIRouter(prefix="/health", tags=["health"])


class HealthSummary(BaseModel):
    """Overall status and the status of each check, by name."""

    status: Status
    components: dict[str, Status]


def status_code(report: HealthReport) -> int:
    """HTTP 200 unless the service is unhealthy, then 503."""
    return 503 if report.status is Status.UNHEALTHY else 200


@router.get("")
async def health(response: Response) -> HealthSummary:
    """Overall status and the status of each check (503 when unhealthy)."""
    report = await get_registry().run()
    response.status_code = status_code(report)
    return HealthSummary(status=report.status, components=report.components)


@router.get("/detailed", dependencies=[Operator])
async def health_detailed(response: Response) -> HealthReport:
    """Overall status and the full result of every check (503 when unhealthy);
    operators only."""
    report = await get_registry().run()
    response.status_code = status_code(report)
    return report
