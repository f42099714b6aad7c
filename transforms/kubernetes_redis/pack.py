"""kubernetes + redis: the app reaches Redis by the URL of the Secret (a managed Redis
in production); the dev overlay runs one in the cluster, reachable only by the app's pods."""

from aegis.sdk import Options, Pack, TextBlock, YamlListItem

DEV = "deploy/kubernetes/overlays/dev/kustomization.yaml"
DEPLOY_README = "deploy/kubernetes/README.md"

README = """\
## Redis

The app reaches Redis by `REDIS_URL`, a key of the Secret `app-secrets` (a managed
Redis in production, e.g. `rediss://:<password>@<host>:6380/0`). The dev overlay runs
Redis in the cluster (`overlays/dev/redis.yaml`: a StatefulSet with its own volume, the
Service `redis`, and a network policy that admits only the app's pods): put
`REDIS_URL=redis://redis:6379/0` in the dev Secret."""


def edits(options: Options) -> list[YamlListItem | TextBlock]:
    return [
        YamlListItem(DEV, ("resources",), "redis.yaml"),
        TextBlock(DEPLOY_README, README, style="html"),
    ]


PACK = Pack(
    name="kubernetes_redis",
    kind="integration",
    summary="Redis by URL from the Secret; in the dev overlay, a StatefulSet",
    integrates=("kubernetes", "redis"),
    edits=edits,
)
