"""`aegis update` of a project made by an older released Aegis (0.1.0, as its archive in
releases/ gives it), when writing fails: the disk fills up at each operation that needs room
in turn (every write, every new file or folder, every hard link, and every one after it: the
disk stays full), each rename is refused in turn, a file the update must change is
read-only, and the command is killed at each file operation and then recovered on a full
disk (marked `crash`, like the other kill tests). Every time: one `Error:` message, the
documented exit code (2), no traceback, and the project byte for byte as before (files,
modes and folders), or, after a kill, exactly as before or after. And the fallback where no
hard link can be made: a full disk then leaves the rollback to the next command.

The failures come from the test-only fault hook of `aegis.confined`, which runs before every
file operation: a real full disk cannot be made at will without privileges, and the hook
makes the N-th operation fail exactly as the system call would (`OSError` with the errno).
"""

from __future__ import annotations

import errno
import itertools
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from aegis import confined
from aegis.errors import USER_ERROR
from tests.crash_helpers import aegis, in_parallel, killed_at, made_by_010, state

NAME = "acme-ledger"
SPACE = ("write", "link", "mkdir")  # and an open that creates a file


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """The 0.1.0 project, and its state before and after a plain `aegis update`."""
    scratch = tmp_path_factory.mktemp("reference")
    project = made_by_010(scratch / "before", NAME)
    updated = copy(project, scratch / "after")
    code, output = aegis("update", "--path", updated)
    assert code == 0, output
    return project, modes_and_state(project), modes_and_state(updated)


def copy(project: Path, parent: Path) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(project, parent / NAME)
    return parent / NAME


def modes_and_state(project: Path) -> dict:
    """Files (bytes), folders, and the permission bits of each."""
    found = state(project) or {}
    modes = {
        f"{p.relative_to(project)} mode": oct(stat.S_IMODE(p.stat().st_mode))
        for p in project.rglob("*")
        if "__pycache__" not in p.parts
    }
    return {**found, **modes}


def needs_space(project: Path, operation: str, path: str) -> bool:
    """An operation that a full disk refuses: a write, a new file (an open of a path that
    does not exist: the reads never open a missing file), a new folder, a hard link."""
    return operation in SPACE or (operation == "open" and not os.path.lexists(project / path))


def run_with(project: Path, hook: confined.FaultHook, *args: str) -> tuple[int, str]:
    confined.set_fault_hook(hook)
    try:
        return aegis(*args, "--path", project)
    finally:
        confined.set_fault_hook(None)


def assert_one_message(code: int, output: str, where: str) -> None:
    assert code == USER_ERROR, f"{where}: exit {code}: {output}"
    assert output.count("Error:") == 1, f"{where}: {output}"
    assert "Internal error" not in output and "Traceback" not in output, f"{where}: {output}"


def operations(project: Path, copy_to: Path, wanted: Callable[[Path, str, str], bool]) -> int:
    """How many operations of a clean `aegis update` (on a copy) `wanted` counts."""
    target = copy(project, copy_to)
    seen = itertools.count()
    counted = 0

    def count(operation: str, path: str) -> None:
        nonlocal counted
        next(seen)
        counted += wanted(target, operation, path)

    code, output = run_with(target, count, "update")
    assert code == 0, output
    return counted


def test_a_full_disk_at_each_operation_that_needs_room(tmp_path, reference):
    """From the N-th operation that needs room on, every one fails with ENOSPC (the disk
    stays full while the command puts the project back), for every N: putting back is
    renames and deletions only."""
    project, before, _ = reference
    points = fail_at_each(project, before, tmp_path, needs_space, errno.ENOSPC, stays=True)
    print(f"update on a disk that fills up: each of its {points} operations that need room")
    assert points > 50


def test_each_rename_refused_in_turn(tmp_path, reference):
    project, before, _ = reference
    renames = lambda _, operation, __: operation == "rename"  # noqa: E731
    points = fail_at_each(project, before, tmp_path, renames, errno.EPERM, stays=False)
    print(f"update with each of its {points} renames refused in turn")
    assert points > 20


