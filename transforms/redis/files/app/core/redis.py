"""The shared Redis client: created on first use, closed at shutdown, checked by PING."""

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.config import get_settings
from app.core.health import CheckResult, Status

_client: Redis | None = None


def get_redis() -> Redis:
    """The process-wide client for `REDIS_URL` (responses decoded to `str`)."""
    global _client
    if _client is None:
        _client = Redis.from_url(
            get_settings().redis_url,
            decode_responses=True,
            socket_connect_timeout=2,
            socket_timeout=2,
        )
    return _client


async def close_redis() -> None:
    """Close the client's connections; the next `get_redis()` opens new ones."""
    global _client
    if _client is not None:
        await _client.aclose()
        _client = None


async def check_redis() -> CheckResult:
    """PING the server and report its version and memory use."""
    client = get_redis()
    try:
        await client.ping()
        info = await client.info()
    except (RedisError, OSError) as error:
        return CheckResult(
            name="redis",
            status=Status.UNHEALTHY,
            message=f"cannot reach Redis: {error}",
        )
    return CheckResult(
        name="redis",
        status=Status.HEALTHY,
        message="PONG",
        details={
            "version": info.get("redis_version"),
            "used_memory": info.get("used_memory_human"),
            "connected_clients": info.get("connected_clients"),
        },
    )
