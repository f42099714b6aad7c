"""The cache against a real Redis (database 11, emptied around every test)."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
import redis
from pydantic import BaseModel
from redis.asyncio import Redis
from typer.testing import CliRunner

from app.cli.main import app as cli
from app.components.backend.main import create_app
from app.core.cache import Cache, cache, check_cache
from app.core.health import Status
from app.core.redis import close_redis
from tests.operations import OPERATOR_HEADERS
from tests.redis_test_db import claim, claim_sync, own_redis_url

CACHE_REDIS_URL = own_redis_url("TEST_CACHE_REDIS_URL", 11)

SetEnv = Callable[..., None]


class Item(BaseModel):
    name: str
    price: float


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
async def db() -> AsyncIterator[Redis]:
    """A client of the test database, empty before the test and emptied after."""
    connection = Redis.from_url(CACHE_REDIS_URL)
    await claim(connection, CACHE_REDIS_URL)
    yield connection
    await connection.flushdb()
    await connection.aclose()


@pytest.fixture
def local_cache(db: Redis) -> Cache:
    """A cache of its own on the test database, retrying Redis at once."""
    return Cache(prefix="test:", default_ttl=60, retry_seconds=0, client=db)


@pytest.fixture
async def project_cache(set_env: SetEnv, db: Redis) -> AsyncIterator[Cache]:
    """The project's own `cache`, pointed at the test database."""
    set_env(redis_url=CACHE_REDIS_URL)
    yield cache
    await close_redis()


async def test_set_get_delete_round_trip(local_cache: Cache, db: Redis) -> None:
    assert await local_cache.set("item", Item(name="pen", price=1.5), ttl=30)
    assert await local_cache.get("item", Item) == Item(name="pen", price=1.5)
    assert await local_cache.get("item") == {"name": "pen", "price": 1.5}
    assert 0 < await db.ttl("test:item") <= 30
    assert await local_cache.delete("item") == 1
    assert await local_cache.get("item", Item) is None
    assert local_cache.stats.hits == 2
    assert local_cache.stats.misses == 1


async def test_a_value_that_no_longer_fits_is_a_miss(local_cache: Cache) -> None:
    await local_cache.set("item", {"name": "pen"})
    assert await local_cache.get("item", Item) is None


async def test_decorator_misses_then_hits(local_cache: Cache) -> None:
    calls: list[str] = []

    @local_cache.cached(ttl=30)
    async def find(name: str, price: float = 2.0) -> Item:
        calls.append(name)
        return Item(name=name, price=price)

    first = await find("pen")
    second = await find("pen")
    other = await find("pen", price=3.0)
    assert first == second == Item(name="pen", price=2.0)
    assert isinstance(second, Item)
    assert other.price == 3.0
    assert calls == ["pen", "pen"]
    assert (local_cache.stats.hits, local_cache.stats.misses) == (1, 2)
    assert await local_cache.shared_stats() == {"hits": 1, "misses": 2}
    assert find.key_for("pen") == find.key_for(name="pen", price=2.0)


async def test_entries_expire_after_their_ttl(local_cache: Cache) -> None:
    calls = 0

    @local_cache.cached(ttl=0.5)
    async def count() -> int:
        nonlocal calls
        calls += 1
        return calls

    assert await count() == 1
    assert await count() == 1
    await asyncio.sleep(0.6)
    assert await count() == 2


async def test_invalidation_recomputes_one_entry(local_cache: Cache) -> None:
    calls: list[int] = []

    @local_cache.cached(key="user:{user_id}")
    async def user(user_id: int) -> dict[str, int]:
        calls.append(user_id)
        return {"id": user_id, "version": len(calls)}

    await user(1)
    await user(2)
    assert await local_cache.keys() == ["user:1", "user:2"]
    assert await user.invalidate(1) is True
    assert await user.invalidate(1) is False
    assert await user(1) == {"id": 1, "version": 3}
    assert await user(2) == {"id": 2, "version": 2}
    assert calls == [1, 2, 1]


