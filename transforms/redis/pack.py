"""redis: a shared async Redis client, a PING health check and the compose service.

The worker and cache packs build on it.
"""

from aegis.edits import (
    ComposeDependsOn,
    ComposeEnvironment,
    ComposeService,
    ComposeVolume,
    Dependency,
    Statement,
    TextBlock,
    register,
)
from aegis.pack import Pack

CHECKS = "app/core/checks.py"
LIFECYCLE = "app/components/backend/lifecycle.py"
LOCAL_URL = "redis://localhost:6379/0"
COMPOSE_URL = "redis://redis:6379/0"

REDIS_SERVICE = {
    "image": "redis:7-alpine",
    "command": "redis-server --appendonly yes",
    "healthcheck": {
        "test": ["CMD", "redis-cli", "ping"],
        "interval": "10s",
        "timeout": "3s",
        "retries": 5,
    },
    "networks": ["backend"],
    "volumes": ["redis-data:/data"],
}

README = """\
### Redis

A shared async client (`app.core.redis.get_redis()`), closed at shutdown, and a `redis`
health check that PINGs the server. Set `REDIS_URL` (default `redis://localhost:6379/0`);
in compose the `redis` service is used. Start one locally with
`docker compose up -d redis` or `redis-server`."""

PACK = Pack(
    name="redis",
    kind="component",
    summary="Redis connection, PING health check and compose service",
    order=30,
    edits=[
        Dependency("redis>=5.2,<6"),
        Statement("app/core/config.py", "Settings", f'\n# Redis\nredis_url: str = "{LOCAL_URL}"'),
        *register(CHECKS, "HEALTH_CHECKS", "app.core.redis", "check_redis"),
        *register(LIFECYCLE, "SHUTDOWN_HOOKS", "app.core.redis", "close_redis"),
        TextBlock(
            ".env.example", f"# Redis (compose uses the `redis` service)\nREDIS_URL={LOCAL_URL}"
        ),
        TextBlock("README.md", README, style="html"),
        ComposeService("redis", REDIS_SERVICE),
        ComposeVolume("redis-data"),
        ComposeDependsOn("web", "redis"),
        ComposeEnvironment("web", "REDIS_URL", COMPOSE_URL),
        ComposeDependsOn("dev", "redis"),
        ComposeEnvironment("dev", "REDIS_URL", COMPOSE_URL),
    ],
)
