"""The persistent job store: APScheduler's SQLAlchemy store on the project's database.

Jobs are pickled into the `apscheduler_jobs` table through the project's (sync)
engine, so they survive a restart of the scheduler process; their functions are
stored as `module:function` references.
"""

from apscheduler.jobstores.base import BaseJobStore  # type: ignore[import-untyped]
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore  # type: ignore[import-untyped]

from app.core.database import get_engine

JOBS_TABLE = "apscheduler_jobs"


def database_job_store() -> BaseJobStore:
    """Jobs kept in the `apscheduler_jobs` table of `DATABASE_URL`."""
    return SQLAlchemyJobStore(engine=get_engine(), tablename=JOBS_TABLE)
