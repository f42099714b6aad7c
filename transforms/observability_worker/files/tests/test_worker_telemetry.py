"""The worker's telemetry against a real Redis (database 10, emptied around every
test): a job continues the trace of the request that enqueued it, and `/metrics`
(read with Prometheus's parser) has the queues' depth and the jobs' outcomes and
durations."""

import socket
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from arq.connections import ArqRedis, RedisSettings
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families

from app.components.backend.main import create_app
from app.components.worker.jobs import enqueue
from app.components.worker.pool import close_arq_pool, get_arq_pool
from app.components.worker.queues import build_worker
from app.components.worker.telemetry import TRACE_KEY, export_queue_depth
from app.core.metrics import start_metrics_server, stop_metrics_server
from app.core.redis import close_redis
from app.core.telemetry import init_tracing
from tests.operations import OPERATOR_HEADERS
from tests.redis_test_db import claim, own_redis_url

WORKER_REDIS_URL = own_redis_url("TEST_WORKER_REDIS_URL", 10)
CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{CALLER_TRACE}-b7ad6b7169203331-01"

pytestmark = pytest.mark.filterwarnings(
    "ignore:Call to deprecated close:DeprecationWarning"
)

SetEnv = Callable[..., None]
Samples = dict[tuple[str, ...], float]


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    init_tracing("web")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def metrics_url(set_env: SetEnv) -> Iterator[str]:
    set_env(redis_url=WORKER_REDIS_URL)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    export_queue_depth()
    assert start_metrics_server(port) == port
    yield f"http://127.0.0.1:{port}/metrics"
    stop_metrics_server()


@pytest.fixture
async def pool(set_env: SetEnv) -> AsyncIterator[ArqRedis]:
    set_env(redis_url=WORKER_REDIS_URL)
    client = get_arq_pool()
    await claim(client, WORKER_REDIS_URL)
    yield client
    await client.flushdb()
    await close_arq_pool()
    await close_redis()


def scrape(url: str, sample: str, *labels: str) -> Samples:
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    return {
        tuple(point.labels[label] for label in labels): point.value
        for family in text_string_to_metric_families(text)
        for point in family.samples
        if point.name == sample
    }


async def run_burst(queue: str) -> None:
    worker = build_worker(
        queue,
        redis_settings=RedisSettings.from_dsn(WORKER_REDIS_URL),
        handle_signals=False,
        poll_delay=0.01,
        burst=True,
    )
    try:
        await worker.main()
    finally:
        await worker.close()


async def test_a_job_continues_the_trace_of_the_request_that_enqueued_it(
    pool: ArqRedis, spans: InMemorySpanExporter
) -> None:
    spans.clear()
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as api:
        response = await api.post(
            "/worker/tasks/text_stats",
            json={"kwargs": {"text": "hello world"}},
            headers={"traceparent": TRACEPARENT, **OPERATOR_HEADERS},
        )
    job_id = response.json()["job_id"]
    assert await pool.exists(TRACE_KEY + job_id)
    await run_burst("default")
    jobs = [s for s in spans.get_finished_spans() if s.kind is SpanKind.CONSUMER]
    assert [job.name for job in jobs] == ["job text_stats"]
    assert jobs[0].context is not None and jobs[0].parent is not None
    assert format(jobs[0].context.trace_id, "032x") == CALLER_TRACE
    request = [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER][0]
    assert request.context is not None
    assert jobs[0].parent.span_id == request.context.span_id
    assert not await pool.exists(TRACE_KEY + job_id)


async def test_metrics_have_the_queue_depth_and_the_jobs(
    pool: ArqRedis, metrics_url: str, spans: InMemorySpanExporter
) -> None:
    for text in ("one", "two", "   "):  # blank text fails
        await enqueue(pool, "text_stats", kwargs={"text": text})
    depth = scrape(metrics_url, "worker_queue_depth", "queue")
    assert depth == {("system",): 0, ("default",): 3}
    labels = ("queue", "task", "status")
    before = scrape(metrics_url, "worker_jobs_total", *labels)
    durations = scrape(metrics_url, "worker_job_duration_seconds_count", "task")
    await run_burst("default")
    after = scrape(metrics_url, "worker_jobs_total", *labels)
    succeeded, failed = (
        after.get(("default", "text_stats", status), 0.0)
        - before.get(("default", "text_stats", status), 0.0)
        for status in ("succeeded", "failed")
    )
    assert (succeeded, failed) == (2, 1)
    measured = scrape(metrics_url, "worker_job_duration_seconds_count", "task")
    assert measured[("text_stats",)] - durations.get(("text_stats",), 0.0) == 3
    assert scrape(metrics_url, "worker_queue_depth", "queue")[("default",)] == 0
    failures = [s for s in spans.get_finished_spans() if s.kind is SpanKind.CONSUMER]
    assert sum(s.status.status_code is trace.StatusCode.ERROR for s in failures) == 1


def test_an_unreachable_redis_leaves_the_depth_out(
    metrics_url: str, set_env: SetEnv
) -> None:
    set_env(redis_url="redis://127.0.0.1:1/0")
    assert scrape(metrics_url, "worker_queue_depth", "queue") == {}
