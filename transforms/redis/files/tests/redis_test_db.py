"""The Redis databases of the test suite are used only when they start empty, so
emptying one after a test deletes only what the test wrote, never a developer's data.

A database that holds keys fails the test with what to do: point the `TEST_*REDIS_URL`
variables at an empty database, or set `TEST_REDIS_FLUSH=1` to let the suite empty it.
"""

import os
from typing import Any

import pytest
import redis

ALLOW_FLUSH = "TEST_REDIS_FLUSH"


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
