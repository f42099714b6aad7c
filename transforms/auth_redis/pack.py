"""auth + redis: the login and password-reset limits are counted in Redis, so every
web process shares them. Applied by Aegis whenever both are present."""

from aegis.edits import Import, ReplaceValue, TextBlock
from aegis.pack import Pack

LIMITS = "app/services/auth/limits.py"

README = """\
### Auth with Redis

The login and password-reset rate limits are counted in Redis (keys
`auth:rate:*`, expiring with their window), so every web process and replica
shares them. If Redis cannot be reached, requests are let through and the error
is logged; the `redis` health check reports the outage.
"""

PACK = Pack(
    name="auth_redis",
    kind="integration",
    summary="Auth rate limits counted in Redis, shared by every web process",
    order=91,
    integrates=("auth", "redis"),
    edits=[
        Import(LIMITS, "app.services.auth.redis_rate_limit", "redis_rate_limiter"),
        ReplaceValue(LIMITS, "RATE_LIMITER_FACTORY", "memory_rate_limiter", "redis_rate_limiter"),
        TextBlock("README.md", README, style="html"),
    ],
)
