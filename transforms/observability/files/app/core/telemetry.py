"""Tracing with OpenTelemetry: one tracer provider per process.

Spans are exported by OTLP over HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (e.g.
`http://otel-collector:4318`), and stay in the process otherwise: trace ids still reach
the logs, and the jobs a request enqueues still continue its trace.
"""

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from app.core.config import get_settings

_initialised = False


def build_tracer_provider(process: str) -> TracerProvider:
    """A tracer provider for this process kind, exporting by OTLP when configured."""
    settings = get_settings()
    resource = Resource.create(
        {
            "service.name": settings.otel_service_name or settings.app_name,
            "service.instance.role": process,
            "deployment.environment.name": settings.environment,
        }
    )
    provider = TracerProvider(resource=resource)
    endpoint = settings.otel_exporter_otlp_endpoint
    if endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter,
        )

        exporter = OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def init_tracing(process: str) -> None:
    """Install this process's tracer provider (once: the first caller names it)."""
    global _initialised
    if not _initialised:
        trace.set_tracer_provider(build_tracer_provider(process))
        _initialised = True


def get_tracer(name: str) -> trace.Tracer:
    """A tracer of the project's code."""
    return trace.get_tracer(name)
