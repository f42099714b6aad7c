"""The `worker` component: arq queues on Redis, each consumed by its own process.

Two queues, `system` (maintenance) and `default` (application tasks), each with its
own `WorkerSettings`, compose service (`worker-system`, `worker-default`; scale with
`docker compose up --scale worker-default=3`) and Makefile target. It adds an API to
enqueue a task by name and read a job, `worker` CLI commands (run, enqueue, job,
status, load-test) and a `worker` health check covering every queue.
"""

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

CONFIG = "app/core/config.py"
CHECKS = "app/core/checks.py"
LIFECYCLE = "app/components/backend/lifecycle.py"
ROUTING = "app/components/backend/api/routing.py"
CLI = "app/cli/main.py"
PROCESSES = "app/entrypoints/processes.py"
QUEUES = ("system", "default")

SETTINGS = (
    "\n# Worker (arq): per-queue concurrency and timeouts (seconds)\n"
    "worker_system_max_jobs: int = 2",
    "worker_system_job_timeout: int = 600",
    "worker_default_max_jobs: int = 10",
    "worker_default_job_timeout: int = 300",
    "worker_poll_delay: float = 0.05",
    "worker_keep_result: int = 3600",
    "worker_health_check_interval: int = 10",
    "worker_failure_window: int = 3600",
    "worker_queue_warning_depth: int = 1000",
)

ENV = """\
# Worker (arq): jobs run at once and job timeout (seconds), per queue
WORKER_SYSTEM_MAX_JOBS=2
WORKER_SYSTEM_JOB_TIMEOUT=600
WORKER_DEFAULT_MAX_JOBS=10
WORKER_DEFAULT_JOB_TIMEOUT=300
# Seconds between polls of the queue (arq's default is 0.5: slower to start jobs),
# seconds a job's result is kept, how often a worker refreshes its health key
WORKER_POLL_DELAY=0.05
WORKER_KEEP_RESULT=3600
WORKER_HEALTH_CHECK_INTERVAL=10
# Health: failures counted over this many seconds; queue length that warns
WORKER_FAILURE_WINDOW=3600
WORKER_QUEUE_WARNING_DEPTH=1000"""

MAKEFILE = """\
.PHONY: worker-system worker-default worker-status worker-load-test

worker-system: ## Run the worker of the system queue (maintenance tasks)
\t$(PYTHON) -m app.entrypoints.worker system

worker-default: ## Run the worker of the default queue (application tasks)
\t$(PYTHON) -m app.entrypoints.worker default

worker-status: ## Show each queue: live worker, queued jobs, recent failures
\t$(PYTHON) -m app worker status

worker-load-test: ## Enqueue 1000 jobs on a running worker, report jobs/s and latency
\t$(PYTHON) -m app worker load-test --jobs 1000"""

README = """\
### Worker

Background jobs on [arq](https://arq-docs.helpmanual.io/), in two queues: `system`
(maintenance tasks) and `default` (application tasks). Each queue has its own
`WorkerSettings` in `app/components/worker/queues.py` and its own process:

```bash
make dev                                   # with the web server and the scheduler
python -m app.entrypoints.worker default   # or one queue alone: make worker-default
```

Tasks live in `app/components/worker/tasks/<queue>.py` (listed in `TASKS`) and
call functions of `app/services/`. Enqueue one by name and read its result:

```bash
curl -X POST localhost:8000/worker/tasks/text_stats -H 'content-type: application/json' \\
     -d '{"kwargs": {"text": "hello world"}}'      # -> {"job_id": ...}
curl localhost:8000/worker/jobs/<job_id>            # status, result or error
python -m app worker enqueue text_stats --kwargs '{"text": "hi"}' --wait 5
python -m app worker status                         # queues, workers, failures
python -m app worker load-test --jobs 1000          # jobs/s and latency
```

The `worker` health check reports, per queue, whether a worker is alive, the queued
jobs and the failures of the last `WORKER_FAILURE_WINDOW` seconds; a queue without a
worker is a warning, and unhealthy when `ENVIRONMENT=production`. In compose each
queue is a service (`worker-system`, `worker-default`): scale one with
`docker compose up -d --scale worker-default=3`."""


def worker_service(queue: str) -> dict[str, object]:
    """The compose service of one queue: no fixed name or port, so it scales."""
    command = f"python -m app.entrypoints.worker {queue}"
    return {
        "build": ".",
        "command": command,
        "env_file": [{"path": ".env", "required": False}],
        "environment": {"REDIS_URL": "redis://redis:6379/0"},
        "healthcheck": {
            "test": ["CMD", *command.split(), "--check"],
            "interval": "30s",
            "timeout": "10s",
            "retries": 3,
            "start_period": "20s",
        },
        "depends_on": {"redis": {"condition": "service_healthy"}},
        "networks": ["backend"],
        "restart": "unless-stopped",
    }


def dev_process(queue: str) -> str:
    """The queue's worker in the `dev` group (`app/entrypoints/processes.py`)."""
    return f'DevProcess("worker-{queue}", "app.entrypoints.worker", ("{queue}",))'


def edits() -> list[Edit]:
    return [
        Dependency("arq>=0.28"),
        *(Statement(CONFIG, "Settings", field) for field in SETTINGS),
        *register(CHECKS, "HEALTH_CHECKS", "app.components.worker.monitor", "check_worker"),
        *register(LIFECYCLE, "SHUTDOWN_HOOKS", "app.components.worker.pool", "close_arq_pool"),
        *register(
            ROUTING, "ROUTERS", "app.components.backend.api.worker", "router", "worker_router"
        ),
        *register(CLI, "COMMAND_GROUPS", "app.cli.worker", "worker_app"),
        *(ListItem(PROCESSES, "DEV_PROCESSES", dev_process(queue)) for queue in QUEUES),
        *(ComposeService(f"worker-{queue}", worker_service(queue)) for queue in QUEUES),
        TextBlock(".env.example", ENV),
        TextBlock("Makefile", MAKEFILE),
        TextBlock("README.md", README, style="html"),
    ]


PACK = Pack(
    name="worker",
    kind="component",
    summary="arq background jobs: system and default queues, enqueue API, queue health",
    order=40,
    requires=("redis",),
    edits=edits(),
)
