"""scheduler + database: the scheduler keeps its jobs in the project's database and
gains a daily backup job. Applied by Aegis whenever both components are present."""

from aegis.edits import (
    ComposeDependsOn,
    ComposeEnvironment,
    Edit,
    Import,
    ReplaceValue,
    Statement,
    TextBlock,
    register,
)
from aegis.pack import Options, Pack

SCHEDULER = "app/components/scheduler/main.py"
JOBS = "app/components/scheduler/jobs.py"
CONFIG = "app/core/config.py"
PASSWORD = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
COMPOSE_POSTGRES_URL = f"postgresql+psycopg://postgres:{PASSWORD}@postgres:5432/app"

ENV = """\
# Database backups (daily job of the scheduler): directory and how many to keep
BACKUP_DIR=data/backups
BACKUP_RETENTION=7
"""

README = """\
### Scheduler with the database

The scheduler keeps its jobs in the `apscheduler_jobs` table of `DATABASE_URL`
(APScheduler's SQLAlchemy job store), so jobs added at run time survive a restart.
A daily job (03:00 UTC) backs the database up into `BACKUP_DIR` and keeps the newest
`BACKUP_RETENTION` backups: SQLite with its online backup API, PostgreSQL with
`pg_dump` when it is on PATH (otherwise the job logs that it skipped the backup).
"""


def edits(options: Options) -> list[Edit]:
    found: list[Edit] = [
        Import(SCHEDULER, "app.components.scheduler.persistence", "database_job_store"),
        ReplaceValue(SCHEDULER, "JOB_STORE_FACTORY", "memory_job_store", "database_job_store"),
        *register(JOBS, "JOBS", "app.components.scheduler.backup", "DATABASE_BACKUP"),
        Statement(CONFIG, "Settings", 'backup_dir: str = "data/backups"'),
        Statement(CONFIG, "Settings", "backup_retention: int = 7"),
        TextBlock(".env.example", ENV),
        TextBlock("README.md", README, style="html"),
    ]
    if options.get("database_engine") == "postgresql":
        found += [
            ComposeDependsOn("scheduler", "postgres"),
            ComposeEnvironment("scheduler", "DATABASE_URL", COMPOSE_POSTGRES_URL),
        ]
    return found


PACK = Pack(
    name="scheduler_database",
    kind="integration",
    summary="Scheduler jobs stored in the database, daily database backup job",
    order=90,
    integrates=("database", "scheduler"),
    edits=edits,
)
