"""kubernetes + database: with PostgreSQL, the migrations of a release run once, in the
Job `migrate`, and every app pod waits for them in an init container; the app reaches
the database by the URL of the Secret (a managed database in production), and the dev
overlay runs one in the cluster, reachable only by the app's pods. With SQLite each pod
has its own file: fine to try the manifests, not for more than one replica."""

from aegis.sdk import Options, Pack, TextBlock, YamlEntry, YamlListItem

BASE = "deploy/kubernetes/base/kustomization.yaml"
DEV = "deploy/kubernetes/overlays/dev/kustomization.yaml"
DEPLOY_README = "deploy/kubernetes/README.md"

WAIT_PATCH = {
    "path": "wait-for-migrations.yaml",
    "target": {"kind": "Deployment", "labelSelector": "app.kubernetes.io/name"},
}

POSTGRES_README = """\
## Database

The app reaches PostgreSQL by `DATABASE_URL`, a key of the Secret `app-secrets` (a
managed database in production). The migrations of a release run once, in the Job
`migrate` (`base/migrate.yaml`: `python -m app.entrypoints.migrate`); every app pod
waits for them in its init container `wait-for-migrations` (`python -m
app.entrypoints.migrate --wait`), so no pod of a new release serves on the previous
schema. `make k8s-deploy` deletes the previous Job before applying (a Job cannot be
changed); `kubectl logs job/migrate` shows what it did.

The dev overlay runs PostgreSQL in the cluster (`overlays/dev/postgres.yaml`: a
StatefulSet with its own volume, the Service `postgres`, a network policy that admits
only the app's pods). Its dev Secret holds `POSTGRES_PASSWORD` and
`DATABASE_URL=postgresql+psycopg://postgres:<that password>@postgres:5432/app`."""

SQLITE_README = """\
## Database

The project uses SQLite: each pod keeps its own file in its `data` volume, and the web
server applies the migrations when it starts. That is enough to try the manifests, not
to run more than one replica: generate the project with `--database-engine postgresql`
(a managed PostgreSQL by `DATABASE_URL` in the Secret, the migrations as a Job)."""


def postgres(options: Options) -> bool:
    return options["database_engine"] == "postgresql"


def edits(options: Options) -> list[YamlListItem | YamlEntry | TextBlock]:
    if not postgres(options):
        return [TextBlock(DEPLOY_README, SQLITE_README, style="html")]
    return [
        YamlListItem(BASE, ("resources",), "migrate.yaml"),
        YamlEntry(BASE, (), "patches", [WAIT_PATCH]),
        YamlListItem(DEV, ("resources",), "postgres.yaml"),
        TextBlock(DEPLOY_README, POSTGRES_README, style="html"),
    ]


PACK = Pack(
    name="kubernetes_database",
    kind="integration",
    summary="Migrations as a Job the app pods wait for; PostgreSQL by URL, dev StatefulSet",
    integrates=("database", "kubernetes"),
    edits=edits,
    files_when=lambda path, options: postgres(options),
)
