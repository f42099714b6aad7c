"""The `scheduler` component: APScheduler 3.x in its own process, jobs declared in
one module, a heartbeat-based health check and `scheduler` commands."""

from aegis.sdk import Options, Pack, Setting, anchors

SCHEDULER_SERVICE = {
    "healthcheck": {
        "test": ["CMD", "python", "-m", "app", "scheduler", "status"],
        "interval": "60s",
        "timeout": "10s",
        "retries": 3,
        "start_period": "20s",
    },
}

MAKEFILE = """\
.PHONY: scheduler scheduler-jobs

scheduler: ## Run the scheduler process
\t$(PYTHON) -m app scheduler run

scheduler-jobs: ## List the scheduled jobs and their next run
\t$(PYTHON) -m app scheduler jobs
"""

README = """\
### Scheduler

APScheduler (`AsyncIOScheduler`) in its own process: `python -m app scheduler run`
(`make scheduler`; the compose `scheduler` service). Jobs are declared in
`app/components/scheduler/jobs.py` (`JOBS`) and call plain functions of
`app/services/` by their `module:function` path; the example job logs a snapshot
of every health check every 5 minutes. `python -m app scheduler jobs` lists the
jobs, their triggers and their next run.

The scheduler writes its state to `SCHEDULER_STATE_PATH` at every heartbeat; the
`scheduler` health check of the web process reads it: healthy while heartbeats
arrive, unhealthy when they stop, a warning when the scheduler was never started
or was stopped. `python -m app scheduler status` shows the same.

When its job store cannot be reached at start-up (the database, with it), the
scheduler retries with growing delays (up to 10 s apart) instead of exiting; once
running, APScheduler retries a job store that goes away, and heartbeats that cannot
read the jobs are skipped (the health check then reports stale heartbeats).
"""


def edits(options: Options) -> anchors.Declarations:
    return [
        anchors.dependency("apscheduler>=3.11,<4"),
        anchors.settings(
            Setting(
                "scheduler_state_path",
                "data/scheduler-state.json",
                "The state file the scheduler writes at every heartbeat, read by the "
                "health check of the other processes (data/ is shared under compose).",
            ),
            Setting(
                "scheduler_heartbeat_seconds",
                30.0,
                "Seconds between two heartbeats of the scheduler.",
            ),
            title="Scheduler",
        ),
        anchors.health_check("app.components.scheduler.health", "check_scheduler"),
        anchors.cli_group("app.cli.scheduler", "scheduler_app"),
        anchors.app_process("scheduler", "app.entrypoints.scheduler", (), SCHEDULER_SERVICE),
        anchors.makefile(MAKEFILE),
        anchors.readme(README),
        anchors.readme_layout(
            {"app/components/scheduler/": "the scheduler: its jobs, job store and state"}
        ),
    ]


PACK = Pack(
    name="scheduler",
    kind="component",
    summary="APScheduler jobs in their own process, heartbeat health check",
    edits=edits,
)
