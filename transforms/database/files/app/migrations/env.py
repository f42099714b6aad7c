"""Alembic environment: the SQLModel metadata and the project's database URL."""

from logging.config import fileConfig
from typing import Any

from alembic import context

from app.core.config import get_settings
from app.core.database import create_database_engine
from app.models import metadata

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    """The URL given by the caller, else `sqlalchemy.url`, else `DATABASE_URL`."""
    return (
        config.attributes.get("database_url")
        or config.get_main_option("sqlalchemy.url")
        or get_settings().database_url
    )


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave alone tables that no model declares (e.g. a job store's tables)."""
    return not (type_ == "table" and reflected and compare_to is None)


def run_migrations_offline() -> None:
    """Write the SQL to standard output instead of running it (`--sql`)."""
    context.configure(
        url=database_url(),
        target_metadata=metadata,
        literal_binds=True,
        include_object=include_object,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection."""
    engine = create_database_engine(database_url())
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                include_object=include_object,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
