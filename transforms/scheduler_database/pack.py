"""scheduler + database: the scheduler keeps its jobs in the project's database and
gains a daily backup job. Applied by Aegis whenever both components are present."""

from aegis.sdk import Import, ListItem, Options, Pack, ReplaceValue, Setting, anchors

SCHEDULER = "app/components/scheduler/main.py"
JOBS = "app/components/scheduler/jobs.py"

README = """\
### Scheduler with the database

The scheduler keeps its jobs in the `apscheduler_jobs` table of `DATABASE_URL`
(APScheduler's SQLAlchemy job store), so jobs added at run time survive a restart.
A daily job (03:00 UTC) backs the database up into `BACKUP_DIR` and keeps the newest
`BACKUP_RETENTION` backups: SQLite with its online backup API, PostgreSQL with
`pg_dump` when it is on PATH (otherwise the job logs that it skipped the backup).
"""


def edits(options: Options) -> anchors.Declarations:
    return [
        Import(SCHEDULER, "app.components.scheduler.persistence", "database_job_store"),
        ReplaceValue(SCHEDULER, "JOB_STORE_FACTORY", "memory_job_store", "database_job_store"),
        Import(JOBS, "app.components.scheduler.backup", "DATABASE_BACKUP"),
        ListItem(JOBS, "JOBS", "DATABASE_BACKUP"),
        anchors.settings(
            Setting("backup_dir", "data/backups", "Directory of the daily database backups."),
            Setting("backup_retention", 7, "How many backups to keep."),
            title="Database backups (a daily job of the scheduler)",
        ),
        anchors.readme(README),
    ]


PACK = Pack(
    name="scheduler_database",
    kind="integration",
    summary="Scheduler jobs stored in the database, daily database backup job",
    integrates=("database", "scheduler"),
    edits=edits,
)
