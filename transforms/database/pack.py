"""The `database` component: SQLModel on SQLite or PostgreSQL, Alembic migrations,
a session dependency, a health check and `db` commands."""

from aegis.edits import (
    ComposeDependsOn,
    ComposeEnvironment,
    ComposeService,
    ComposeVolume,
    Dependency,
    Edit,
    Statement,
    TextBlock,
    register,
)
from aegis.pack import Option, Options, Pack

SQLITE_URL = "sqlite:///data/app.db"
POSTGRES_URL = "postgresql+psycopg://postgres@localhost:5432/app"
PASSWORD = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
COMPOSE_POSTGRES_URL = f"postgresql+psycopg://postgres:{PASSWORD}@postgres:5432/app"

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

SQLITE_ENV = f"""\
# Database (SQLAlchemy URL). The SQLite file lives in data/, a volume under compose.
DATABASE_URL={SQLITE_URL}
"""

POSTGRES_ENV = f"""\
# Database (SQLAlchemy URL) for local runs; docker compose points the services at
# its `postgres` service with POSTGRES_PASSWORD.
DATABASE_URL={POSTGRES_URL}
# Password of the compose `postgres` service (required by docker compose)
POSTGRES_PASSWORD=
"""

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
server applies pending Alembic migrations at startup; the `database` health check
runs `SELECT 1` and reports its latency.

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


CONFIG = "app/core/config.py"
CHECKS = "app/core/checks.py"
LIFECYCLE = "app/components/backend/lifecycle.py"
ROUTING = "app/components/backend/api/routing.py"
CLI = "app/cli/main.py"


def edits(options: Options) -> list[Edit]:
    postgres = options.get("database_engine") == "postgresql"
    found: list[Edit] = [
        Dependency("sqlmodel>=0.0.22"),
        Dependency("alembic>=1.13"),
        Statement(
            CONFIG,
            "Settings",
            f'database_url: str = "{POSTGRES_URL if postgres else SQLITE_URL}"',
        ),
        *register(CHECKS, "HEALTH_CHECKS", "app.services.database_health", "check_database"),
        *register(LIFECYCLE, "STARTUP_HOOKS", "app.core.database", "init_database"),
        *register(LIFECYCLE, "SHUTDOWN_HOOKS", "app.core.database", "close_database"),
        *register(ROUTING, "ROUTERS", "app.components.backend.api.items", "router", "items_router"),
        *register(CLI, "COMMAND_GROUPS", "app.cli.db", "db_app"),
        TextBlock(".env.example", POSTGRES_ENV if postgres else SQLITE_ENV),
        TextBlock("Makefile", MAKEFILE),
        TextBlock(
            "README.md",
            README.format(engine=POSTGRES_README if postgres else SQLITE_README),
            style="html",
        ),
    ]
    if postgres:
        found += [
            Dependency("psycopg[binary]>=3.2"),
            ComposeService("postgres", POSTGRES_SERVICE),
            ComposeVolume("postgres-data"),
            ComposeDependsOn("web", "postgres"),
            ComposeEnvironment("web", "DATABASE_URL", COMPOSE_POSTGRES_URL),
            ComposeDependsOn("dev", "postgres"),
            ComposeEnvironment("dev", "DATABASE_URL", COMPOSE_POSTGRES_URL),
        ]
    return found


PACK = Pack(
    name="database",
    kind="component",
    summary="SQLModel on SQLite or PostgreSQL, Alembic migrations, health check",
    order=10,
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
