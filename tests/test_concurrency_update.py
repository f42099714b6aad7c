"""`aegis update` holds the project's lock for its whole run: another command started
meanwhile (a writer or a reader) waits, and after AEGIS_LOCK_TIMEOUT exits with the busy
code (4), naming the update's process and command; one that waits long enough runs on the
project as the update left it (nothing lost). The update is a real one (a project made by
Aegis 0.1.0, as its archive gives it), stopped in a forked process at its first rename, with
the lock held and the transaction half applied."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from aegis import confined
from aegis.cli import app
from aegis.errors import BUSY
from tests.crash_helpers import aegis, made_by_010, runner, state

pytestmark = pytest.mark.crash

AEGIS = str(Path(sys.executable).with_name("aegis"))
OTHERS = [
    ["update"],
    ["update", "--take-new"],
    ["add", "worker"],
    ["remove", "redis"],
    ["diff", "add", "worker"],
    ["update", "--dry-run"],
    ["check"],
    ["components"],
]


@contextmanager
def update_paused(project: Path) -> Iterator[int]:
    """A real `aegis update` of `project`, in a forked process stopped at its first rename
    (lock held, journal written) until the block ends; its pid. Then it finishes."""
    stopped_read, stopped_write = os.pipe()
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 99
        try:  # the child: never returns into pytest
            os.close(stopped_read)
            os.close(go_write)
            paused = False

            def pause_at_the_first_rename(operation: str, path: str) -> None:
                nonlocal paused
                if operation == "rename" and not path.startswith(".aegis/") and not paused:
                    paused = True
                    os.write(stopped_write, b"x")
                    os.read(go_read, 1)

            confined.set_fault_hook(pause_at_the_first_rename)
            code = runner.invoke(app, ["update", "--path", str(project)]).exit_code
        finally:
            os._exit(code)
    os.close(stopped_write)
    os.close(go_read)
    try:
        assert os.read(stopped_read, 1) == b"x", "the update ended before its first rename"
        yield pid
    finally:
        os.write(go_write, b"x")
        os.close(go_write)
        os.close(stopped_read)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status


def start(project: Path, args: list[str], wait: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [AEGIS, *args, "--path", str(project)],
        env={**os.environ, "AEGIS_LOCK_TIMEOUT": str(wait)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out + err


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    scratch = tmp_path_factory.mktemp("reference")
    project = made_by_010(scratch / "before", "acme-ledger")
    updated = scratch / "after" / project.name
    shutil.copytree(project, updated)
    code, output = aegis("update", "--path", updated)
    assert code == 0, output
    return project, state(project) or {}, state(updated) or {}


def test_a_command_while_update_holds_the_lock_is_told_who_holds_it(tmp_path, projects):
    source, _, after = projects
    project = tmp_path / source.name
    shutil.copytree(source, project)
    with update_paused(project) as holder:
        for args in OTHERS:
            code, output = finish(start(project, args, wait=0.5))
            where = " ".join(args)
            assert code == BUSY, f"{where}: {output}"
            assert f"(pid {holder}, `aegis update`, since " in output, f"{where}: {output}"
            assert "Wait until it has finished" in output, f"{where}: {output}"
            assert "Traceback" not in output and output.count("Error:") == 1, output
    assert state(project) == after
    print(f"{len(OTHERS)} commands refused while update held the lock")


def test_a_command_that_waits_for_update_runs_after_it(tmp_path, projects):
    """A second update and a reader wait for the first: the second changes nothing (the
    project is up to date), the reader sees the updated project."""
    source, _, after = projects
    project = tmp_path / source.name
    shutil.copytree(source, project)
    with update_paused(project):
        waiting = [start(project, ["update"], wait=120), start(project, ["check"], wait=120)]
        time.sleep(3)  # both started, and waiting for the lock
    (code, output), (checked, report) = (finish(process) for process in waiting)
    assert code == 0, output
    assert checked == 0 and "Up to date." in report, report
    assert state(project) == after
