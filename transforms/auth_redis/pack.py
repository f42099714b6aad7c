"""auth + redis: the login and password-reset limits are counted in Redis, so every
web process shares them. Applied by Aegis whenever both are present."""

from aegis.sdk import Import, Options, Pack, ReplaceValue, anchors

LIMITS = "app/services/auth/limits.py"

README = """\
### Auth with Redis

The login and password-reset rate limits are counted in Redis (keys
`auth:rate:*`, expiring with their window), so every web process and replica
shares them. If Redis cannot be reached, requests are let through and the error
is logged; the `redis` health check reports the outage.
"""


def edits(options: Options) -> anchors.Declarations:
    return [
        Import(LIMITS, "app.services.auth.redis_rate_limit", "redis_rate_limiter"),
        ReplaceValue(LIMITS, "RATE_LIMITER_FACTORY", "memory_rate_limiter", "redis_rate_limiter"),
        anchors.readme(README),
    ]


PACK = Pack(
    name="auth_redis",
    kind="integration",
    summary="Auth rate limits counted in Redis, shared by every web process",
    integrates=("auth", "redis"),
    edits=edits,
)
