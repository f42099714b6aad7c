"""observability: OpenTelemetry traces, Prometheus metrics and JSON logs.

Every request is traced (continuing the caller's `traceparent`) and exported by OTLP when
`OTEL_EXPORTER_OTLP_ENDPOINT` is set; every process serves Prometheus metrics at
`/metrics` on a port of its own (`METRICS_PORT`); every log line is a JSON object with
the trace id. Integrations add what the other packs do: the worker's jobs (traced from
the request that enqueued them, durations, failures, queue depth), the scheduler's job
runs, the cache's hit ratio, database and Redis calls.
"""

from aegis.sdk import Options, Pack, Setting, anchors

SETTINGS = (
    Setting(
        "log_format",
        "json",
        "Log lines as `json` (one object per line, with the trace id) or `text`.",
    ),
    Setting(
        "metrics_port",
        9464,
        "Port on which each process serves its Prometheus metrics at /metrics (0: none); "
        "not the app's port, so only what reaches the pod (Prometheus) can read them.",
    ),
    Setting(
        "otel_service_name",
        "",
        "Service name of the traces (empty: the app's name).",
    ),
    Setting(
        "otel_exporter_otlp_endpoint",
        "",
        "OTLP/HTTP endpoint the traces are sent to, e.g. http://otel-collector:4318 "
        "(empty: none leave the process).",
    ),
)

README = """\
### Observability

- **Traces** (OpenTelemetry): every request, continued from the caller's
  `traceparent` (`app/components/backend/observability.py`), and what the other
  components do (database queries, Redis calls, worker jobs, continued from the request
  that enqueued them). Set `OTEL_EXPORTER_OTLP_ENDPOINT` (e.g.
  `http://otel-collector:4318`) to export them by OTLP/HTTP; unset, none leave the
  process.
- **Metrics** (Prometheus): each process serves its own at
  `http://<host>:9464/metrics` (`METRICS_PORT`), a port of its own that no public
  route reaches: `http_requests_total` (by route, method and status class: rate and
  errors), `http_request_duration_seconds` (latency histogram), and the components'
  (`worker_queue_depth`, `worker_jobs_total`, `worker_job_duration_seconds`,
  `scheduler_job_runs_total`, `cache_hit_ratio`, ...). In `make dev` only the first
  process gets the port; set `METRICS_PORT` per process to read the others.
- **Logs**: one JSON object per line (`LOG_FORMAT=json`, the default; `text` for
  the plain format), with `trace_id` and `span_id` inside a trace."""


def edits(options: Options) -> anchors.Declarations:
    return [
        anchors.dependency("opentelemetry-sdk>=1.30"),
        anchors.dependency("opentelemetry-exporter-otlp-proto-http>=1.30"),
        anchors.dependency("opentelemetry-instrumentation-fastapi>=0.51b0"),
        anchors.dependency("prometheus-client>=0.21"),
        anchors.dependency("prometheus-fastapi-instrumentator>=7.0"),
        anchors.dependency("python-json-logger>=3.1"),
        anchors.settings(*SETTINGS, title="Observability"),
        anchors.bootstrap_hook("app.core.json_logs", "configure_json_logs"),
        anchors.app_hook("app.components.backend.observability", "instrument_app"),
        anchors.startup_hook("app.core.metrics", "serve_metrics"),
        anchors.shutdown_hook("app.core.metrics", "stop_metrics"),
        anchors.readme(README),
    ]


PACK = Pack(
    name="observability",
    kind="component",
    summary="OpenTelemetry traces (OTLP when configured), Prometheus /metrics, JSON logs",
    edits=edits,
)
