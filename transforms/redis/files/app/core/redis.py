"""The shared Redis client: made on first use, closed at shutdown, checked by PING."""

import asyncio

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.config import get_settings
from app.core.health import CheckResult, Status

_client: Redis | None = None
_client_loop: asyncio.AbstractEventLoop | None = None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def get_redis() -> Redis:
    """The client for `REDIS_URL` (responses decoded to `str`).

    One client per event loop: connections belong to the loop that opened them, so
    a new loop (another `asyncio.run`, a test) gets a client of its own.
    """
    global _client, _client_loop
    loop = _running_loop()
    if _client is None or _client_loop is not loop:
        _client = Redis.from_url(
            get_settings().redis_url,
            decode_responses=True,
            socket_connect_timeout=2,
            socket_timeout=2,
        )
        _client_loop = loop
    return _client


async def close_redis() -> None:
    """Close the client's connections; the next `get_redis()` opens new ones."""
    global _client, _client_loop
    client, loop = _client, _client_loop
    _client = _client_loop = None
    if client is not None and loop is _running_loop():
        await client.aclose()


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
