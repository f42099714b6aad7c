"""kubernetes + scheduler: the scheduler's Deployment, one pod at any time (one replica,
the Recreate strategy), live while its heartbeats arrive."""

from aegis.sdk import Options, Pack, TextBlock, YamlListItem

BASE = "deploy/kubernetes/base/kustomization.yaml"
DEPLOY_README = "deploy/kubernetes/README.md"

README = """\
## Scheduler

`base/scheduler.yaml` runs exactly one scheduler: one replica and the `Recreate`
strategy, so a rollout stops the old pod before the new one starts and no job fires
twice. Do not scale it (it has no autoscaler); `kubectl rollout restart
deployment/scheduler` restarts it. Its liveness probe runs `python -m app scheduler
status`, which fails when its heartbeats stop. The web pods do not share its data
volume, so their `scheduler` health check reports that they cannot see its state: read
the scheduler's own health with `kubectl exec deploy/scheduler -- python -m app
scheduler status`, or its metrics (`scheduler_job_runs_total`)."""


def edits(options: Options) -> list[YamlListItem | TextBlock]:
    return [
        YamlListItem(BASE, ("resources",), "scheduler.yaml"),
        TextBlock(DEPLOY_README, README, style="html"),
    ]


PACK = Pack(
    name="kubernetes_scheduler",
    kind="integration",
    summary="Exactly one scheduler pod (one replica, Recreate strategy)",
    integrates=("kubernetes", "scheduler"),
    edits=edits,
)
