"""Sentry error reporting: initialised by every process from the bootstrap hook."""

import sentry_sdk

from app.core.config import get_settings
from app.core.health import CheckResult, Status


def init_sentry() -> None:
    """Start reporting to `SENTRY_DSN`; without a DSN nothing is set up or sent."""
    settings = get_settings()
    if not settings.sentry_dsn:
        return
    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.environment,
        traces_sample_rate=settings.sentry_traces_sample_rate,
        send_default_pii=False,
    )


async def check_sentry() -> CheckResult:
    """Healthy while reporting is on (or off outside production)."""
    settings = get_settings()
    if sentry_sdk.is_initialized():
        return CheckResult(name="sentry", status=Status.HEALTHY, message="reporting")
    if settings.environment == "production":
        return CheckResult(
            name="sentry",
            status=Status.WARNING,
            message="SENTRY_DSN is not set: errors are not reported",
        )
    return CheckResult(
        name="sentry", status=Status.HEALTHY, message="off (no SENTRY_DSN)"
    )
