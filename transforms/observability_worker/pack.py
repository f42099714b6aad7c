"""observability + worker: each job is a span continuing the trace of the request that
enqueued it; every worker serves its metrics (`worker_queue_depth`, the metric the
Kubernetes autoscalers follow; `worker_jobs_total` by status; `worker_job_duration_seconds`)."""

from aegis.sdk import Import, ListItem, Options, Pack, Statement, anchors

ENTRYPOINT = "app/entrypoints/worker.py"
MONITOR = "app/components/worker/monitor.py"
JOBS = "app/components/worker/jobs.py"
TELEMETRY = "app.components.worker.telemetry"

README = """\
### Worker telemetry

Each job is a span (`job <task>`) in the trace of the request, or the code, that
enqueued it: the trace context travels beside the job in Redis. Each worker serves
its metrics on `METRICS_PORT`: `worker_queue_depth{queue}` (read from Redis at each
scrape), `worker_jobs_total{queue,task,status}` (succeeded or failed) and
`worker_job_duration_seconds{queue,task}`."""


def edits(options: Options) -> anchors.Declarations:
    return [
        Import(ENTRYPOINT, TELEMETRY, "start_worker_telemetry"),
        Statement(ENTRYPOINT, "run", "start_worker_telemetry(queue)", after="bootstrap()"),
        Import(MONITOR, TELEMETRY, "end_job_span"),
        Import(MONITOR, TELEMETRY, "start_job_span"),
        ListItem(MONITOR, "JOB_START_HOOKS", "start_job_span"),
        ListItem(MONITOR, "JOB_END_HOOKS", "end_job_span"),
        Import(JOBS, TELEMETRY, "carry_trace_context"),
        ListItem(JOBS, "ENQUEUE_HOOKS", "carry_trace_context"),
        anchors.readme(README),
    ]


PACK = Pack(
    name="observability_worker",
    kind="integration",
    summary="Jobs traced from their enqueuer; queue depth, job outcomes and durations",
    integrates=("observability", "worker"),
    edits=edits,
)
