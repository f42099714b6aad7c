"""Connections to the queues' Redis: arq settings and the enqueueing client."""

import asyncio

from arq.connections import ArqRedis, RedisSettings

from app.core.config import get_settings

_pool: ArqRedis | None = None
_pool_loop: asyncio.AbstractEventLoop | None = None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def arq_redis_settings() -> RedisSettings:
    """arq's connection settings for `REDIS_URL`."""
    return RedisSettings.from_dsn(get_settings().redis_url)


def get_arq_pool() -> ArqRedis:
    """The client that enqueues jobs and reads their results.

    One per event loop (connections belong to the loop that opened them). It
    connects lazily: an unreachable Redis is an error of the call that needs it
    (the API answers 503). No `socket_timeout`: it makes every command pay for a
    timer (1000 enqueues take 1.5x as long), and a Redis that goes away closes
    the connection, which fails the call at once.
    """
    global _pool, _pool_loop
    loop = _running_loop()
    if _pool is None or _pool_loop is not loop:
        _pool = ArqRedis.from_url(get_settings().redis_url, socket_connect_timeout=2)
        _pool_loop = loop
    return _pool


async def close_arq_pool() -> None:
    """Close the client's connections; the next `get_arq_pool()` opens new ones."""
    global _pool, _pool_loop
    pool, loop = _pool, _pool_loop
    _pool = _pool_loop = None
    if pool is not None and loop is _running_loop():
        await pool.aclose()
