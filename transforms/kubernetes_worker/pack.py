"""kubernetes + worker: a Deployment per queue, each scaled on the depth of its queue by a
HorizontalPodAutoscaler on the external metric `worker_queue_depth`, which every worker
exports (observability) and prometheus-adapter serves to the autoscaler."""

from aegis.sdk import Options, Pack, TextBlock, YamlListItem

BASE = "deploy/kubernetes/base/kustomization.yaml"
DEPLOY_README = "deploy/kubernetes/README.md"

README = """\
## Workers

Each queue has its own Deployment (`worker-system`, `worker-default` in
`base/workers.yaml`) and its own HorizontalPodAutoscaler, on the depth of the queue:
the autoscaler keeps about 20 queued jobs per `default` pod (50 per `system` pod),
between 1 and 10 pods (2 for `system`).

arq keeps a queue in a Redis sorted set, which KEDA's Redis scaler (lists only) cannot
read, so the depth is a Prometheus metric: every worker exports
`worker_queue_depth{queue="..."}` (read from Redis at each scrape), and
[prometheus-adapter](https://github.com/kubernetes-sigs/prometheus-adapter) serves it to
the autoscaler as an external metric with this rule:

```yaml
externalRules:
  - seriesQuery: 'worker_queue_depth{namespace!=""}'
    resources:
      overrides:
        namespace: {resource: namespace}
    metricsQuery: max by (queue, namespace) (<<.Series>>{<<.LabelMatchers>>})
```

`kubectl -n <namespace> get hpa` shows each queue's depth per pod and the pods it wants.
Scale a queue by hand with `kubectl scale deployment/worker-default --replicas=N` (its
autoscaler takes over again), or change `averageValue` and `maxReplicas` in
`base/workers.yaml`."""


def edits(options: Options) -> list[YamlListItem | TextBlock]:
    return [
        YamlListItem(BASE, ("resources",), "workers.yaml"),
        TextBlock(DEPLOY_README, README, style="html"),
    ]


PACK = Pack(
    name="kubernetes_worker",
    kind="integration",
    summary="A worker Deployment per queue, autoscaled on the queue's depth",
    integrates=("kubernetes", "worker"),
    edits=edits,
)
