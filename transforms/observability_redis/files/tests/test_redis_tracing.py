"""Redis commands of the web process are spans of the request's trace (an in-memory
span exporter, on a real Redis)."""

from collections.abc import Callable

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app.core.redis import close_redis, get_redis
from app.core.redis_tracing import instrument_redis
from app.core.telemetry import get_tracer, init_tracing
from tests.redis_test_db import own_redis_url

TEST_REDIS_URL = own_redis_url("TEST_REDIS_URL", 9)

SetEnv = Callable[..., None]


async def test_a_command_is_a_span_of_the_current_trace(set_env: SetEnv) -> None:
    set_env(redis_url=TEST_REDIS_URL)
    init_tracing("web")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrument_redis()
    await close_redis()  # a client made after the instrumentation
    try:
        with get_tracer(__name__).start_as_current_span("request") as request:
            assert await get_redis().ping()
    finally:
        await close_redis()
    pings = [s for s in exporter.get_finished_spans() if s.name == "PING"]
    assert len(pings) == 1 and pings[0].context is not None
    assert pings[0].context.trace_id == request.get_span_context().trace_id
