"""Database queries as spans of the current trace, for every SQLAlchemy engine.

SQLAlchemy's own events, listened to on the `Engine` class, reach every engine (made
before or after). OpenTelemetry's SQLAlchemy instrumentation only sees engines made
through `sqlalchemy.create_engine` after it runs, and stops before SQLAlchemy 2.1.
"""

from typing import Any

from opentelemetry import trace
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext

from app.core.telemetry import get_tracer

SPAN = "_otel_span"


def _before(
    conn: Connection, cursor: Any, statement: str, *args: Any, **kwargs: Any
) -> None:
    operation = statement.split(maxsplit=1)[0].upper() if statement.strip() else "SQL"
    span = get_tracer(__name__).start_span(operation, kind=trace.SpanKind.CLIENT)
    span.set_attribute("db.system", conn.engine.dialect.name)
    span.set_attribute("db.statement", statement)
    conn.info.setdefault(SPAN, []).append(span)


def _after(conn: Connection, *args: Any, **kwargs: Any) -> None:
    spans = conn.info.get(SPAN)
    if spans:
        spans.pop().end()


def _failed(context: ExceptionContext) -> None:
    spans = context.connection.info.get(SPAN) if context.connection else None
    if spans:
        span = spans.pop()
        span.set_status(trace.StatusCode.ERROR, repr(context.original_exception))
        span.end()


def instrument_database() -> None:
    """Trace the queries of every engine (once per process)."""
    if not event.contains(Engine, "before_cursor_execute", _before):
        event.listen(Engine, "before_cursor_execute", _before)
        event.listen(Engine, "after_cursor_execute", _after)
        event.listen(Engine, "handle_error", _failed)
