"""observability + redis: the web process traces its Redis commands."""

from aegis.sdk import Import, ListItem, Options, Pack, anchors

OBSERVABILITY = "app/components/backend/observability.py"


def edits(options: Options) -> anchors.Declarations:
    return [
        anchors.dependency("opentelemetry-instrumentation-redis>=0.51b0"),
        Import(OBSERVABILITY, "app.core.redis_tracing", "instrument_redis"),
        ListItem(OBSERVABILITY, "INSTRUMENTATIONS", "instrument_redis"),
        anchors.readme(
            "### Redis tracing\n\nThe web process's Redis commands are spans of the "
            "request that sent them\n(OpenTelemetry's Redis instrumentation)."
        ),
    ]


PACK = Pack(
    name="observability_redis",
    kind="integration",
    summary="Redis commands traced (web process)",
    integrates=("observability", "redis"),
    edits=edits,
)
