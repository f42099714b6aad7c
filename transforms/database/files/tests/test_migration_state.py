"""A current schema told without Alembic: the scripts' heads as Alembic sees them, the
database's revisions, and a start-up that loads Alembic only when it migrates."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from app.core.database import get_engine
from app.core.migration_state import (
    database_revisions,
    schema_is_current,
    script_heads,
)
from app.core.migrations import alembic_config, downgrade_database, upgrade_database

PROJECT = Path(__file__).resolve().parent.parent

Graph = dict[str, str | tuple[str, ...] | None]

GRAPHS: dict[str, Graph] = {
    "one": {"a1": None},
    "linear": {"a1": None, "b2": "a1", "c3": "b2"},
    "branched": {"a1": None, "b2": "a1", "c3": "a1"},
    "merged": {"a1": None, "b2": "a1", "c3": "a1", "d4": ("b2", "c3")},
    "two roots": {"a1": None, "b2": None, "c3": "b2"},
}


def write_scripts(versions: Path, graph: Graph) -> None:
    """One script per revision, in both styles of assignment Alembic accepts."""
    versions.mkdir(parents=True)
    for number, (revision, down) in enumerate(graph.items()):
        annotation = ": str | None" if number % 2 else ""
        (versions / f"{revision}_step.py").write_text(
            f"revision{annotation} = {revision!r}\n"
            f"down_revision{annotation} = {down!r}\n"
            "depends_on = None\n\n\n"
            "def upgrade() -> None:\n    pass\n\n\n"
            "def downgrade() -> None:\n    pass\n"
        )


@pytest.mark.parametrize("graph", GRAPHS.values(), ids=list(GRAPHS))
def test_script_heads_are_alembics_heads(tmp_path: Path, graph: Graph) -> None:
    write_scripts(tmp_path / "versions", graph)
    expected = frozenset(ScriptDirectory(str(tmp_path)).get_heads())
    assert script_heads(tmp_path / "versions") == expected


def test_the_projects_own_scripts_have_alembics_heads() -> None:
    expected = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert script_heads() == frozenset(expected)


def test_a_revision_that_is_not_a_literal_leaves_the_decision_to_alembic(
    tmp_path: Path,
) -> None:
    versions = tmp_path / "versions"
    write_scripts(versions, {"a1": None})
    (versions / "b2_step.py").write_text('revision = "b" + "2"\ndown_revision = "a1"\n')
    assert script_heads(versions) is None


def test_the_schema_is_current_only_at_the_heads(fresh_database: str) -> None:
    engine = get_engine()
    assert database_revisions(engine) is None
    assert not schema_is_current(engine)
    upgrade_database()
    assert database_revisions(engine) == script_heads()
    assert schema_is_current(engine)
    downgrade_database("base")
    assert database_revisions(engine) == frozenset()
    assert not schema_is_current(engine)


STARTUP = """
import asyncio
import sys

from app.core.database import close_database, init_database


async def start() -> None:
    await init_database()
    await close_database()


asyncio.run(start())
print("alembic" in sys.modules)
"""


def start_up(url: str) -> bool:
    """Run the web server's database start-up in a new process; whether it loaded
    Alembic."""
    result = subprocess.run(
        [sys.executable, "-c", STARTUP],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] == "True"


def test_start_up_loads_alembic_only_when_there_is_something_to_migrate(
    fresh_database: str,
) -> None:
    assert start_up(fresh_database)
    assert schema_is_current(get_engine())
    assert not start_up(fresh_database)
    downgrade_database("base")
    assert start_up(fresh_database)
    assert schema_is_current(get_engine())
