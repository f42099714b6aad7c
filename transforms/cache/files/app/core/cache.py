"""A typed cache on Redis: get/set/delete with a TTL and a decorator for functions.

Values are stored as JSON (pydantic models included). Hits and misses are counted in
Redis, shared by every process; errors are counted per process. When Redis fails,
every call falls through to the real work and Redis is left alone for
`CACHE_RETRY_SECONDS`, so an outage slows nothing down.

    from app.core.cache import cache

    @cache.cached(ttl=60)
    async def get_user(user_id: int) -> User: ...

    await get_user.invalidate(42)
"""

import functools
import hashlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any, Generic, ParamSpec, TypeVar, cast, get_type_hints, overload
from urllib.parse import quote

from pydantic import TypeAdapter, ValidationError
from pydantic_core import to_json
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.config import get_settings
from app.core.health import CheckResult, Status
from app.core.redis import get_redis

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

logger = logging.getLogger(__name__)

STATS_KEY = "__stats__"
"""Hash under the prefix holding the shared `hits` and `misses` counters."""

_GET_AND_COUNT = """
local value = redis.call('GET', KEYS[1])
if value then
    redis.call('HINCRBY', KEYS[2], 'hits', 1)
else
    redis.call('HINCRBY', KEYS[2], 'misses', 1)
end
return value
"""


@dataclass
class CacheStats:
    """What this process's cache did: lookups answered, missed, failed, skipped."""

    hits: int = 0
    misses: int = 0
    errors: int = 0
    bypassed: int = 0


def key_part(value: object) -> str:
    """An argument as a part of a key template, percent-encoded so that no argument
    can make two different calls share a key (`("a:b", "c")` and `("a", "b:c")`)."""
    return quote(str(value), safe="")


def _glob_escape(text: str) -> str:
    return "".join(f"\\{char}" if char in "*?[]\\" else char for char in text)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class Cache:
    """JSON values under one key prefix of a Redis database.

    `prefix`, `default_ttl` and `retry_seconds` default to the `CACHE_*` settings and
    the client to the shared one of `app.core.redis`, all read when used.
    """

    def __init__(
        self,
        prefix: str | None = None,
        default_ttl: float | None = None,
        retry_seconds: float | None = None,
        client: Redis | None = None,
    ) -> None:
        self._prefix = prefix
        self._default_ttl = default_ttl
        self._retry_seconds = retry_seconds
        self._client = client
        self.stats = CacheStats()
        self._bypass_until = 0.0

    @property
    def prefix(self) -> str:
        """Every key of this cache starts with it; `clear()` deletes only those."""
        return self._prefix if self._prefix is not None else get_settings().cache_prefix

    @property
    def default_ttl(self) -> float:
        """Seconds a value lives when `set` or `cached` is given no TTL."""
        if self._default_ttl is not None:
            return self._default_ttl
        return get_settings().cache_default_ttl

    @property
    def client(self) -> Redis:
        """The Redis client in use."""
        return self._client if self._client is not None else get_redis()

    def key(self, key: str) -> str:
        """The Redis key of a cache key."""
        return f"{self.prefix}{key}"

    def _available(self) -> bool:
        if time.monotonic() < self._bypass_until:
            self.stats.bypassed += 1
            return False
        return True

    def _failed(self, action: str, error: Exception) -> None:
        self.stats.errors += 1
        retry = (
            self._retry_seconds
            if self._retry_seconds is not None
            else get_settings().cache_retry_seconds
        )
        self._bypass_until = time.monotonic() + retry
        logger.warning(
            "cache %s failed, bypassing Redis for %g s: %s", action, retry, error
        )

    async def get_raw(self, key: str) -> bytes | str | None:
        """The stored JSON of `key`; `None` on a miss or when Redis fails."""
        if not self._available():
            return None
        client = self.client
        script = client.register_script(_GET_AND_COUNT)
        try:
            raw: bytes | str | None = await script(
                keys=[self.key(key), self.key(STATS_KEY)], client=client
            )
        except (RedisError, OSError) as error:
            self._failed("get", error)
            return None
        if raw is None:
            self.stats.misses += 1
        else:
            self.stats.hits += 1
        return raw

    async def set_raw(
        self, key: str, raw: bytes | str, ttl: float | None = None
    ) -> bool:
        """Store JSON under `key` for `ttl` seconds; `False` when Redis fails."""
        seconds = self.default_ttl if ttl is None else ttl
        if seconds <= 0:
            raise ValueError("a cache TTL must be positive")
        if not self._available():
            return False
        try:
            await self.client.set(self.key(key), raw, px=int(seconds * 1000))
        except (RedisError, OSError) as error:
            self._failed("set", error)
            return False
        return True

    @overload
    async def get(self, key: str) -> Any: ...

    @overload
    async def get(self, key: str, type_: type[T]) -> T | None: ...

    async def get(self, key: str, type_: Any = Any) -> Any:
        """The value of `key`, validated as `type_` (e.g. a pydantic model); `None`
        on a miss, when Redis fails, or when the stored value does not fit."""
        raw = await self.get_raw(key)
        if raw is None:
            return None
        try:
            return TypeAdapter(type_).validate_json(raw)
        except ValidationError:
            logger.warning("cache value of %r does not fit %r", key, type_)
            return None

    async def set(self, key: str, value: Any, ttl: float | None = None) -> bool:
        """Store `value` (anything pydantic can dump to JSON) for `ttl` seconds."""
        return await self.set_raw(key, to_json(value), ttl)

    async def delete(self, *keys: str) -> int:
        """Delete keys; returns how many existed (0 when Redis fails)."""
        if not keys or not self._available():
            return 0
        try:
            deleted: int = await self.client.delete(*(self.key(key) for key in keys))
        except (RedisError, OSError) as error:
            self._failed("delete", error)
            return 0
        return deleted

    async def invalidate(self, key: str) -> bool:
        """Drop one entry so the next lookup recomputes it; `True` if it existed."""
        return await self.delete(key) > 0

    async def keys(self) -> list[str]:
        """Every cache key under the prefix (without it), stats excluded."""
        pattern = f"{_glob_escape(self.prefix)}*"
        found = [
            _text(key).removeprefix(self.prefix)
            async for key in self.client.scan_iter(match=pattern, count=500)
        ]
        return sorted(key for key in found if key != STATS_KEY)

    async def clear(self) -> int:
        """Delete every key under the prefix (and the shared counters), nothing else.

        Never FLUSHDB: other data in the same database is left alone.
        """
        pattern = f"{_glob_escape(self.prefix)}*"
        deleted = 0
        batch: list[bytes | str] = []
        async for key in self.client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) == 500:
                deleted += await self.client.unlink(*batch)
                batch = []
        if batch:
            deleted += await self.client.unlink(*batch)
        return deleted

    async def shared_stats(self) -> dict[str, int]:
        """Hits and misses of every process since the last `clear()`."""
        # redis-py types hgetall for its sync and async clients at once
        reply = self.client.hgetall(self.key(STATS_KEY))
        counters = await cast(Awaitable[dict[bytes, bytes]], reply)
        values = {_text(name): int(count) for name, count in counters.items()}
        return {"hits": values.get("hits", 0), "misses": values.get("misses", 0)}

    async def health(self) -> CheckResult:
        """PING Redis; report the shared hit ratio and this process's errors.

        An unreachable Redis is a `warning`: cached functions still work, uncached.
        """
        details: dict[str, Any] = {"prefix": self.prefix, "process": asdict(self.stats)}
        try:
            await self.client.ping()
            shared = await self.shared_stats()
        except (RedisError, OSError) as error:
            return CheckResult(
                name="cache",
                status=Status.WARNING,
                message=f"Redis unreachable, calls bypass the cache: {error}",
                details=details,
            )
        self._bypass_until = 0.0
        lookups = shared["hits"] + shared["misses"]
        message = (
            f"{shared['hits'] / lookups:.0%} hits ({lookups} lookups)"
            if lookups
            else "no lookups yet"
        )
        return CheckResult(
            name="cache",
            status=Status.HEALTHY,
            message=message,
            details={**details, **shared},
        )

    def cached(
        self, ttl: float | None = None, key: str | None = None
    ) -> Callable[[Callable[P, Awaitable[R]]], "CachedFunction[P, R]"]:
        """Decorate an async function so its results are cached for `ttl` seconds.

        The key is built from the function's name and its arguments (JSON, hashed),
        or from `key`, a template such as `"user:{user_id}"` formatted with them.
        The return annotation says how cached JSON is read back (models included).
        """

        def decorate(function: Callable[P, Awaitable[R]]) -> CachedFunction[P, R]:
            return CachedFunction(self, function, ttl, key)

        return decorate


