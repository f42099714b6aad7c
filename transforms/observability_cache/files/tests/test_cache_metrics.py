"""The cache's hit ratio in `/metrics` (read with Prometheus's parser), from lookups on
a real Redis (database 11, emptied around the test)."""

import socket
import urllib.request
from collections.abc import AsyncIterator, Callable

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.core.cache import cache
from app.core.cache_metrics import export_cache_metrics
from app.core.metrics import start_metrics_server, stop_metrics_server
from app.core.redis import close_redis, get_redis
from tests.redis_test_db import claim, own_redis_url

CACHE_REDIS_URL = own_redis_url("TEST_CACHE_REDIS_URL", 11)

SetEnv = Callable[..., None]


@pytest.fixture
async def metrics_url(set_env: SetEnv) -> AsyncIterator[str]:
    set_env(redis_url=CACHE_REDIS_URL)
    await claim(get_redis(), CACHE_REDIS_URL)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    export_cache_metrics()
    assert start_metrics_server(port) == port
    yield f"http://127.0.0.1:{port}/metrics"
    stop_metrics_server()
    await get_redis().flushdb()
    await close_redis()


def samples(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    return {
        point.name: point.value
        for family in text_string_to_metric_families(text)
        for point in family.samples
    }


async def test_hits_misses_and_their_ratio(metrics_url: str) -> None:
    cache.stats.hits = cache.stats.misses = 0
    assert "cache_hit_ratio" not in samples(metrics_url)
    await cache.set("greeting", "hi", ttl=30)
    for _ in range(3):
        assert await cache.get("greeting") == "hi"
    assert await cache.get("absent") is None
    found = samples(metrics_url)
    assert (found["cache_hits_total"], found["cache_misses_total"]) == (3, 1)
    assert found["cache_hit_ratio"] == 0.75
