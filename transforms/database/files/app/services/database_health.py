"""Database health check: connect, run a trivial query, measure the round trip."""

import asyncio
import time

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.core.config import get_settings
from app.core.database import ping_database
from app.core.health import CheckResult, Status


def safe_url(url: str) -> str:
    """The URL with its password masked, fit for logs and health reports."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return "<invalid URL>"


async def check_database() -> CheckResult:
    """Healthy when `SELECT 1` succeeds; unhealthy (never raising) when it fails."""
    url = safe_url(get_settings().database_url)
    started = time.perf_counter()
    try:
        dialect = await asyncio.to_thread(ping_database)
    except (SQLAlchemyError, OSError) as exc:
        return CheckResult(
            name="database",
            status=Status.UNHEALTHY,
            message=f"cannot query the database: {type(exc).__name__}",
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
