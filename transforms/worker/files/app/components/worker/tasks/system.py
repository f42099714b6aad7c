"""Tasks of the `system` queue: maintenance, run by its own worker."""

from typing import Any

from app.core.checks import get_registry
from app.services.maintenance import redis_report


async def health_snapshot(ctx: dict[str, Any]) -> dict[str, Any]:
    """Run every health check and return the report."""
    report = await get_registry().run()
    return report.model_dump(mode="json")


async def redis_usage(ctx: dict[str, Any]) -> dict[str, Any]:
    """Version, memory, clients and key count of the queues' Redis server."""
    return await redis_report(ctx["redis"])


TASKS = [health_snapshot, redis_usage]
