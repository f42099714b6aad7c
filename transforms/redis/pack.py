"""redis: a shared async Redis client, a PING health check and the compose service.

The worker and cache packs build on it.
"""

from aegis.sdk import Options, Pack, Setting, anchors

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

CI_REDIS = {
    "image": "redis:7-alpine",
    "ports": ["6379:6379"],
    "options": '--health-cmd "redis-cli ping" --health-interval 2s --health-retries 15',
}

README = """\
### Redis

A shared async client (`app.core.redis.get_redis()`), closed at shutdown, and a `redis`
health check that PINGs the server; `/health/ready` is 503 while Redis is unreachable,
and so is every endpoint that needs it (with the reason and `Retry-After`), until
it is back: nothing needs a restart. Set `REDIS_URL` (default `redis://localhost:6379/0`);
in compose every app service uses the `redis` service. Start one locally with
`docker compose up -d redis` or `redis-server`."""


def edits(options: Options) -> anchors.Declarations:
    return [
        anchors.dependency("redis>=5.2,<6"),
        anchors.settings(
            Setting(
                "redis_url",
                "redis://localhost:6379/0",
                "URL of the Redis server (compose sets the `redis` service's).",
            ),
            title="Redis",
        ),
        anchors.health_check("app.core.redis", "check_redis"),
        anchors.readiness_check("app.core.redis", "check_redis_ready"),
        anchors.app_hook("app.core.redis", "answer_redis_unavailable"),
        anchors.shutdown_hook("app.core.redis", "close_redis"),
        anchors.compose_service("redis", REDIS_SERVICE),
        anchors.compose_volume("redis-data"),
        anchors.app_environment("REDIS_URL", "redis://redis:6379/0"),
        anchors.app_depends_on("redis"),
        anchors.ci_service("redis", CI_REDIS),
        anchors.readme(README),
    ]


PACK = Pack(
    name="redis",
    kind="component",
    summary="Redis connection, PING health check and compose service",
    edits=edits,
)
