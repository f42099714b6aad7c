"""A current schema told without Alembic: the scripts' heads as Alembic sees them, the
database's revisions, and a start-up that loads Alembic only when it migrates."""

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
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


# The start-up's imports run once; each start-up then runs in a child forked from
# that process, as new to Alembic as a process of its own but without paying the
# imports again (most of a start-up's CPU).
FORKING_STARTUP = """
import asyncio
import os
import sys
import traceback

from app.core.database import close_database, init_database


async def start() -> None:
    await init_database()
    await close_database()


def start_up() -> None:
    try:
        asyncio.run(start())
    except BaseException:
        traceback.print_exc()
        print("start-up failed", flush=True)
        os._exit(1)
    print(f"alembic loaded: {'alembic' in sys.modules}", flush=True)
    os._exit(0)


for _ in sys.stdin:
    child = os.fork()
    if child == 0:
        start_up()
    os.waitpid(child, 0)
"""
ANSWERS = {"alembic loaded: True": True, "alembic loaded: False": False}


class StartUps:
    """A process that runs the web server's database start-up on request, each
    time in a new child process; says whether that start-up loaded Alembic."""

    def __init__(self, url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", FORKING_STARTUP],
            cwd=PROJECT,
            env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(PROJECT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def start_up(self) -> bool:
        """Run one start-up; whether it loaded Alembic."""
        assert self.process.stdin is not None
        self.process.stdin.write("start\n")
        self.process.stdin.flush()
        output: list[str] = []
        while (line := self.lines.get(timeout=120)) not in ANSWERS:
            output.append(line)
            assert line != "start-up failed", "\n".join(output)
        return ANSWERS[line]

    def close(self) -> None:
        """End the process."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.reader.join(timeout=5)


@pytest.fixture
def start_ups(fresh_database: str) -> Iterator[StartUps]:
    """Start-ups on the fresh database."""
    runner = StartUps(fresh_database)
    yield runner
    runner.close()


@pytest.mark.processes
def test_start_up_loads_alembic_only_when_there_is_something_to_migrate(
    start_ups: StartUps,
) -> None:
    assert start_ups.start_up()
    assert schema_is_current(get_engine())
    assert not start_ups.start_up()
    downgrade_database("base")
    assert start_ups.start_up()
    assert schema_is_current(get_engine())
