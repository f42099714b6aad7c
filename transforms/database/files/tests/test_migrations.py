"""Alembic migrations on a fresh database, and the `db` commands."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from typer.testing import CliRunner

from app.cli.main import app
from app.core import migrations
from app.core.database import get_engine
from app.core.migrations import (
    MIGRATIONS_DIR,
    current_revision,
    downgrade_database,
    head_revision,
    upgrade_database,
)
from app.models import metadata

runner = CliRunner()


def table_names() -> set[str]:
    with get_engine().connect() as connection:
        return set(inspect(connection).get_table_names())


def test_upgrade_then_downgrade_on_a_fresh_database(fresh_database: str) -> None:
    assert table_names() == set()
    assert current_revision() is None

    upgrade_database()
    assert set(metadata.tables) <= table_names()
    assert "alembic_version" in table_names()
    assert current_revision() == head_revision()

    downgrade_database("base")
    assert table_names() & set(metadata.tables) == set()
    assert current_revision() is None

    upgrade_database()
    assert current_revision() == head_revision()


def test_migrations_match_the_models(fresh_database: str) -> None:
    upgrade_database()
    with get_engine().connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_db_commands(fresh_database: str) -> None:
    before = runner.invoke(app, ["db", "current"])
    assert before.exit_code == 0, before.output
    assert "current: base" in before.output

    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"database at revision {head_revision()}" in upgraded.output

    after = runner.invoke(app, ["db", "current"])
    assert f"current: {head_revision()}" in after.output

    downgraded = runner.invoke(app, ["db", "downgrade", "base"])
    assert downgraded.exit_code == 0, downgraded.output
    assert "database at revision base" in downgraded.output


def test_db_revision_writes_a_migration(
    fresh_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts)
    monkeypatch.setattr(migrations, "MIGRATIONS_DIR", scripts)
    upgrade_database()
    before = head_revision()

    result = runner.invoke(app, ["db", "revision", "-m", "nothing yet"])
    assert result.exit_code == 0, result.output
    written = sorted((scripts / "versions").glob("*_nothing_yet.py"))
    assert len(written) == 1
    assert f"created {written[0]}" in result.output
    assert head_revision() != before
    source = written[0].read_text()
    assert f'down_revision: str | None = "{before}"' in source
    for ruff in (["check"], ["format", "--check"]):
        linted = subprocess.run(
            [sys.executable, "-m", "ruff", *ruff, str(written[0])],
            capture_output=True,
            text=True,
        )
        assert linted.returncode == 0, linted.stdout + linted.stderr

    upgrade_database()
    assert current_revision() == head_revision()
