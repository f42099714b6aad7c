"""Connections to the queues' Redis: arq settings and the enqueueing client."""

from arq.connections import ArqRedis, RedisSettings

from app.core.config import get_settings

_pool: ArqRedis | None = None


def redis_settings() -> RedisSettings:
    """arq's connection settings for `REDIS_URL`."""
    return RedisSettings.from_dsn(get_settings().redis_url)


def get_arq_pool() -> ArqRedis:
    """The process-wide client that enqueues jobs and reads their results.

    Created on first use; it connects lazily, so an unreachable Redis shows up as an
    error of the call that needs it, not here.
    """
    global _pool
    if _pool is None:
        _pool = ArqRedis.from_url(
            get_settings().redis_url, socket_connect_timeout=2, socket_timeout=5
        )
    return _pool


async def close_arq_pool() -> None:
    """Close the client's connections; the next `get_arq_pool()` opens new ones."""
    global _pool
    if _pool is not None:
        await _pool.aclose()
        _pool = None
