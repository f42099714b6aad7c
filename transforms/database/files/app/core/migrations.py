"""Alembic migrations driven from code: the CLI, the startup hook and the tests."""

import importlib.util
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.core.config import get_settings
from app.core.database import create_database_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


RUFF_HOOKS = {
    "ruff_fix": "-m ruff check --fix --exit-zero --quiet REVISION_SCRIPT_FILENAME",
    "ruff_format": "-m ruff format REVISION_SCRIPT_FILENAME",
}


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for `url` (default: `DATABASE_URL`).

    When ruff is installed, new migration scripts are fixed and formatted by it.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url or get_settings().database_url
    if importlib.util.find_spec("ruff") is not None:
        hooks = "post_write_hooks"
        config.set_section_option(hooks, "hooks", ",".join(RUFF_HOOKS))
        for name, arguments in RUFF_HOOKS.items():
            config.set_section_option(hooks, f"{name}.type", "exec")
            config.set_section_option(hooks, f"{name}.executable", sys.executable)
            config.set_section_option(hooks, f"{name}.options", arguments)
    return config


def upgrade_database(revision: str = "head", url: str | None = None) -> None:
    """Apply migrations up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def downgrade_database(revision: str, url: str | None = None) -> None:
    """Revert migrations down to `revision` (`base` reverts them all)."""
    command.downgrade(alembic_config(url), revision)


def create_revision(message: str, autogenerate: bool = True) -> list[Path]:
    """Write a new migration; with `autogenerate`, from the models' differences."""
    written = command.revision(
        alembic_config(), message=message, autogenerate=autogenerate
    )
    scripts = written if isinstance(written, list) else [written]
    return [Path(script.path) for script in scripts if script is not None]


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at, or None when no migration was applied."""
    engine = create_database_engine(url or get_settings().database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The latest revision among the migration scripts."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
