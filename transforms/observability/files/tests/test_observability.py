"""Telemetry: every request traced (an in-memory span exporter) and continued from the
caller's trace, JSON log lines with the trace id, `/metrics` read with Prometheus's own
parser, and spans sent by OTLP to a real HTTP receiver when one is configured."""

import io
import json
import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families
from pythonjsonlogger.json import JsonFormatter

from app.components.backend.main import create_app
from app.components.backend.observability import instrument_app
from app.core.bootstrap import BOOTSTRAP_HOOKS
from app.core.json_logs import TraceContext, configure_json_logs, json_formatter
from app.core.metrics import start_metrics_server, stop_metrics_server
from app.core.telemetry import build_tracer_provider, get_tracer, init_tracing

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{CALLER_TRACE}-00f067aa0ba902b7-01"

Samples = dict[tuple[str, ...], float]
SetEnv = Callable[..., None]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    """Every span this process ends from now on."""
    init_tracing("web")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def metrics_url() -> Iterator[str]:
    """This process's `/metrics`, served on a free port."""
    port = start_metrics_server(free_port())
    assert port is not None
    yield f"http://127.0.0.1:{port}/metrics"
    stop_metrics_server()


def scrape(url: str, family: str, sample: str, *labels: str) -> Samples:
    """The values of one sample of a metric family, by the given labels."""
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    found: Samples = {}
    for metrics in text_string_to_metric_families(text):
        if metrics.name == family:
            for point in metrics.samples:
                if point.name == sample:
                    key = tuple(point.labels.get(label, "") for label in labels)
                    found[key] = found.get(key, 0.0) + point.value
    return found


def example_app() -> FastAPI:
    app = FastAPI()

    @app.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        if item_id == 0:
            raise HTTPException(404, "no item 0")
        return {"id": item_id}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    instrument_app(app)
    return app


def test_the_app_traces_every_request_continuing_the_callers_trace(
    spans: InMemorySpanExporter,
) -> None:
    spans.clear()
    client = TestClient(create_app())
    client.get("/no-such-page", headers={"traceparent": TRACEPARENT})
    server = [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert len(server) == 1
    assert server[0].context is not None
    assert format(server[0].context.trace_id, "032x") == CALLER_TRACE
    attributes = server[0].attributes or {}
    # the older or the newer semantic conventions, whichever the instrumentation uses
    status = attributes.get("http.response.status_code")
    assert (status or attributes.get("http.status_code")) == 404


def test_a_span_names_the_route_and_an_error_marks_it(
    spans: InMemorySpanExporter,
) -> None:
    spans.clear()
    client = TestClient(example_app(), raise_server_exceptions=False)
    assert client.get("/items/3").status_code == 200
    assert client.get("/boom").status_code == 500
    server = {
        s.name: s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER
    }
    assert set(server) == {"GET /items/{item_id}", "GET /boom"}
    assert server["GET /items/{item_id}"].status.status_code is trace.StatusCode.UNSET
    assert server["GET /boom"].status.status_code is trace.StatusCode.ERROR


def test_probes_are_neither_traced_nor_counted(
    spans: InMemorySpanExporter, metrics_url: str
) -> None:
    spans.clear()
    app = FastAPI()

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "alive"}

    instrument_app(app)
    TestClient(app).get("/health/live")
    assert spans.get_finished_spans() == ()
    counted = scrape(metrics_url, "http_requests", "http_requests_total", "handler")
    assert ("/health/live",) not in counted


def test_metrics_count_requests_errors_and_latency_by_route(metrics_url: str) -> None:
    labels = ("handler", "status")
    before = scrape(metrics_url, "http_requests", "http_requests_total", *labels)
    client = TestClient(example_app(), raise_server_exceptions=False)
    for item_id in (1, 2, 0):
        client.get(f"/items/{item_id}")
    client.get("/boom")
    after = scrape(metrics_url, "http_requests", "http_requests_total", *labels)

    def grew(*key: str) -> float:
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert grew("/items/{item_id}", "2xx") == 2
    assert grew("/items/{item_id}", "4xx") == 1
    assert grew("/boom", "5xx") == 1
    count = scrape(
        metrics_url,
        "http_request_duration_seconds",
        "http_request_duration_seconds_count",
        "handler",
    )
    assert count[("/items/{item_id}",)] >= 3
    buckets = scrape(
        metrics_url,
        "http_request_duration_seconds",
        "http_request_duration_seconds_bucket",
        "handler",
        "le",
    )
    assert buckets[("/items/{item_id}", "+Inf")] == count[("/items/{item_id}",)]


def test_a_taken_metrics_port_is_a_warning_not_a_crash(
    metrics_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    port = int(metrics_url.split(":")[2].split("/")[0])
    stop_metrics_server()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        assert start_metrics_server(port) is None
    assert "metrics not served" in caplog.text


def test_stopping_the_metrics_server_does_not_wait_for_its_poll() -> None:
    """A web app's shutdown (every reload of `dev`) stops the metrics server: at once,
    not after a half-second poll of its serving loop."""
    durations = []
    for _ in range(3):
        port = start_metrics_server(free_port())
        assert port is not None
        started = time.monotonic()
        stop_metrics_server()
        durations.append(time.monotonic() - started)
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0
    assert min(durations) < 0.25, durations


def test_log_lines_are_json_with_the_trace_id(spans: InMemorySpanExporter) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(TraceContext())
    logger = logging.getLogger("tests.json_logs")
    logger.addHandler(handler)
    try:
        with get_tracer(__name__).start_as_current_span("work") as span:
            logger.warning("inside %s", "work", extra={"order": 7})
        logger.warning("outside")
    finally:
        logger.removeHandler(handler)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    context = span.get_span_context()
    assert inside["trace_id"] == format(context.trace_id, "032x")
    assert inside["span_id"] == format(context.span_id, "016x")
    assert (inside["message"], inside["level"]) == ("inside work", "WARNING")
    assert inside["order"] == 7
    assert inside["logger"] == "tests.json_logs" and "time" in inside
    assert "trace_id" not in outside


def test_every_process_logs_json_by_default() -> None:
    assert configure_json_logs in BOOTSTRAP_HOOKS
    root = logging.getLogger()
    added = not root.handlers
    if added:
        root.addHandler(logging.StreamHandler())
    try:
        configure_json_logs()
        assert all(isinstance(h.formatter, JsonFormatter) for h in root.handlers)
    finally:
        if added:
            root.handlers.clear()


def test_spans_go_to_the_otlp_endpoint_when_one_is_set(set_env: SetEnv) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[tuple[str, bytes]] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["content-length"])
            received.append((self.path, self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        set_env(otel_exporter_otlp_endpoint=f"http://127.0.0.1:{server.server_port}")
        provider = build_tracer_provider("test")
        with provider.get_tracer(__name__).start_as_current_span("exported"):
            pass
        assert provider.force_flush(timeout_millis=10_000)
        provider.shutdown()
    finally:
        server.shutdown()
        server.server_close()
    assert [path for path, _ in received] == ["/v1/traces"]
    request = ExportTraceServiceRequest.FromString(received[0][1])
    names = [
        span.name
        for resource in request.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    assert names == ["exported"]


def test_without_an_endpoint_no_span_leaves_the_process() -> None:
    provider = build_tracer_provider("test")
    assert provider._active_span_processor._span_processors == ()
