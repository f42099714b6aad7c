"""The web process's telemetry: a trace of every request (continued from the caller's
`traceparent`), and the request rate, latency and errors as Prometheus metrics."""

from collections.abc import Callable

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_fastapi_instrumentator import Instrumentator, metrics

from app.core.telemetry import init_tracing

# Probes arrive every few seconds from every kubelet: they would drown the traffic.
UNMEASURED = ["/health/live", "/health/ready"]

# One set of metrics per process, shared by every app built in it (tests build many).
MEASURED = Instrumentator(excluded_handlers=UNMEASURED).add(metrics.default())

INSTRUMENTATIONS: list[Callable[[], None]] = []
"""Libraries the web process traces besides FastAPI (the database, Redis)."""


def instrument_app(app: FastAPI) -> None:
    """App hook: trace and measure every request of `app`."""
    init_tracing("web")
    for instrument in INSTRUMENTATIONS:
        instrument()
    FastAPIInstrumentor.instrument_app(app, excluded_urls=",".join(UNMEASURED))
    MEASURED.instrument(app)
