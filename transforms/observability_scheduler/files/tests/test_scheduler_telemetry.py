"""`scheduler_job_runs_total` counts the runs of a real scheduler's jobs by outcome, as
`/metrics` (read with Prometheus's parser) shows them."""

import asyncio
import socket
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.components.scheduler.main import create_scheduler
from app.components.scheduler.telemetry import JOB_RUN_EVENTS, count_job_run
from app.core.metrics import start_metrics_server, stop_metrics_server


def succeeds() -> None:
    """A job that works."""


def fails() -> None:
    """A job that raises."""
    raise RuntimeError("failed on purpose")


@pytest.fixture
def metrics_url() -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    assert start_metrics_server(port) == port
    yield f"http://127.0.0.1:{port}/metrics"
    stop_metrics_server()


def runs(url: str) -> dict[tuple[str, str], float]:
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    return {
        (point.labels["job"], point.labels["status"]): point.value
        for family in text_string_to_metric_families(text)
        for point in family.samples
        if point.name == "scheduler_job_runs_total"
    }


def grown(
    before: dict[tuple[str, str], float], after: dict[tuple[str, str], float]
) -> dict[tuple[str, str], float]:
    """The counts that grew since `before`, by how much."""
    return {
        key: value - before.get(key, 0.0)
        for key, value in after.items()
        if value > before.get(key, 0.0)
    }


async def test_each_run_is_counted_by_outcome(metrics_url: str) -> None:
    before = runs(metrics_url)
    scheduler = create_scheduler()
    scheduler.add_listener(count_job_run, JOB_RUN_EVENTS)
    now = datetime.now(UTC)
    for job in (succeeds, fails):
        scheduler.add_job(
            f"{__name__}:{job.__name__}", "date", run_date=now, id=f"t-{job.__name__}"
        )
    wanted = {("t-succeeds", "succeeded"), ("t-fails", "failed")}
    scheduler.start()
    try:
        # Until both runs are counted (the store may hold other jobs: the
        # persistent one is shared by the whole session).
        deadline = time.monotonic() + 15
        while not wanted <= grown(before, runs(metrics_url)).keys():
            assert time.monotonic() < deadline, runs(metrics_url)
            await asyncio.sleep(0.02)
    finally:
        scheduler.shutdown()
    counted = grown(before, runs(metrics_url))
    assert counted[("t-succeeds", "succeeded")] == 1
    assert counted[("t-fails", "failed")] == 1
