"""Every health check of the project, and the registries that run them.

`HEALTH_CHECKS` is everything, for people (`/health/detailed`, the dashboard, the
`health` command). `READINESS_CHECKS` is what this process needs to serve requests
(`/health/ready`): the database migrated and reachable, Redis. Host resources are
never part of readiness: a busy host does not make a healthy service unready.
"""

from app.core.config import get_settings
from app.core.health import HealthCheck, HealthRegistry
from app.services.system_health import check_cpu, check_disk, check_memory

HEALTH_CHECKS: list[HealthCheck] = [
    check_cpu,
    check_memory,
    check_disk,
]

READINESS_CHECKS: list[HealthCheck] = []


def get_registry() -> HealthRegistry:
    """A registry of every check in `HEALTH_CHECKS`, with the configured timeout."""
    return HealthRegistry(HEALTH_CHECKS, timeout=get_settings().health_check_timeout)


def get_readiness_registry() -> HealthRegistry:
    """A registry of the checks in `READINESS_CHECKS`, with the readiness timeout."""
    return HealthRegistry(READINESS_CHECKS, timeout=get_settings().readiness_timeout)
