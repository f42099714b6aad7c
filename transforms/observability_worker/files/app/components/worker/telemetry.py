"""The worker's telemetry: each job is a span continuing the trace of the request that
enqueued it, and the worker exports its queues' depth, job durations and outcomes.

The trace context of the enqueuing code travels in Redis, beside the job (`<queue
key>:trace:<job id>`, kept as long as results are), since an arq job has no headers.
"""

import json
from collections.abc import Iterator
from typing import Any

from arq.connections import ArqRedis
from arq.jobs import JobResult
from opentelemetry import context, propagate, trace
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from redis import Redis
from redis.exceptions import RedisError

from app.components.worker.keys import QUEUE_NAMES, queue_key
from app.core.config import get_settings
from app.core.metrics import start_metrics_server
from app.core.telemetry import get_tracer, init_tracing

TRACE_KEY = "arq:trace:"
SPAN = "_telemetry_span"

JOBS = Counter(
    "worker_jobs",
    "Jobs that ended, by queue, task and status (succeeded or failed).",
    ["queue", "task", "status"],
)
JOB_DURATION = Histogram(
    "worker_job_duration_seconds",
    "How long jobs ran, by queue and task.",
    ["queue", "task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)


class QueueDepth(Collector):
    """`worker_queue_depth{queue}`: the jobs waiting in each queue, read at each scrape
    (the metric the workers' autoscalers follow)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "worker_queue_depth", "Jobs waiting in the queue.", labels=["queue"]
        )
        client = Redis.from_url(
            get_settings().redis_url, socket_connect_timeout=2, socket_timeout=2
        )
        try:
            with client.pipeline(transaction=False) as pipe:
                for queue in QUEUE_NAMES:
                    pipe.zcard(queue_key(queue))
                counts = pipe.execute()
        except RedisError:
            return  # no sample rather than a wrong one: the scrape still succeeds
        finally:
            client.close()
        for queue, count in zip(QUEUE_NAMES, counts, strict=True):
            depth.add_metric([queue], count)
        yield depth


_exporting_depth = False


def export_queue_depth() -> None:
    """Export `worker_queue_depth` from this process (once)."""
    global _exporting_depth
    if not _exporting_depth:
        REGISTRY.register(QueueDepth())
        _exporting_depth = True


def start_worker_telemetry(queue: str) -> None:
    """Before a worker runs: its traces, its metrics server, the queues' depth."""
    init_tracing(f"worker-{queue}")
    export_queue_depth()
    start_metrics_server()


async def carry_trace_context(redis: ArqRedis, job_id: str) -> None:
    """Enqueue hook: keep the current trace context for the job about to be enqueued."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    if carrier:
        ttl = get_settings().worker_keep_result
        await redis.set(TRACE_KEY + job_id, json.dumps(carrier), ex=ttl)


async def start_job_span(ctx: dict[str, Any]) -> None:
    """Job start hook: a span for the job, child of its enqueuer's, current while the
    job runs."""
    raw = await ctx["redis"].get(TRACE_KEY + ctx["job_id"])
    parent = propagate.extract(json.loads(raw)) if raw else None
    span = get_tracer(__name__).start_span(
        "job", context=parent, kind=trace.SpanKind.CONSUMER
    )
    span.set_attribute("messaging.message.id", ctx["job_id"])
    span.set_attribute("messaging.system", "arq")
    ctx[SPAN] = (span, context.attach(trace.set_span_in_context(span)))


async def end_job_span(ctx: dict[str, Any], result: JobResult | None) -> None:
    """Job end hook: count the job, measure it, end its span."""
    if result is not None:
        queue = result.queue_name.removeprefix(queue_key(""))
        status = "succeeded" if result.success else "failed"
        JOBS.labels(queue, result.function, status).inc()
        seconds = (result.finish_time - result.start_time).total_seconds()
        JOB_DURATION.labels(queue, result.function).observe(seconds)
    opened = ctx.pop(SPAN, None)
    if opened is None:
        return
    span, token = opened
    if result is not None:
        span.update_name(f"job {result.function}")
        span.set_attribute("messaging.destination.name", result.queue_name)
        if not result.success:
            span.set_status(trace.StatusCode.ERROR, repr(result.result))
    span.end()
    context.detach(token)
    await ctx["redis"].delete(TRACE_KEY + ctx["job_id"])
