"""Database backups into `BACKUP_DIR`, keeping the newest `BACKUP_RETENTION`.

SQLite: SQLite's online backup API (consistent while the app writes).
PostgreSQL: `pg_dump --format=custom` when it is on PATH; otherwise the backup is
skipped and says so.
"""

import asyncio
import logging
import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, make_url

from app.core.config import get_settings

logger = logging.getLogger(__name__)

STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
PG_DUMP_TIMEOUT_SECONDS = 3600


@dataclass(frozen=True)
class BackupResult:
    """The file written (None when skipped, with the reason) and the ones deleted."""

    path: Path | None
    skipped: str = ""
    deleted: tuple[Path, ...] = ()


def backup_sqlite(database: Path, target: Path) -> None:
    """Copy a live SQLite database page by page into `target`."""
    source_uri = f"{database.resolve().as_uri()}?mode=ro"
    partial = target.with_name(f".{target.name}.partial")
    with (
        closing(sqlite3.connect(source_uri, uri=True)) as source,
        closing(sqlite3.connect(partial)) as copy,
    ):
        source.backup(copy)
    partial.replace(target)


def backup_postgresql(url: URL, pg_dump: str, target: Path) -> None:
    """Dump a PostgreSQL database with `pg_dump` (custom format, for pg_restore)."""
    partial = target.with_name(f".{target.name}.partial")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    libpq_url = url.set(drivername="postgresql", password=None)
    subprocess.run(
        [
            pg_dump,
            "--format=custom",
            f"--file={partial}",
            f"--dbname={libpq_url.render_as_string(hide_password=False)}",
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=PG_DUMP_TIMEOUT_SECONDS,
    )
    partial.replace(target)


def backup_name(prefix: str, suffix: str) -> re.Pattern[str]:
    """The exact names this job gives its backups: `<prefix>-<timestamp><suffix>`."""
    return re.compile(rf"{re.escape(prefix)}-\d{{8}}T\d{{12}}Z{re.escape(suffix)}")


def prune_backups(
    directory: Path, prefix: str, suffix: str, keep: int
) -> tuple[Path, ...]:
    """Delete all but the newest `keep` backups named exactly as this job names
    them; any other file (another database's backups, `app-staging-...`) stays."""
    pattern = backup_name(prefix, suffix)
    backups = sorted(
        (path for path in directory.iterdir() if pattern.fullmatch(path.name)),
        key=lambda path: path.name,
    )
    stale = tuple(backups[: -max(keep, 1)])
    for path in stale:
        path.unlink()
    return stale


def backup_database(now: datetime | None = None) -> BackupResult:
    """Back up `DATABASE_URL` now, then apply the retention."""
    settings = get_settings()
    url = make_url(settings.database_url)
    directory = Path(settings.backup_dir)
    stamp = (now or datetime.now(UTC)).strftime(STAMP_FORMAT)
    backend = url.get_backend_name()
    if backend == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        prefix, suffix = database.stem, ".db"
        target = directory / f"{prefix}-{stamp}{suffix}"
        directory.mkdir(parents=True, exist_ok=True)
        backup_sqlite(database, target)
    elif backend == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            return BackupResult(None, skipped="pg_dump is not on PATH")
        prefix, suffix = url.database or "postgres", ".dump"
        target = directory / f"{prefix}-{stamp}{suffix}"
        directory.mkdir(parents=True, exist_ok=True)
        backup_postgresql(url, pg_dump, target)
    else:
        return BackupResult(None, skipped=f"no backup method for {url.drivername}")
    return BackupResult(
        target,
        deleted=prune_backups(directory, prefix, suffix, settings.backup_retention),
    )


async def run_database_backup() -> BackupResult:
    """The scheduled job: back up in a thread and log the outcome."""
    result = await asyncio.to_thread(backup_database)
    if result.path is None:
        logger.warning("database backup skipped: %s", result.skipped)
    else:
        logger.info(
            "database backup written to %s (%d old backups deleted)",
            result.path,
            len(result.deleted),
        )
    return result
