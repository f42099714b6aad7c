"""The daily database backup job (see `app/services/database_backup.py`)."""

from datetime import UTC

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]

from app.components.scheduler.spec import JobSpec

DATABASE_BACKUP = JobSpec(
    id="database-backup",
    func="app.services.database_backup:run_database_backup",
    trigger=CronTrigger(hour=3, minute=0, timezone=UTC),
    name="Daily database backup",
)
