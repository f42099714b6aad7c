"""observability + scheduler: the scheduler process serves its metrics, among them
`scheduler_job_runs_total` (every run of every job, by outcome)."""

from aegis.sdk import Import, Options, Pack, Statement, anchors

ENTRYPOINT = "app/entrypoints/scheduler.py"
MAIN = "app/components/scheduler/main.py"
TELEMETRY = "app.components.scheduler.telemetry"

README = """\
### Scheduler telemetry

The scheduler serves its metrics on `METRICS_PORT`, among them
`scheduler_job_runs_total{job,status}`: every run of every job, `succeeded`, `failed`
or `missed` (it could not run within its grace time)."""


def edits(options: Options) -> anchors.Declarations:
    return [
        Import(ENTRYPOINT, TELEMETRY, "start_scheduler_telemetry"),
        Statement(ENTRYPOINT, "main", "start_scheduler_telemetry()", after="bootstrap()"),
        Import(MAIN, TELEMETRY, "JOB_RUN_EVENTS"),
        Import(MAIN, TELEMETRY, "count_job_run"),
        Statement(
            MAIN,
            "run_scheduler",
            "scheduler.add_listener(count_job_run, JOB_RUN_EVENTS)",
            after="register_jobs(scheduler)",
        ),
        anchors.readme(README),
    ]


PACK = Pack(
    name="observability_scheduler",
    kind="integration",
    summary="Scheduler metrics: every job run by outcome",
    integrates=("observability", "scheduler"),
    edits=edits,
)
