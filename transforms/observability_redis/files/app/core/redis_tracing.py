"""Redis commands as spans: every Redis client of the web process is traced."""

from opentelemetry.instrumentation.redis import RedisInstrumentor


def instrument_redis() -> None:
    """Trace the commands of every Redis client (the web process only: a worker's
    polling would drown its traces)."""
    instrumentor = RedisInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()