async def test_template_keys_cannot_collide(local_cache: Cache) -> None:
    """Arguments are encoded in a key template, so ("alice", "1:2") and
    ("alice:1", "2") are two keys, each with its own result."""

    @local_cache.cached(key="{user}:{item}")
    async def pair(user: str, item: str) -> list[str]:
        return [user, item]

    assert await pair("alice", "1:2") == ["alice", "1:2"]
    assert await pair("alice:1", "2") == ["alice:1", "2"]
    assert await pair("alice", "1:2") == ["alice", "1:2"]
    assert pair.key_for("alice", "1:2") != pair.key_for("alice:1", "2")
    assert len(await local_cache.keys()) == 2


async def test_clear_deletes_only_the_cache_prefix(
    local_cache: Cache, db: Redis
) -> None:
    await db.set("other:key", "kept")
    await db.set("test-other", "kept")
    for index in range(3):
        await local_cache.set(f"k{index}", index)
    await local_cache.get("k0")
    assert await local_cache.clear() == 4  # three values and the counters
    assert await local_cache.keys() == []
    assert sorted(await db.keys("*")) == [b"other:key", b"test-other"]


async def test_unreachable_redis_falls_through_and_counts_errors() -> None:
    down = Redis.from_url(f"redis://127.0.0.1:{closed_port()}/11")
    unreachable = Cache(prefix="test:", retry_seconds=0, client=down)
    calls = 0

    @unreachable.cached(ttl=30)
    async def double(value: int) -> int:
        nonlocal calls
        calls += 1
        return value * 2

    try:
        assert await double(4) == 8
        assert await double(4) == 8
        assert calls == 2
        assert unreachable.stats.errors == 4  # a failed get and set per call
        assert await unreachable.set("key", 1) is False
        result = await unreachable.health()
    finally:
        await down.aclose()
    assert result.status is Status.WARNING
    assert result.message.startswith("Redis unreachable")
    assert result.details["process"]["errors"] == 5


async def test_after_an_error_redis_is_skipped_for_a_while() -> None:
    down = Redis.from_url(f"redis://127.0.0.1:{closed_port()}/11")
    unreachable = Cache(prefix="test:", retry_seconds=60, client=down)

    @unreachable.cached()
    async def answer() -> int:
        return 42

    try:
        assert [await answer() for _ in range(3)] == [42, 42, 42]
    finally:
        await down.aclose()
    assert unreachable.stats.errors == 1
    assert unreachable.stats.bypassed == 5


async def test_health_check_reports_the_hit_ratio(project_cache: Cache) -> None:
    await project_cache.clear()
    assert (await check_cache()).message == "no lookups yet"
    await project_cache.set("a", 1)
    await project_cache.get("a")
    await project_cache.get("b")
    result = await check_cache()
    assert result.status is Status.HEALTHY
    assert result.message == "50% hits (2 lookups)"
    assert result.details["prefix"] == "cache:"


async def test_health_detailed_lists_the_cache(project_cache: Cache) -> None:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(
        transport=transport, base_url="http://t", headers=OPERATOR_HEADERS
    ) as api:
        body = (await api.get("/health/detailed")).json()
    check = next(check for check in body["checks"] if check["name"] == "cache")
    assert check["status"] == "healthy"


@pytest.fixture
def sync_db(set_env: SetEnv) -> Iterator[redis.Redis]:
    """The test database for CLI tests (which run their own event loop)."""
    set_env(redis_url=CACHE_REDIS_URL)
    connection = redis.Redis.from_url(CACHE_REDIS_URL)
    claim_sync(connection, CACHE_REDIS_URL)
    yield connection
    connection.flushdb()
    connection.close()


def test_cli_stats_and_clear(sync_db: redis.Redis) -> None:
    sync_db.set("cache:a", "1")
    sync_db.set("cache:b", "2")
    sync_db.hset("cache:__stats__", mapping={"hits": 3, "misses": 1})
    sync_db.set("unrelated", "kept")
    runner = CliRunner()

    stats = runner.invoke(cli, ["cache", "stats", "--json"])
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.output) == {
        "prefix": "cache:",
        "keys": 2,
        "hits": 3,
        "misses": 1,
        "hit_ratio": 0.75,
    }

    refused = runner.invoke(cli, ["cache", "clear"], input="n\n")
    assert refused.exit_code == 1
    assert sync_db.dbsize() == 4

    cleared = runner.invoke(cli, ["cache", "clear", "--yes"])
    assert cleared.exit_code == 0, cleared.output
    assert "Deleted 3 keys under 'cache:'" in cleared.output
    assert sync_db.keys("*") == [b"unrelated"]