class CachedFunction(Generic[P, R]):
    """An async function whose results are cached; see `Cache.cached`."""

    def __init__(
        self,
        cache: Cache,
        function: Callable[P, Awaitable[R]],
        ttl: float | None,
        key: str | None,
    ) -> None:
        self.cache = cache
        self.function = function
        self.ttl = ttl
        self.key_template = key
        self.name = f"{function.__module__}.{function.__qualname__}"
        self._signature = inspect.signature(function)
        returns = get_type_hints(function).get("return", Any)
        self._adapter: TypeAdapter[R] = TypeAdapter(returns)
        functools.update_wrapper(self, function)

    def key_for(self, *args: P.args, **kwargs: P.kwargs) -> str:
        """The cache key of a call with these arguments."""
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        if self.key_template is not None:
            return self.key_template.format(
                **{name: key_part(value) for name, value in bound.arguments.items()}
            )
        digest = hashlib.sha256(to_json(bound.arguments)).hexdigest()[:32]
        return f"fn:{self.name}:{digest}"

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        key = self.key_for(*args, **kwargs)
        raw = await self.cache.get_raw(key)
        if raw is not None:
            try:
                return self._adapter.validate_json(raw)
            except ValidationError:
                logger.warning("cached value of %s no longer fits, recomputing", key)
        value = await self.function(*args, **kwargs)
        await self.cache.set_raw(key, self._adapter.dump_json(value), self.ttl)
        return value

    async def invalidate(self, *args: P.args, **kwargs: P.kwargs) -> bool:
        """Forget the cached result of a call with these arguments."""
        return await self.cache.invalidate(self.key_for(*args, **kwargs))


cache = Cache()
"""The project's cache, configured by the `CACHE_*` settings."""


async def check_cache() -> CheckResult:
    """Health of the project's cache: Redis reachable, hit ratio, errors."""
    return await cache.health()