def fail_at_each(project, before, tmp_path, chosen, error, *, stays: bool) -> int:
    """Update a copy of the project once per operation `chosen` selects, the N-th one
    failing with `error` (and, when it `stays`, every chosen one after it): each time one
    message, and the project exactly as before. Returns the number of such operations."""
    points = operations(project, tmp_path / "count", chosen)
    for point in range(1, points + 1):
        target = copy(project, tmp_path / str(point))
        seen = itertools.count(1)

        def fault(
            operation: str, path: str, target: Path = target, seen=seen, point: int = point
        ) -> None:
            if chosen(target, operation, path):
                number = next(seen)
                if number == point or (stays and number > point):
                    raise OSError(error, os.strerror(error))

        code, output = run_with(target, fault, "update")
        where = f"{os.strerror(error)} at chosen operation {point} of {points}"
        assert_one_message(code, output, where)
        assert os.strerror(error) in output, f"{where}: {output}"
        assert modes_and_state(target) == before, where
        shutil.rmtree(target.parent)
    return points


def test_a_read_only_file_the_update_changes_stops_it(tmp_path, reference):
    project, _, after = reference
    target = copy(project, tmp_path / "demo")
    changed = [
        path
        for path, data in after.items()
        if not path.endswith((" mode", "/")) and (target / path).is_file()
        if (target / path).read_bytes() != data and path != ".env"
    ]
    assert "README.md" in changed
    (target / "README.md").chmod(0o444)
    before = modes_and_state(target)
    code, output = aegis("update", "--path", target)
    assert_one_message(code, output, "read-only README.md")
    assert "README.md (444)" in output and "chmod u+w" in output, output
    assert modes_and_state(target) == before


@pytest.mark.crash
def test_killed_then_recovered_on_a_full_disk(tmp_path, reference):
    """Killed at each of its file operations; then the next command runs on a full disk
    (every operation that needs room fails): it recovers the project all the same, since
    undoing is renames and deletions and finishing a committed update is deletions. Once
    there is room again, the project is exactly as before or after, with nothing left."""
    project, before, after = reference
    points = operations(project, tmp_path / "count", lambda *_: True)

    def kill_and_recover(point: int) -> Callable[[], None]:
        def task() -> None:
            target = copy(project, tmp_path / str(point))
            where = f"killed at file operation {point} of {points}"
            assert killed_at(["update", "--path", str(target)], point) is None, where
            interrupted = (target / ".aegis/journal").exists()

            def disk_full(operation: str, path: str) -> None:
                if needs_space(target, operation, path):
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            code, output = run_with(target, disk_full, "components")
            if interrupted:
                assert code == 0, f"{where}: {output}"
                assert "was interrupted; Aegis" in output, f"{where}: {output}"
                assert not (target / ".aegis/journal").exists(), where
            elif code != 0:  # nothing to recover, and no room for the reader's lock file
                assert_one_message(code, output, where)
            recovered = modes_and_state(target)
            if code == 0:
                assert recovered in (before, after), f"{where}: {_difference(before, recovered)}"
            code, output = aegis("components", "--path", target)
            assert code == 0, f"{where}: {output}"
            assert modes_and_state(target) in (before, after), where
            shutil.rmtree(target.parent)

        return task

    failures = in_parallel([kill_and_recover(p) for p in range(1, points + 1)], tmp_path / "r")
    assert not failures, f"{len(failures)} of {points} points failed; the first:\n{failures[0]}"
    print(f"update killed at each of its {points} file operations, recovered on a full disk")


def _difference(expected: dict, found: dict) -> list[str]:
    return sorted(k for k in expected.keys() | found.keys() if expected.get(k) != found.get(k))


def test_without_hard_links_a_full_disk_leaves_the_undo_to_the_next_command(tmp_path, reference):
    """Where no hard link can be made (here every one fails with EXDEV, as across file
    systems), a file is put back from the journal's copy, which needs room: on a full disk
    the command says it could not put everything back, and the next command, once there is
    room, finishes the rollback."""
    project, before, _ = reference
    target = copy(project, tmp_path / "demo")
    seen = itertools.count(1)

    def no_links_then_full(operation: str, path: str) -> None:
        if operation == "link":
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        if needs_space(target, operation, path) and next(seen) >= 60:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    code, output = run_with(target, no_links_then_full, "update")
    assert_one_message(code, output, "no hard links, then a full disk")
    assert "could not put every file back" in output, output
    assert "The next aegis command in this project will finish" in output, output
    code, output = aegis("components", "--path", target)
    assert code == 0, output
    assert "rolled it back" in output, output
    assert modes_and_state(target) == before
