"""The cache's metrics, from this process's counters: `cache_hits_total`,
`cache_misses_total` and `cache_hit_ratio` (no sample before the first lookup)."""

from collections.abc import Iterator

from prometheus_client import REGISTRY
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from app.core.cache import cache


class CacheCollector(Collector):
    """Reads the project cache's hit and miss counts at each scrape."""

    def collect(self) -> Iterator[Metric]:
        hits, misses = cache.stats.hits, cache.stats.misses
        yield CounterMetricFamily("cache_hits", "Cache lookups that hit.", hits)
        yield CounterMetricFamily("cache_misses", "Cache lookups that missed.", misses)
        if hits + misses:
            ratio = hits / (hits + misses)
            yield GaugeMetricFamily("cache_hit_ratio", "Share of hits.", ratio)


_exporting = False


def export_cache_metrics() -> None:
    """Export the cache's metrics from this process (once)."""
    global _exporting
    if not _exporting:
        REGISTRY.register(CacheCollector())
        _exporting = True
