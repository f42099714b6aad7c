"""The `scheduler` component: APScheduler 3.x in its own process, jobs declared in
one module, a heartbeat-based health check and `scheduler` commands."""

from aegis.edits import (
    ComposeService,
    Dependency,
    Edit,
    ListItem,
    Statement,
    TextBlock,
    register,
)
from aegis.pack import Pack

SCHEDULER_SERVICE = {
    "build": ".",
    "command": "python -m app.entrypoints.scheduler",
    "env_file": [{"path": ".env", "required": False}],
    "healthcheck": {
        "test": ["CMD", "python", "-m", "app", "scheduler", "status"],
        "interval": "60s",
        "timeout": "10s",
        "retries": 3,
        "start_period": "20s",
    },
    "restart": "unless-stopped",
    "networks": ["backend"],
    "volumes": ["app-data:/app/data"],
}

ENV = """\
# Scheduler: the state file it writes at every heartbeat (seconds), read by the
# health check of the other processes (data/ is shared under compose)
SCHEDULER_STATE_PATH=data/scheduler-state.json
SCHEDULER_HEARTBEAT_SECONDS=30.0
"""

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
"""

CONFIG = "app/core/config.py"
CHECKS = "app/core/checks.py"
CLI = "app/cli/main.py"
PROCESSES = "app/entrypoints/processes.py"


EDITS: list[Edit] = [
    Dependency("apscheduler>=3.11,<4"),
    Statement(
        CONFIG,
        "Settings",
        'scheduler_state_path: str = "data/scheduler-state.json"',
    ),
    Statement(CONFIG, "Settings", "scheduler_heartbeat_seconds: float = 30.0"),
    *register(CHECKS, "HEALTH_CHECKS", "app.components.scheduler.health", "check_scheduler"),
    *register(CLI, "COMMAND_GROUPS", "app.cli.scheduler", "scheduler_app"),
    ListItem(PROCESSES, "DEV_PROCESSES", 'DevProcess("scheduler", "app.entrypoints.scheduler")'),
    ComposeService("scheduler", SCHEDULER_SERVICE),
    TextBlock(".env.example", ENV),
    TextBlock("Makefile", MAKEFILE),
    TextBlock("README.md", README, style="html"),
]


PACK = Pack(
    name="scheduler",
    kind="component",
    summary="APScheduler jobs in their own process, heartbeat health check",
    order=20,
    edits=EDITS,
)
