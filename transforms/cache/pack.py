"""The `cache` component: a typed Redis cache with a decorator, stats and a health check.

`app/core/cache.py` holds `Cache` and the project's `cache`: get/set/delete with a
TTL, `@cache.cached(...)` for async functions (keys from the arguments, pydantic
models stored as JSON), explicit invalidation, hit/miss/error counts, and a fall
through to the real work when Redis is down. `cache stats` / `cache clear` on the
command line; the `cache` health check reports an outage as a warning.
"""

from aegis.edits import Edit, Statement, TextBlock, register
from aegis.pack import Pack

CONFIG = "app/core/config.py"
CHECKS = "app/core/checks.py"
CLI = "app/cli/main.py"

SETTINGS = (
    "\n# Cache: key prefix, default TTL, pause after a Redis error (seconds)\n"
    'cache_prefix: str = "cache:"',
    "cache_default_ttl: float = 300.0",
    "cache_retry_seconds: float = 5.0",
)

ENV = """\
# Cache: every key starts with the prefix; default TTL and, after a Redis error,
# how long calls skip Redis (seconds)
CACHE_PREFIX=cache:
CACHE_DEFAULT_TTL=300.0
CACHE_RETRY_SECONDS=5.0"""

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


def edits() -> list[Edit]:
    return [
        *(Statement(CONFIG, "Settings", field) for field in SETTINGS),
        *register(CHECKS, "HEALTH_CHECKS", "app.core.cache", "check_cache"),
        *register(CLI, "COMMAND_GROUPS", "app.cli.cache", "cache_app"),
        TextBlock(".env.example", ENV),
        TextBlock("Makefile", MAKEFILE),
        TextBlock("README.md", README, style="html"),
    ]


PACK = Pack(
    name="cache",
    kind="component",
    summary="Typed Redis cache: decorator, TTL, invalidation, stats, fall-through",
    order=50,
    requires=("redis",),
    edits=edits(),
)
