"""Killing a command at its N-th file operation, and checking what the next command finds:
the machinery the crash tests share (tests/test_crash.py, tests/test_crash_update.py,
tests/test_concurrency.py).

The test-only fault hook of `aegis.confined` runs before every file operation (each open,
write, mode change, fsync, sync, rename, link, unlink, mkdir, rmdir; the reads included).
`killed_at` runs a command in a forked child that SIGKILLs itself at the chosen operation;
`in_parallel` runs tasks (a kill and its checks) in forked processes, one per core at a time.
"""

from __future__ import annotations

import itertools
import os
import signal
import traceback
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from aegis import confined, released
from aegis.cli import app
from tests.aegis_helpers import snapshot

runner = CliRunner()
WORKERS = os.cpu_count() or 2


def state(target: Path) -> dict[str, bytes] | None:
    """The project's files and folders (a folder as `path/`), None when there is no
    project folder (or an empty one, which a killed `init` may leave: the next `init`
    takes it as it is)."""
    if not target.exists() or not any(target.iterdir()):
        return None
    folders = {f"{p.relative_to(target)}/": b"" for p in target.rglob("*") if p.is_dir()}
    return snapshot(target) | {f: v for f, v in folders.items() if "__pycache__" not in f}


def killed_at(args: list[str], point: int) -> int | None:
    """Run the command in a forked child that SIGKILLs itself at its `point`-th file
    operation; its exit code, None when it was killed."""
    pid = os.fork()
    if pid == 0:
        code = 99
        try:  # the child: never returns into pytest
            counter = itertools.count(1)

            def kill_at_the_point(operation: str, path: str) -> None:
                if next(counter) == point:
                    os.kill(os.getpid(), signal.SIGKILL)

            confined.set_fault_hook(kill_at_the_point)
            code = runner.invoke(app, args).exit_code
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return None if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def in_parallel(tasks: list[Callable[[], None]], scratch: Path) -> list[str]:
    """Run each task in a forked process of its own, `WORKERS` at a time; the message of
    each one that failed (an assertion, or anything else)."""
    scratch.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    running: dict[int, Path] = {}
    pending = iter(enumerate(tasks))
    while True:
        while len(running) < WORKERS and (item := next(pending, None)) is not None:
            number, task = item
            report = scratch / f"failure-{number}.txt"
            pid = os.fork()
            if pid == 0:
                code = 1
                try:  # the worker: never returns into pytest
                    task()
                    code = 0
                except BaseException:
                    report.write_text(traceback.format_exc())
                finally:
                    os._exit(code)
            running[pid] = report
        if not running:
            return failures
        pid, status = os.wait()
        report = running.pop(pid)
        if status != 0:
            failures.append(report.read_text() if report.exists() else f"exit status {status}")


def operations_of(args: list[str]) -> int:
    """Run the command (it must succeed); how many file operations it made."""
    seen: list[str] = []
    confined.set_fault_hook(lambda operation, path: seen.append(operation))
    try:
        code, output = aegis(*args)
    finally:
        confined.set_fault_hook(None)
    assert code == 0, output
    return len(seen)


def aegis(*args: str | Path) -> tuple[int, str]:
    """Run the command in this process; its exit code and output (never a traceback)."""
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def made_by_010(parent: Path, name: str) -> Path:
    """A project as Aegis 0.1.0 generated it (redis; before the ledger, so an update merges
    every file three ways), written from `releases/` into `parent / name`."""
    files = released.generated("0.1.0", ["redis"], {}, name)
    assert files is not None, "releases/0.1.0.json.xz lacks a redis project"
    project = parent / name
    for path, text in files.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text)
    return project
