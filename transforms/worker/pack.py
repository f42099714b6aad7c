"""The `worker` component: arq queues on Redis, each consumed by its own process.

Two queues, `system` (maintenance) and `default` (application tasks), each with its
own `WorkerSettings`, compose service (`worker-system`, `worker-default`; scale with
`docker compose up --scale worker-default=3`) and Makefile target. It adds an API to
enqueue a task by name and read a job, `worker` CLI commands (run, enqueue, job,
status, load-test) and a `worker` health check covering every queue.
"""

from aegis.sdk import Options, Pack, Setting, anchors

QUEUES = ("system", "default")

SETTINGS = (
    Setting("worker_system_max_jobs", 2, "Jobs the `system` queue's worker runs at once."),
    Setting("worker_system_job_timeout", 600, "Seconds a `system` job may run."),
    Setting("worker_default_max_jobs", 10, "Jobs the `default` queue's worker runs at once."),
    Setting("worker_default_job_timeout", 300, "Seconds a `default` job may run."),
    Setting(
        "worker_poll_delay",
        0.05,
        "Seconds between polls of the queue (arq's default, 0.5, is slower to start jobs).",
    ),
    Setting("worker_keep_result", 3600, "Seconds a job's result is kept."),
    Setting(
        "worker_max_argument_bytes",
        65536,
        "Largest arguments of one job (bytes, as JSON); larger ones are refused (413).",
    ),
    Setting("worker_health_check_interval", 10, "How often a worker refreshes its health key."),
    Setting("worker_failure_window", 3600, "Health: failures are counted over this many seconds."),
    Setting("worker_queue_warning_depth", 1000, "Health: a queue this long is a warning."),
)

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
call functions of `app/services/`. Enqueue one by name and read its result (the
`/worker` API is for operators: send `OPS_TOKEN`, see "Operations" above):

```bash
curl -X POST localhost:8000/worker/tasks/text_stats -H "X-Ops-Token: $OPS_TOKEN" \\
     -H 'content-type: application/json' -d '{"kwargs": {"text": "hello world"}}'
curl -H "X-Ops-Token: $OPS_TOKEN" localhost:8000/worker/jobs/<job_id>
python -m app worker enqueue text_stats --kwargs '{"text": "hi"}' --wait 5
python -m app worker status                         # queues, workers, failures
python -m app worker load-test --jobs 1000          # jobs/s and latency
```

Arguments over `WORKER_MAX_ARGUMENT_BYTES` are refused (413), and so are values
outside a task's annotated bounds (422; `load_test`'s `work_ms` is at most 60000).

The `worker` health check reports, per queue, whether a worker is alive, the queued
jobs and the failures of the last `WORKER_FAILURE_WINDOW` seconds; a queue without a
worker is a warning, and unhealthy when `ENVIRONMENT=production`. In compose each
queue is a service (`worker-system`, `worker-default`): scale one with
`docker compose up -d --scale worker-default=3`.

Redis outages need no restart: a worker whose connection breaks reconnects with
growing delays (up to 10 s apart) and keeps running; the jobs it was running stay
queued and run again (jobs should be safe to run twice: arq delivers at least
once). While Redis is down, enqueueing and reading jobs answer 503. With Redis
persistence on (`appendonly`, as the compose service has; `--appendfsync always`
to lose nothing on a crash) no job is lost across a Redis restart.

```bash
python scripts/benchmark_worker.py   # 1000 enqueues and a worker, against raw arq
```"""


def worker_process(queue: str) -> anchors.Declaration:
    """The process of one queue; its compose service has no fixed name or port, so it
    scales."""
    module = "app.entrypoints.worker"
    healthcheck = {
        "healthcheck": {
            "test": ["CMD", "python", "-m", module, queue, "--check"],
            "interval": "30s",
            "timeout": "10s",
            "retries": 3,
            "start_period": "20s",
        },
    }
    return anchors.app_process(f"worker-{queue}", module, (queue,), healthcheck)


def edits(options: Options) -> anchors.Declarations:
    return [
        anchors.dependency("arq>=0.28"),
        anchors.settings(*SETTINGS, title="Worker (arq)"),
        anchors.health_check("app.components.worker.monitor", "check_worker"),
        anchors.shutdown_hook("app.components.worker.pool", "close_arq_pool"),
        anchors.router("app.components.backend.api.worker"),
        anchors.cli_group("app.cli.worker", "worker_app"),
        *(worker_process(queue) for queue in QUEUES),
        anchors.makefile(MAKEFILE),
        anchors.readme(README),
        anchors.readme_layout(
            {
                "app/components/worker/": "arq queues and their settings; tasks in `tasks/`",
            }
        ),
    ]


PACK = Pack(
    name="worker",
    kind="component",
    summary="arq background jobs: system and default queues, enqueue API, queue health",
    requires=("redis",),
    edits=edits,
)
