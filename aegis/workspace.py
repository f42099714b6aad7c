"""Opening a project: find its root, take its lock, finish any interrupted command.

Every command that works on a project goes through `open_project` (or `open_target` for
`init`), so no command ever reads a half-applied project.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from aegis import transaction
from aegis.confined import ProjectFiles
from aegis.errors import NotAnAegisProject
from aegis.lock import STATE_DIR, ProjectLock
from aegis.manifest import declares_aegis

Say = Callable[[str], None]
HINT = "Run the command inside a project made by `aegis init`, or pass --path."


def find_root(start: Path) -> Path:
    """The nearest folder, from `start` up, that holds an Aegis project (a pyproject.toml
    with [tool.aegis], or an interrupted Aegis command), like git finds its repository."""
    start = start.absolute()
    if start.exists() and not start.is_dir():
        raise NotAnAegisProject(f"{start} is not a folder. {HINT}")
    nearest_other: Path | None = None
    for folder in (start, *start.parents):
        if (folder / transaction.JOURNAL).is_file():
            return folder
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            if _declares_aegis(pyproject):
                return folder
            nearest_other = nearest_other or folder
    if nearest_other is not None:
        raise NotAnAegisProject(
            f"{nearest_other / 'pyproject.toml'} has no [tool.aegis] table, and no folder "
            f"above it holds one: not an Aegis project. {HINT}"
        )
    raise NotAnAegisProject(
        f"No pyproject.toml with [tool.aegis] in {start} or any folder above it: not an "
        f"Aegis project. {HINT}"
    )


def _declares_aegis(pyproject: Path) -> bool:
    try:
        return declares_aegis(pyproject.read_bytes().decode("utf-8", errors="replace"))
    except OSError:
        return False


@contextmanager
def open_project(start: Path, command: str, write: bool, say: Say) -> Iterator[ProjectFiles]:
    """The project that holds `start`, locked (exclusively when `write`) and recovered."""
    files = ProjectFiles(find_root(start))
    lock = ProjectLock(files, command)
    try:
        if write:
            lock.acquire(exclusive=True, on_wait=say)
            _recover(files, say)
        else:
            lock.acquire(exclusive=False, on_wait=say)
            while transaction.pending(files):  # recovering needs the lock for itself
                lock.release(keep_file=True)
                lock.acquire(exclusive=True, on_wait=say)
                _recover(files, say)
                lock.release(keep_file=True)
                lock.acquire(exclusive=False, on_wait=say)
        yield files
    finally:
        lock.release()
        files.close()


@contextmanager
def open_target(target: Path, command: str, say: Say) -> Iterator[ProjectFiles]:
    """The folder `aegis init` writes into. Not locked while it plans (that would create
    .aegis/ in a folder the command may refuse); the transaction locks it and checks that
    nothing changed since. What an interrupted earlier init left there is finished or
    undone first."""
    files = ProjectFiles(target)
    try:
        if files.root_fd() is not None and files.is_folder(STATE_DIR):
            lock = ProjectLock(files, command)
            lock.acquire(exclusive=True, on_wait=say)
            try:
                _recover(files, say)
            finally:
                lock.release()
        yield files
    finally:
        files.close()


def _recover(files: ProjectFiles, say: Say) -> None:
    message = transaction.recover(files)
    if message:
        say(message)
