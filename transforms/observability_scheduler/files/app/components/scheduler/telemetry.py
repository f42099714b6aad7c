"""The scheduler's telemetry: its metrics server and `scheduler_job_runs_total`, every
run of every job by outcome (succeeded, failed, or missed when it could not run on
time)."""

from apscheduler.events import (  # type: ignore[import-untyped]
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobEvent,
    JobExecutionEvent,
)
from prometheus_client import Counter

from app.core.metrics import start_metrics_server
from app.core.telemetry import init_tracing

JOB_RUN_EVENTS = EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED

JOB_RUNS = Counter(
    "scheduler_job_runs",
    "Runs of the scheduler's jobs, by job and status (succeeded, failed, missed).",
    ["job", "status"],
)


def count_job_run(event: JobEvent) -> None:
    """APScheduler listener: count one run of a job."""
    if event.code == EVENT_JOB_MISSED:
        status = "missed"
    elif isinstance(event, JobExecutionEvent) and event.exception is not None:
        status = "failed"
    else:
        status = "succeeded"
    JOB_RUNS.labels(event.job_id, status).inc()


def start_scheduler_telemetry() -> None:
    """Before the scheduler runs: its traces and its metrics server."""
    init_tracing("scheduler")
    start_metrics_server()
