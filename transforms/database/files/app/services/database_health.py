"""Database health check: connect, run a trivial query, measure the round trip."""

import asyncio
import re
import time

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.core.config import get_settings
from app.core.database import SCHEMA, ping_database
from app.core.health import CheckResult, Status


def failure_reason(error: Exception) -> str:
    """What the database said, without the SQLAlchemy wrapping: for example
    `database "app" does not exist`, rather than `OperationalError`."""
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    reason = re.split(r"\b(?:FATAL|ERROR):\s+", lines[0])[-1]
    return reason.removeprefix("connection failed: ")


def safe_url(url: str) -> str:
    """The URL with its password masked, fit for logs and health reports."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return "<invalid URL>"


def pending_migrations() -> CheckResult | None:
    """Unhealthy while this process's startup migrations have not run yet."""
    if not SCHEMA.pending:
        return None
    return CheckResult(
        name="database",
        status=Status.UNHEALTHY,
        message=f"migrations not applied yet (attempt {SCHEMA.attempts}): "
        f"{SCHEMA.error or 'running'}",
        details={"url": safe_url(get_settings().database_url)},
    )


async def check_database_ready() -> CheckResult:
    """Readiness: the schema is migrated and `SELECT 1` succeeds."""
    pending = pending_migrations()
    if pending is not None:
        return pending
    try:
        await asyncio.to_thread(ping_database)
    except (SQLAlchemyError, OSError) as exc:
        return CheckResult(
            name="database",
            status=Status.UNHEALTHY,
            message=f"cannot query the database: {failure_reason(exc)}",
        )
    return CheckResult(name="database", status=Status.HEALTHY, message="SELECT 1")


async def check_database() -> CheckResult:
    """Healthy when migrated and `SELECT 1` succeeds; unhealthy (never raising) when
    not."""
    pending = pending_migrations()
    if pending is not None:
        return pending
    url = safe_url(get_settings().database_url)
    started = time.perf_counter()
    try:
        dialect = await asyncio.to_thread(ping_database)
    except (SQLAlchemyError, OSError) as exc:
        return CheckResult(
            name="database",
            status=Status.UNHEALTHY,
            message=f"cannot query the database: {failure_reason(exc)}",
            details={"url": url, "error": str(exc).splitlines()[0]},
        )
    query_ms = round((time.perf_counter() - started) * 1000, 2)
    return CheckResult(
        name="database",
        status=Status.HEALTHY,
        message=f"SELECT 1 in {query_ms:.1f} ms",
        latency_ms=query_ms,
        details={"url": url, "dialect": dialect, "query_ms": query_ms},
    )
