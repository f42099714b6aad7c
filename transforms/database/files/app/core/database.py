"""Database engine and sessions (SQLModel), shared by the API, the CLI and jobs."""

import asyncio
import logging
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine

from app.core.config import get_settings

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5


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


async def init_database() -> None:
    """Startup hook: bring the schema up to date (Alembic `upgrade head`).

    An unreachable database does not stop the server: the error is logged and the
    `database` health check reports it. A failing migration does stop it.
    """
    from app.core.migrations import upgrade_database

    try:
        await asyncio.to_thread(ping_database)
    except (SQLAlchemyError, OSError) as exc:
        logger.error("database unreachable, migrations not applied: %s", exc)
        return
    await asyncio.to_thread(upgrade_database)
    logger.info("database schema is up to date")


async def close_database() -> None:
    """Shutdown hook: release the connection pool."""
    reset_engine()
