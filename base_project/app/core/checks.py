"""Every health check of the project, and the registry that runs them."""

from app.core.config import get_settings
from app.core.health import HealthCheck, HealthRegistry
from app.services.system_health import check_cpu, check_disk, check_memory

HEALTH_CHECKS: list[HealthCheck] = [
    check_cpu,
    check_memory,
    check_disk,
]


def get_registry() -> HealthRegistry:
    """A registry of every check in `HEALTH_CHECKS`, with the configured timeout."""
    return HealthRegistry(HEALTH_CHECKS, timeout=get_settings().health_check_timeout)
