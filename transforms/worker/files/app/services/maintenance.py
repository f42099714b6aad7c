"""Maintenance helpers for the Redis server the application uses."""

from typing import Any

from redis.asyncio import Redis


async def redis_report(redis: Redis) -> dict[str, Any]:
    """Server version, memory, connected clients and key count of the current db."""
    async with redis.pipeline(transaction=False) as pipe:
        pipe.info(section="server")
        pipe.info(section="memory")
        pipe.info(section="clients")
        pipe.dbsize()
        server, memory, clients, keys = await pipe.execute()
    return {
        "version": server.get("redis_version"),
        "used_memory": memory.get("used_memory_human"),
        "connected_clients": clients.get("connected_clients"),
        "keys": keys,
    }
