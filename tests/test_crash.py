"""Crash at every step: a command killed at any file operation leaves a project that the
next command brings back to exactly the state before or exactly the state after.

Two ways of killing, both real SIGKILLs:

- the test-only fault hook of `aegis.confined` counts every file operation of a command
  (each open, write, mode change, fsync, sync, rename, unlink, mkdir, rmdir; the reads
  included) and kills the process at the N-th, for every N of the command. The command runs
  in a forked child, so each point costs a fork, not an interpreter start;
- strace's fault injection kills a real `aegis` process at its N-th `renameat` or
  `unlinkat` system call, for every N (`test_killed_by_strace_at_every_rename_and_unlink`).

Scenarios: `init`, `add` and `remove` of two packs chosen from the catalogue (the one with
the most files, and the first one it does not bring along), whatever the catalogue holds.
Each point (the kill and the checks after it) runs in a forked process of its own, one per
core at a time.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.aegis_helpers import CATALOG, SELECTABLE, closure, init, tree_difference
from tests.crash_helpers import aegis, in_parallel, killed_at, operations_of, state

pytestmark = pytest.mark.crash

AEGIS = str(Path(sys.executable).with_name("aegis"))


def _owned_count(name: str) -> int:
    files = CATALOG[name].files_dir
    return sum(1 for p in files.rglob("*") if p.is_file()) if files.is_dir() else 0


BIGGEST = max(SELECTABLE, key=_owned_count)
PACKS = [BIGGEST, next(name for name in SELECTABLE if name not in closure([BIGGEST]))]
NAME = "demo-svc"


@dataclass
class Scenario:
    """A command, the tree before it (None: no project folder) and the tree after it."""

    command: str
    pack: str
    before: dict[str, bytes] | None
    after: dict[str, bytes] | None
    source: Path | None  # the project it starts from

    def prepare(self, parent: Path) -> Path:
        """A fresh copy of the starting project under `parent`; its path."""
        parent.mkdir(parents=True, exist_ok=True)
        target = parent / NAME
        if self.source is not None:
            # Hard links are safe and fast: Aegis never writes a file in place (it renames
            # new files over old ones), so the reference project is never changed.
            shutil.copytree(self.source, target, copy_function=os.link)
        return target

    def args(self, target: Path) -> list[str]:
        if self.command == "init":
            flag = "-s" if CATALOG[self.pack].kind == "service" else "-c"
            return ["init", target.name, "-o", str(target.parent), flag, self.pack, "--yes"]
        return [self.command, self.pack, "--path", str(target)]

    def __str__(self) -> str:
        return f"{self.command} {self.pack}"


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Scenario]:
    scratch = tmp_path_factory.mktemp("reference")
    core = init(scratch / "core", name=NAME)
    found = {}
    for pack in PACKS:
        with_pack = init(scratch / f"with-{pack}", [pack], name=NAME)
        removed = init(
            scratch / f"without-{pack}", CATALOG.sort(closure([pack]) - {pack}), name=NAME
        )
        found[("init", pack)] = Scenario("init", pack, None, state(with_pack), None)
        found[("add", pack)] = Scenario("add", pack, state(core), state(with_pack), core)
        found[("remove", pack)] = Scenario(
            "remove", pack, state(with_pack), state(removed), with_pack
        )
    return found


def count_operations(scenario: Scenario, parent: Path) -> int:
    """The file operations of one run of the scenario that nothing kills."""
    target = scenario.prepare(parent)
    operations = operations_of(scenario.args(target))
    assert state(target) == scenario.after
    return operations


# -- checking ----------------------------------------------------------------------------


def check_recovery(scenario: Scenario, target: Path, where: str, run_again: bool) -> None:
    """The next command finishes or undoes the killed one; the project is then exactly as
    before or after (and, `run_again`, the command then completes when it was undone)."""
    if scenario.command == "init":
        # The next command is `init` again: it finishes or undoes the interrupted one first.
        code, output = aegis(*scenario.args(target))
        assert code == 0 or "already holds an Aegis project" in output, f"{where}: {output}"
        final = state(target) or {}
        assert final == scenario.after, f"{where}: {tree_difference(scenario.after, final)}"
        return
    code, output = aegis("components", "--path", target)
    assert code == 0, f"{where}: {output}"
    recovered = state(target) or {}
    differs = tree_difference(scenario.before or {}, recovered)
    assert recovered in (scenario.before, scenario.after), f"{where}: {differs}"
    if run_again and recovered == scenario.before:
        code, output = aegis(*scenario.args(target))
        assert code == 0, f"{where}: {output}"
        assert state(target) == scenario.after, where


@pytest.mark.parametrize(
    ("command", "pack"),
    [(command, pack) for pack in PACKS for command in ("init", "add", "remove")],
)
def test_killed_at_every_file_operation(tmp_path, scenarios, command, pack):
    scenario = scenarios[(command, pack)]
    points = count_operations(scenario, tmp_path / "count")

    def kill_and_check(point: int) -> Callable[[], None]:
        def task() -> None:
            target = scenario.prepare(tmp_path / str(point))
            where = f"{scenario}, killed at file operation {point} of {points}"
            assert killed_at(scenario.args(target), point) is None, f"{where}: not killed"
            # Byte for byte (folders too) before or after: running the command again is
            # then running it on the original project (the strace test runs it again).
            check_recovery(scenario, target, where, run_again=False)
            shutil.rmtree(target.parent)

        return task

    tasks = [kill_and_check(point) for point in range(1, points + 1)]
    failures = in_parallel(tasks, tmp_path / "reports")
    assert not failures, f"{len(failures)} of {points} points failed; the first:\n{failures[0]}"
    print(f"{scenario}: killed at each of its {points} file operations")
    assert points > 20  # the hook saw the command's operations


def test_a_killed_recovery_is_recovered_in_turn(tmp_path, scenarios):
    """Kill `add` once mid-apply and once after its commit mark, then kill the recovering
    command at each of its own file operations: the one after it still recovers."""
    scenario = scenarios[("add", PACKS[0])]
    points = count_operations(scenario, tmp_path / "count")
    # The recovery of each first kill, counted on a copy.
    recoveries = {}
    for first in (points // 2, points - 3):  # mid-apply; after the mark, before clean-up
        target = scenario.prepare(tmp_path / f"count-{first}")
        assert killed_at(scenario.args(target), first) is None
        recoveries[first] = operations_of(["components", "--path", str(target)])

    def kill_twice(first: int, second: int) -> Callable[[], None]:
        def task() -> None:
            target = scenario.prepare(tmp_path / f"{first}-{second}")
            assert killed_at(scenario.args(target), first) is None
            assert killed_at(["components", "--path", str(target)], second) is None
            code, output = aegis("components", "--path", target)
            assert code == 0, output
            assert state(target) in (scenario.before, scenario.after), (first, second)
            shutil.rmtree(target.parent)

        return task

    tasks = [kill_twice(f, s) for f, count in recoveries.items() for s in range(1, count + 1)]
    failures = in_parallel(tasks, tmp_path / "reports")
    assert not failures, failures[0]
    print(f"recoveries killed at {len(tasks)} points")
    assert len(tasks) > 10


# -- real processes, killed by strace --------------------------------------------------


STRACED = [(c, p, s) for p in PACKS[:1] for c, s in (
    ("init", "renameat"), ("add", "renameat"), ("remove", "renameat"), ("remove", "unlinkat")
)]  # fmt: skip


@pytest.mark.parametrize(("command", "pack", "syscall"), STRACED)
def test_killed_by_strace_at_every_rename_and_unlink(tmp_path, scenarios, command, pack, syscall):
    """A real `aegis` process, killed by strace at each of its `renameat`/`unlinkat`
    calls; the next command recovers, and the command then runs again when undone."""
    if not shutil.which("strace"):
        pytest.fail("strace is not installed (apt-get install strace)")
    scenario = scenarios[(command, pack)]

    def traced(target: Path, *options: str) -> subprocess.CompletedProcess[str]:
        command = ["strace", "-f", "-e", f"trace={syscall}", *options, AEGIS]
        return subprocess.run([*command, *scenario.args(target)], capture_output=True, text=True)

    log = tmp_path / "calls.log"
    assert traced(scenario.prepare(tmp_path / "count"), "-o", str(log)).returncode == 0
    points = sum(f"{syscall}(" in line for line in log.read_text().splitlines())

    def kill_and_check(point: int) -> Callable[[], None]:
        def task() -> None:
            target = scenario.prepare(tmp_path / str(point))
            inject = f"inject={syscall}:signal=KILL:when={point}"
            code = traced(target, "-o", os.devnull, "-e", inject).returncode
            where = f"{scenario}, killed by strace at {syscall} {point} of {points}"
            assert code in (-signal.SIGKILL, 128 + signal.SIGKILL), f"{where}: exit {code}"
            check_recovery(scenario, target, where, run_again=True)
            shutil.rmtree(target.parent)

        return task

    tasks = [kill_and_check(point) for point in range(1, points + 1)]
    failures = in_parallel(tasks, tmp_path / "reports")
    assert not failures, f"{len(failures)} of {points} points failed; the first:\n{failures[0]}"
    print(f"strace: {scenario} killed at each of its {points} {syscall} calls")
    assert points > 0


def test_recovery_never_overwrites_a_file_changed_since_the_crash(tmp_path, scenarios):
    """Killed mid-way; then the owner edits a file the command had written. The next command
    stops, names the file, and writes nothing; deleting the journal keeps the project as it
    is (the owner's choice)."""
    import base64
    import json

    scenario = scenarios[("add", PACKS[0])]
    points = count_operations(scenario, tmp_path / "count")
    target = scenario.prepare(tmp_path / "demo")
    assert killed_at(scenario.args(target), points // 2) is None
    journal = json.loads((target / ".aegis/journal").read_text())
    written = next(
        entry["path"]
        for entry in journal["entries"]
        if entry["after"] is not None
        and (target / entry["path"]).is_file()
        and (target / entry["path"]).read_bytes() == base64.b64decode(entry["after"])
    )
    with (target / written).open("a") as edited:
        edited.write("# the owner's change after the crash\n")
    before = state(target)
    code, output = aegis("components", "--path", target)
    assert code == 2, output
    assert f"these files changed since: {written}." in output
    unlocked = {path: data for path, data in before.items() if path != ".aegis/lock"}
    assert state(target) == unlocked  # the killed command's lock file went, nothing else
    (target / ".aegis/journal").unlink()
    assert aegis("components", "--path", target)[0] == 0
    assert "# the owner's change after the crash" in (target / written).read_text()
    assert [p.name for p in (target / ".aegis").iterdir()] == ["ledger.toml"]
