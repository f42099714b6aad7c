"""Queries of the web process are spans of the request's trace (an in-memory span
exporter, on the test database)."""

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import text

from app.core.database import create_database_engine
from app.core.database_tracing import instrument_database
from app.core.telemetry import get_tracer, init_tracing


def test_a_query_is_a_span_of_the_current_trace(fresh_database: str) -> None:
    init_tracing("web")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrument_database()
    engine = create_database_engine(fresh_database)
    try:
        with (
            get_tracer(__name__).start_as_current_span("request") as request,
            engine.connect() as connection,
        ):
            assert connection.execute(text("SELECT 41 + 1")).scalar() == 42
    finally:
        engine.dispose()
    queries = [s for s in exporter.get_finished_spans() if s.name != "request"]
    assert queries and all(s.parent is not None for s in queries)
    context = request.get_span_context()
    assert {s.context.trace_id for s in queries if s.context} == {context.trace_id}
    assert [s.name for s in queries] == ["SELECT"]
    assert (queries[0].attributes or {})["db.statement"] == "SELECT 41 + 1"
