"""The `cache` component: a typed Redis cache with a decorator, stats and a health check.

`app/core/cache.py` holds `Cache` and the project's `cache`: get/set/delete with a
TTL, `@cache.cached(...)` for async functions (keys from the arguments, pydantic
models stored as JSON), explicit invalidation, hit/miss/error counts, and a fall
through to the real work when Redis is down. `cache stats` / `cache clear` on the
command line; the `cache` health check reports an outage as a warning.
"""

from aegis.sdk import Options, Pack, Setting, anchors

MAKEFILE = """\
.PHONY: cache-stats cache-clear

cache-stats: ## Show the cache's keys, hits and misses
\t$(PYTHON) -m app cache stats

cache-clear: ## Delete every key under the cache's prefix
\t$(PYTHON) -m app cache clear --yes"""

README = """\
### Cache

A typed cache on Redis in `app/core/cache.py`, values stored as JSON (pydantic
models included):

```python
from app.core.cache import cache


@cache.cached(ttl=60)  # key from the function and its arguments
async def get_report(day: date) -> Report: ...


@cache.cached(key="user:{user_id}")  # or a key template
async def get_user(user_id: int) -> User: ...


await get_user.invalidate(42)  # explicit invalidation
await cache.set("greeting", "hi", ttl=10)
await cache.get("greeting")
```

When Redis is down, decorated functions still run (uncached) and Redis is skipped for
`CACHE_RETRY_SECONDS`. The `cache` health check reports the hit ratio, and an
outage as a warning. `python -m app cache stats` shows keys, hits and misses;
`python -m app cache clear` deletes only keys under `CACHE_PREFIX`."""


def edits(options: Options) -> anchors.Declarations:
    return [
        anchors.settings(
            Setting("cache_prefix", "cache:", "Every key of the cache starts with this prefix."),
            Setting("cache_default_ttl", 300.0, "Seconds a value is kept when no TTL is given."),
            Setting(
                "cache_retry_seconds",
                5.0,
                "After a Redis error, how long calls skip Redis (seconds).",
            ),
            title="Cache",
        ),
        anchors.health_check("app.core.cache", "check_cache"),
        anchors.cli_group("app.cli.cache", "cache_app"),
        anchors.makefile(MAKEFILE),
        anchors.readme(README),
    ]


PACK = Pack(
    name="cache",
    kind="component",
    summary="Typed Redis cache: decorator, TTL, invalidation, stats, fall-through",
    requires=("redis",),
    edits=edits,
)
