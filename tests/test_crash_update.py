"""`aegis update` killed at every file operation (the mechanism of tests/test_crash.py: a
forked child that SIGKILLs itself at its N-th operation, for every N): the next command
leaves the project exactly as before the update or exactly as after it, byte for byte, files
and folders (so running the update again is running it on the original project, which the
fixture does once to know the state after).

Kinds of update:

- `0.1.0`: a project made by Aegis 0.1.0 (as its archive in releases/ gives it: no ledger,
  every file merged three ways), updated by this Aegis;
- `migration`: a project made by v1 of the probe pack (tests/test_ledger.py), updated to v2,
  whose migration moves a file before the replay;
- `keep-mine`, `take-new`: the same with the owner's change of the probe's owned file that v2
  also changes (a conflict), resolved with `--keep-mine` or `--take-new`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from aegis import cli
from aegis.catalog import Catalog
from aegis.testing.workbench import Workbench
from tests.aegis_helpers import CATALOG, tree_difference
from tests.crash_helpers import aegis, in_parallel, killed_at, made_by_010, operations_of, state
from tests.test_ledger import probe_catalog

pytestmark = pytest.mark.crash

NAME = "acme-ledger"
OWNED = ("app/core/probe.py", '"ok"', '"mine"')  # v2 changes this file too: a conflict


@dataclass
class Scenario:
    name: str
    source: Path  # the project before the update
    catalog: Catalog  # the Aegis that updates it
    flags: tuple[str, ...]
    before: dict[str, bytes]
    after: dict[str, bytes]

    def prepare(self, parent: Path) -> Path:
        parent.mkdir(parents=True, exist_ok=True)
        target = parent / self.source.name
        # Hard links: Aegis never writes a file in place, so the source never changes.
        shutil.copytree(self.source, target, copy_function=os.link)
        return target

    def args(self, target: Path) -> list[str]:
        return ["update", *self.flags, "--path", str(target)]


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scenario]:
    scratch = tmp_path_factory.mktemp("reference")
    v1, v2 = probe_catalog(scratch / "packs", 1), probe_catalog(scratch / "packs", 2)
    probed = Workbench(v1).init(scratch / "probe", [*CATALOG.sort({"redis"}), "probe"])
    conflicting = Workbench(v1).init(scratch / "conflict", [*CATALOG.sort({"redis"}), "probe"])
    path, old, new = OWNED
    (conflicting / path).write_text((conflicting / path).read_text().replace(old, new))
    sources = {
        "0.1.0": (made_by_010(scratch / "released", NAME), CATALOG, ()),
        "migration": (probed, v2, ()),
        "keep-mine": (conflicting, v2, ("--keep-mine",)),
        "take-new": (conflicting, v2, ("--take-new",)),
    }
    found = {}
    for name, (source, catalog, flags) in sources.items():
        scenario = Scenario(name, source, catalog, flags, state(source) or {}, {})
        target = scenario.prepare(scratch / f"after-{name}")
        with catalog_of(scenario):
            code, output = aegis(*scenario.args(target))
        assert code == 0, f"{name}: {output}"
        scenario.after = state(target) or {}
        assert scenario.after != scenario.before, name
        found[name] = scenario
    assert found["keep-mine"].after != found["take-new"].after
    return found


@contextmanager
def catalog_of(scenario: Scenario) -> Iterator[None]:
    """The command line's catalogue is the scenario's while inside (and in every process
    forked meanwhile)."""
    saved = cli._catalog
    cli._catalog = lambda: scenario.catalog
    try:
        yield
    finally:
        cli._catalog = saved


@pytest.mark.parametrize("kind", ["0.1.0", "migration", "keep-mine", "take-new"])
def test_update_killed_at_every_file_operation(tmp_path, scenarios, kind):
    scenario = scenarios[kind]
    with catalog_of(scenario):
        target = scenario.prepare(tmp_path / "count")
        points = operations_of(scenario.args(target))
        assert state(target) == scenario.after

        def kill_and_check(point: int) -> Callable[[], None]:
            def task() -> None:
                target = scenario.prepare(tmp_path / str(point))
                where = f"update {kind}, killed at file operation {point} of {points}"
                assert killed_at(scenario.args(target), point) is None, f"{where}: not killed"
                code, output = aegis("components", "--path", target)
                assert code == 0, f"{where}: {output}"
                recovered = state(target) or {}
                difference = tree_difference(scenario.before, recovered)
                assert recovered in (scenario.before, scenario.after), f"{where}: {difference}"
                shutil.rmtree(target.parent)

            return task

        tasks = [kill_and_check(point) for point in range(1, points + 1)]
        failures = in_parallel(tasks, tmp_path / "reports")
    assert not failures, f"{len(failures)} of {points} points failed; the first:\n{failures[0]}"
    print(f"update {kind}: killed at each of its {points} file operations")
    assert points > 100
