"""The shared Redis client: made on first use, closed at shutdown, checked by PING.

While Redis is unavailable, every endpoint that needs it answers 503 with a clear
body (`answer_redis_unavailable`), and the process is not ready (`check_redis_ready`).
"""

import asyncio

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.core.config import get_settings
from app.core.health import CheckResult, Status

RETRY_AFTER_SECONDS = 5

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


async def check_redis_ready() -> CheckResult:
    """Readiness: Redis answers PING."""
    try:
        await get_redis().ping()
    except (RedisError, OSError) as error:
        return CheckResult(
            name="redis",
            status=Status.UNHEALTHY,
            message=f"cannot reach Redis: {error}",
        )
    return CheckResult(name="redis", status=Status.HEALTHY, message="PONG")


async def redis_unavailable(request: Request, error: Exception) -> JSONResponse:
    """503 with the reason, for any request that needed Redis while it is down."""
    return JSONResponse(
        {"detail": f"Redis is unavailable, try again shortly: {error}"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def answer_redis_unavailable(app: FastAPI) -> None:
    """App hook: a lost Redis connection is a 503, never a 500."""
    for error in (RedisConnectionError, RedisTimeoutError):
        app.add_exception_handler(error, redis_unavailable)
