"""The `database` component: SQLModel on SQLite or PostgreSQL, Alembic migrations,
a session dependency, a health check and `db` commands."""

from aegis.sdk import Option, Options, Pack, Setting, anchors

SQLITE_URL = "sqlite:///data/app.db"
POSTGRES_URL = "postgresql+psycopg://postgres@localhost:5432/app"
PASSWORD = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"

POSTGRES_SERVICE = {
    "image": "postgres:17-alpine",
    "environment": {
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": PASSWORD,
        "POSTGRES_DB": "app",
    },
    "healthcheck": {
        "test": ["CMD-SHELL", "pg_isready -U postgres -d app"],
        "interval": "5s",
        "timeout": "5s",
        "retries": 10,
    },
    "networks": ["backend"],
    "volumes": ["postgres-data:/var/lib/postgresql/data"],
}

CI_POSTGRES = {
    "image": "postgres:17-alpine",
    "env": {"POSTGRES_HOST_AUTH_METHOD": "trust", "POSTGRES_DB": "test"},
    "ports": ["5432:5432"],
    "options": '--health-cmd "pg_isready -U postgres" --health-interval 2s --health-retries 15',
}

MAKEFILE = """\
.PHONY: db-upgrade db-revision db-current

db-upgrade: ## Apply the database migrations
\t$(PYTHON) -m app db upgrade

db-revision: ## Write a migration from the models: make db-revision m="add users"
\t$(PYTHON) -m app db revision -m "$(m)"

db-current: ## Show the database's migration revision
\t$(PYTHON) -m app db current
"""

README = """\
### Database

SQLModel on {engine}.
`DATABASE_URL` configures it; `app/core/database.py` holds the engine and
`SessionDep`, the FastAPI session dependency (see the example `/items` API in
`app/components/backend/api/items.py` and its model in `app/models/`). The web
server applies pending Alembic migrations at startup; when the database cannot be
reached it keeps retrying them in the background (with growing delays, up to 10 s
apart) and `/health/ready` stays 503 until they have run. While the database is
down, endpoints that need it answer 503 (not 500) and recover by themselves. The
`database` health check runs `SELECT 1` and reports its latency.

```bash
python -m app db upgrade                 # apply migrations (make db-upgrade)
python -m app db revision -m "add users" # write one from the models
python -m app db current                 # revision of the database
```

New models go in `app/models/` and are imported by `app/models/__init__.py`.
The tests run on a temporary SQLite file, or on a new schema of the PostgreSQL
server named by `TEST_DATABASE_URL` (see `conftest.py`).
"""

SQLITE_README = "SQLite: the file `data/app.db` (a volume under compose)"
POSTGRES_README = "PostgreSQL: the compose `postgres` service (set `POSTGRES_PASSWORD` in `.env`)"


def edits(options: Options) -> anchors.Declarations:
    postgres = options["database_engine"] == "postgresql"
    declared: list[anchors.Declaration] = [
        anchors.dependency("sqlmodel>=0.0.22"),
        anchors.dependency("alembic>=1.13"),
        anchors.settings(
            Setting(
                "database_url",
                POSTGRES_URL if postgres else SQLITE_URL,
                "SQLAlchemy URL of the database"
                + (
                    " for local runs (compose points every app service at its `postgres`)."
                    if postgres
                    else " (the SQLite file lives in data/, a volume under compose)."
                ),
            ),
            title="Database",
        ),
        anchors.health_check("app.services.database_health", "check_database"),
        anchors.readiness_check("app.services.database_health", "check_database_ready"),
        anchors.app_hook("app.core.database", "answer_database_unavailable"),
        anchors.startup_hook("app.core.database", "init_database"),
        anchors.shutdown_hook("app.core.database", "close_database"),
        anchors.router("app.components.backend.api.items"),
        anchors.cli_group("app.cli.db", "db_app"),
        anchors.makefile(MAKEFILE),
        anchors.readme(README.format(engine=POSTGRES_README if postgres else SQLITE_README)),
        anchors.readme_layout(
            {
                "app/models/": "SQLModel tables (`app/models/__init__.py` imports each)",
                "app/migrations/": "Alembic: `env.py`, and the migrations in `versions/`",
            }
        ),
    ]
    if postgres:
        declared += [
            anchors.dependency("psycopg[binary]>=3.2"),
            anchors.env_example(
                "# Password of the compose `postgres` service (required by docker compose)\n"
                "POSTGRES_PASSWORD=",
                key="database:compose",
            ),
            anchors.compose_service("postgres", POSTGRES_SERVICE),
            anchors.compose_volume("postgres-data"),
            anchors.app_environment(
                "DATABASE_URL", f"postgresql+psycopg://postgres:{PASSWORD}@postgres:5432/app"
            ),
            anchors.app_depends_on("postgres"),
            anchors.ci_service("postgres", CI_POSTGRES),
        ]
    return declared


PACK = Pack(
    name="database",
    kind="component",
    summary="SQLModel on SQLite or PostgreSQL, Alembic migrations, health check",
    options=(
        Option(
            "engine",
            ("sqlite", "postgresql"),
            "sqlite",
            help="sqlite: a file under data/; postgresql: psycopg and a compose service",
        ),
    ),
    edits=edits,
)
