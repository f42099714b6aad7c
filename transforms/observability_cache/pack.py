"""observability + cache: the web process exports the cache's hits, misses and hit
ratio."""

from aegis.sdk import Import, ListItem, Options, Pack, anchors

OBSERVABILITY = "app/components/backend/observability.py"


def edits(options: Options) -> anchors.Declarations:
    return [
        Import(OBSERVABILITY, "app.core.cache_metrics", "export_cache_metrics"),
        ListItem(OBSERVABILITY, "INSTRUMENTATIONS", "export_cache_metrics"),
        anchors.readme(
            "### Cache metrics\n\nThe web process exports `cache_hits_total`, "
            "`cache_misses_total` and\n`cache_hit_ratio` (its own lookups) on `METRICS_PORT`."
        ),
    ]


PACK = Pack(
    name="observability_cache",
    kind="integration",
    summary="Cache hits, misses and hit ratio as metrics",
    integrates=("cache", "observability"),
    edits=edits,
)
