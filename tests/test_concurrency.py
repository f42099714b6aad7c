"""Commands at the same time on one project: writers take turns and no update is ever lost;
one that cannot get the lock in time says which process holds it; readers never see a
half-written project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aegis.cli import app
from aegis.confined import ProjectFiles
from aegis.errors import BUSY
from aegis.lock import ProjectLock
from tests.aegis_helpers import CATALOG, SELECTABLE, init, snapshot, tree_difference
from tests.crash_helpers import killed_at

pytestmark = pytest.mark.crash

AEGIS = str(Path(sys.executable).with_name("aegis"))
RUNS = 10  # per way of starting the two writers
# Two components that need nothing else, as in the report: every add edits shared files.
FIRST, SECOND = [name for name in SELECTABLE if not CATALOG[name].requires][:2]


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    scratch = tmp_path_factory.mktemp("reference")
    return {
        "core": init(scratch / "core"),
        "both": init(scratch / "both", [FIRST, SECOND]),
        "first": init(scratch / "first", [FIRST]),
        "second": init(scratch / "second", [SECOND]),
    }


def start(project: Path, *args: str, wait: float = 300) -> subprocess.Popen[str]:
    env = {**os.environ, "AEGIS_LOCK_TIMEOUT": str(wait)}
    return subprocess.Popen(
        [AEGIS, *args, "--path", str(project)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=600)
    return process.returncode, out + err


def copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def hold(project: Path, exclusive: bool = True) -> ProjectLock:
    lock = ProjectLock(ProjectFiles(project), "aegis add held-by-the-test")
    lock.acquire(exclusive=exclusive)
    return lock


@pytest.mark.parametrize("held_first", [True, False], ids=["lined-up", "racing"])
def test_two_writers_at_once_lose_no_update(tmp_path, projects, held_first):
    """Two `aegis add` of different components on one project: both finish, and the
    project is exactly the one `init` makes with both. `lined-up`: the test holds the lock
    while both start, so both wait; `racing`: they are started together and race."""
    for run in range(RUNS):
        project = copy(projects["core"], tmp_path / str(run))
        lock = hold(project) if held_first else None
        writers = [start(project, "add", FIRST), start(project, "add", SECOND)]
        if lock is not None:
            lock.release()
        results = [finish(writer) for writer in writers]
        for code, output in results:
            assert code == 0, output
            assert "Traceback" not in output
        after = snapshot(project)
        expected = snapshot(projects["both"])
        assert after == expected, f"run {run}: {tree_difference(expected, after)}"
    print(f"{RUNS} runs of two concurrent writers ({'lined up' if held_first else 'racing'})")


def test_the_loser_is_told_which_process_holds_the_project(tmp_path, projects):
    project = copy(projects["core"], tmp_path / "demo")
    before = snapshot(project)
    lock = hold(project)
    try:
        for command in (["add", FIRST], ["diff", "add", FIRST], ["remove", FIRST]):
            code, output = finish(start(project, *command, wait=0.5))
            assert code == BUSY, output
            assert f"(pid {os.getpid()}, `aegis add held-by-the-test`, since " in output
            assert "Wait until it has finished" in output
            assert "Traceback" not in output
    finally:
        lock.release()
    assert snapshot(project) == before  # the lock file went with the last holder


def test_readers_share_the_project_but_a_writer_waits_for_them(tmp_path, projects):
    project = copy(projects["core"], tmp_path / "demo")
    lock = hold(project, exclusive=False)
    try:
        code, output = finish(start(project, "diff", "add", FIRST, "--stat", wait=0.5))
        assert code == 1, output  # a second reader reads
        code, output = finish(start(project, "add", FIRST, wait=0.5))
        assert code == BUSY, output  # a writer waits for the reader
        assert "Another Aegis command" in output
    finally:
        lock.release()
    code, output = finish(start(project, "add", FIRST))
    assert code == 0, output
    assert snapshot(project) == snapshot(projects["first"])


def test_a_reader_never_sees_a_half_written_project(tmp_path, projects):
    """`aegis diff` after a writer was killed mid-way: it first undoes the writer's half
    change, and its patch is the one for the project as it was."""
    project = copy(projects["core"], tmp_path / "demo")
    reference = aegis_diff(projects["core"])
    add = ["add", FIRST, SECOND, "--path", str(project)]
    operations = _count(add, copy(projects["core"], tmp_path / "count"))
    for point in range(operations // 3, operations, max(1, operations // 12)):
        shutil.rmtree(project)
        copy(projects["core"], project)
        assert killed_at(add, point) is None
        result = CliRunner().invoke(app, ["diff", "add", SECOND, "--path", str(project)])
        assert result.exit_code in (0, 1), result.output
        if "rolled it back" in result.output:
            assert result.output.endswith(reference), point
            assert snapshot(project) == snapshot(projects["core"])
        else:  # finished: the writer had committed, nothing is left to add (killed after
            # it deleted its journal, there is nothing left to finish either)
            assert result.exit_code == 0, result.output
            assert result.output == "" or "finished it" in result.output, result.output
            assert snapshot(project) == snapshot(projects["both"])


def aegis_diff(project: Path) -> str:
    result = CliRunner().invoke(app, ["diff", "add", SECOND, "--path", str(project)])
    assert result.exit_code == 1, result.output
    return result.output


def _count(args: list[str], project: Path) -> int:
    from aegis import confined

    seen: list[str] = []
    confined.set_fault_hook(lambda operation, path: seen.append(operation))
    try:
        result = CliRunner().invoke(app, [a if a != args[-1] else str(project) for a in args])
    finally:
        confined.set_fault_hook(None)
    assert result.exit_code == 0, result.output
    return len(seen)
