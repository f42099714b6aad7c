"""Structured logs: one JSON object per line, with the trace and span ids of the span
the line was logged in (`LOG_FORMAT=json`; `text` keeps the core's format)."""

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from app.core.config import get_settings

FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}


class TraceContext(logging.Filter):
    """Adds `trace_id` and `span_id` to records logged inside a span."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Only processes that trace have loaded OpenTelemetry (the CLI does not).
        trace = sys.modules.get("opentelemetry.trace")
        if trace is not None:
            context = trace.get_current_span().get_span_context()
            if context.is_valid:
                record.trace_id = format(context.trace_id, "032x")
                record.span_id = format(context.span_id, "016x")
        return True


def json_formatter() -> JsonFormatter:
    """The formatter of every log line."""
    return JsonFormatter(FIELDS, rename_fields=RENAMED)


def configure_json_logs() -> None:
    """Bootstrap hook: the root logger's handlers write JSON with the trace context."""
    if get_settings().log_format != "json":
        return
    for handler in logging.getLogger().handlers:
        handler.setFormatter(json_formatter())
        handler.addFilter(TraceContext())
