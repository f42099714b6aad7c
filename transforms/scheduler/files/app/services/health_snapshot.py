"""A periodic job: a snapshot of every health check, written to the log."""

import logging

from app.core.checks import get_registry
from app.core.health import HealthReport, Status

logger = logging.getLogger(__name__)


async def log_health_snapshot() -> HealthReport:
    """Run every registered check; log the overall status and each result."""
    report = await get_registry().run()
    level = logging.INFO if report.status is Status.HEALTHY else logging.WARNING
    summary = "; ".join(
        f"{check.name}={check.status.value} ({check.message})"
        for check in report.checks
    )
    logger.log(level, "health snapshot: %s | %s", report.status.value, summary)
    return report
