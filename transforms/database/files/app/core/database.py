"""Database engine and sessions (SQLModel), shared by the API, the CLI and jobs."""

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session, create_engine

from app.core.config import get_settings
from app.core.migration_state import schema_is_current

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5
RETRY_AFTER_SECONDS = 5
FIRST_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 10.0


@dataclass
class SchemaState:
    """The startup migrations of this process: `pending` until they have run."""

    pending: bool = False
    attempts: int = 0
    error: str = ""


SCHEMA = SchemaState()
_migrations: asyncio.Task[None] | None = None


def create_database_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, its directory is created first."""
    parsed = make_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        connect_args["check_same_thread"] = False
    elif parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for `DATABASE_URL`, created on first use."""
    return create_database_engine(get_settings().database_url)


def reset_engine() -> None:
    """Close every pooled connection; the next `get_engine()` starts afresh."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()


def get_session() -> Iterator[Session]:
    """FastAPI dependency: one session per request, closed afterwards."""
    with Session(get_engine()) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def ping_database() -> str:
    """Run `SELECT 1` on a pooled connection; return the dialect's name."""
    engine = get_engine()
    with engine.connect() as connection:
        connection.execute(text("SELECT 1")).scalar_one()
    return engine.dialect.name


async def migrate() -> None:
    """Apply pending migrations; `SCHEMA` says how far it got. Alembic is only
    loaded when there is something to migrate."""
    SCHEMA.attempts += 1
    await asyncio.to_thread(ping_database)
    if not await asyncio.to_thread(schema_is_current, get_engine()):
        from app.core.migrations import upgrade_database

        await asyncio.to_thread(upgrade_database)
    SCHEMA.pending, SCHEMA.error = False, ""
    logger.info("database schema is up to date")


async def migrate_until_done() -> None:
    """Retry the migrations with growing delays until the database lets them run."""
    delay = FIRST_RETRY_DELAY
    while SCHEMA.pending:
        await asyncio.sleep(delay)
        delay = min(delay * 2, MAX_RETRY_DELAY)
        try:
            await migrate()
        except (SQLAlchemyError, OSError) as exc:
            SCHEMA.error = str(exc).splitlines()[0]
            logger.warning("migrations not applied yet (%s); retrying", SCHEMA.error)
        except Exception:
            SCHEMA.error = "a migration failed, see the server log"
            logger.exception("a migration failed: the server stays not ready")
            return


async def init_database() -> None:
    """Startup hook: bring the schema up to date (Alembic `upgrade head`).

    An unreachable database does not stop the server: the migrations are retried in
    the background with growing delays, and the process is not ready (`/health/ready`)
    until they have run. A failing migration on a reachable database does stop it.
    """
    global _migrations
    SCHEMA.pending, SCHEMA.attempts, SCHEMA.error = True, 0, ""
    try:
        await asyncio.to_thread(ping_database)
    except (SQLAlchemyError, OSError) as exc:
        SCHEMA.error = str(exc).splitlines()[0]
        logger.error(
            "database unreachable, migrations not applied yet (%s); retrying",
            SCHEMA.error,
        )
        _migrations = asyncio.create_task(migrate_until_done())
        return
    await migrate()


async def close_database() -> None:
    """Shutdown hook: stop retrying the migrations, release the connection pool."""
    global _migrations
    if _migrations is not None:
        _migrations.cancel()
        _migrations = None
    SCHEMA.pending = False
    reset_engine()


async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
    """503 for a request that needed the database while it cannot be reached."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return JSONResponse(
        {"detail": f"the database is unavailable, try again shortly: {reason}"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def answer_database_unavailable(app: FastAPI) -> None:
    """App hook: a database that cannot be reached is a 503, never a 500."""
    app.add_exception_handler(OperationalError, database_unavailable)
