"""observability + database: the web process traces its database queries."""

from aegis.sdk import Import, ListItem, Options, Pack, anchors

OBSERVABILITY = "app/components/backend/observability.py"


def edits(options: Options) -> anchors.Declarations:
    return [
        Import(OBSERVABILITY, "app.core.database_tracing", "instrument_database"),
        ListItem(OBSERVABILITY, "INSTRUMENTATIONS", "instrument_database"),
        anchors.readme(
            "### Database tracing\n\nThe web process's database queries are spans of "
            "the request that made them\n(SQLAlchemy events on every engine)."
        ),
    ]


PACK = Pack(
    name="observability_database",
    kind="integration",
    summary="Database queries traced",
    integrates=("database", "observability"),
    edits=edits,
)
