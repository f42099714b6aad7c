"""The Redis databases of the test suite are used only when they start empty, so
emptying one after a test deletes only what the test wrote, never a developer's data.

A database that holds keys fails the test with what to do: point the `TEST_*REDIS_URL`
variables at an empty database, or set `TEST_REDIS_FLUSH=1` to let the suite empty it.

Run in parallel (`pytest -n`), each worker uses databases of its own: the three
databases of the `TEST_*REDIS_URL` variables, moved up by three per worker (`gw1`
uses 12, 13 and 14 instead of 9, 10 and 11), so no worker empties another's keys.
"""

import os
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

ALLOW_FLUSH = "TEST_REDIS_FLUSH"
DATABASES_PER_WORKER = 3
REDIS_DATABASES = 16  # Redis's default `databases`


def own_redis_url(variable: str, database: int) -> str:
    """The URL of `variable` (default: local Redis, `database`), on this worker's own
    database when the tests run in parallel."""
    url = urlsplit(os.environ.get(variable, f"redis://127.0.0.1:6379/{database}"))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(url.path.strip("/") or 0) + DATABASES_PER_WORKER * int(worker[2:])
    if number >= REDIS_DATABASES:
        raise RuntimeError(
            f"{variable}: worker {worker} would use Redis database {number}, and Redis "
            f"has {REDIS_DATABASES}: run fewer workers (-n) or lower the databases"
        )
    return urlunsplit(url._replace(path=f"/{number}"))


def refuse_foreign_keys(url: str, size: int) -> None:
    """Fail unless the database is empty, or emptying it was allowed."""
    if size and os.environ.get(ALLOW_FLUSH) != "1":
        pytest.fail(
            f"{url} holds {size} keys the tests did not write, and the tests empty "
            f"their database: point TEST_REDIS_URL, TEST_WORKER_REDIS_URL and "
            f"TEST_CACHE_REDIS_URL at an empty database, or set {ALLOW_FLUSH}=1",
            pytrace=False,
        )


async def claim(client: Any, url: str) -> None:
    """Use the database of an async client only if it is empty (or may be emptied)."""
    refuse_foreign_keys(url, await client.dbsize())
    await client.flushdb()


def claim_sync(client: redis.Redis, url: str) -> None:
    """`claim`, for a synchronous client."""
    refuse_foreign_keys(url, int(client.dbsize()))  # type: ignore[arg-type]
    client.flushdb()
