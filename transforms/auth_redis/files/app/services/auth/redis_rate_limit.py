"""Rate limits counted in Redis: one fixed-window counter per key, shared by every
process of the service."""

import logging
import math

from redis.exceptions import RedisError

from app.core.redis import get_redis
from app.services.auth.rate_limit import RateLimiter

logger = logging.getLogger(__name__)

KEY_PREFIX = "auth:rate:"


class RedisRateLimiter:
    """Counts attempts with INCR on a key that expires with its window."""

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        """Count one attempt; when Redis is down, let it through (and log it)."""
        name = f"{KEY_PREFIX}{key}"
        try:
            async with get_redis().pipeline(transaction=True) as pipe:
                pipe.set(name, 0, ex=window_seconds, nx=True)
                pipe.incr(name)
                pipe.pttl(name)
                _, count, ttl_ms = await pipe.execute()
        except (RedisError, OSError) as error:
            logger.error("rate limit not enforced, Redis unreachable: %s", error)
            return None
        if int(count) > limit:
            return max(1, math.ceil(int(ttl_ms) / 1000))
        return None


def redis_rate_limiter() -> RateLimiter:
    """Counts in Redis: right for several web processes."""
    return RedisRateLimiter()
