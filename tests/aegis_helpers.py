"""Aegis's own tests work on its whole catalogue: the `aegis.testing` helpers, bound to it."""

from __future__ import annotations

import ast
import signal
from collections.abc import Iterable, Sequence
from pathlib import Path

from aegis.catalog import Catalog
from aegis.migrations import Migration
from aegis.testing import cases
from aegis.testing.owner import make_owner_edits
from aegis.testing.workbench import Workbench, snapshot, tree_difference

CATALOG = Catalog.load()
SELECTABLE = [pack.name for pack in CATALOG.selectable]

__all__ = ["make_owner_edits", "snapshot", "tree_difference"]


def closure(names: Iterable[str]) -> frozenset[str]:
    """`names` and everything they require."""
    return cases.closure(CATALOG, names)


def allowed_sets() -> list[frozenset[str]]:
    return cases.allowed_sets(CATALOG)


def option_variants(components: Iterable[str]) -> list[dict[str, str]]:
    return cases.option_variants(CATALOG, components)


def label(components: Iterable[str], options: dict[str, str] | None = None) -> str:
    return cases.Case(frozenset(components), dict(options or {}), CATALOG).label


def init(
    parent: Path,
    components: Sequence[str] = (),
    options: dict[str, str] | None = None,
    name: str = "demo-svc",
) -> Path:
    return Workbench(CATALOG).init(parent, components, options, name)


def add(
    project: Path,
    names: Sequence[str],
    options: dict[str, str] | None = None,
    catalog: Catalog = CATALOG,
) -> bool:
    """Apply `aegis add`; True when it changed something."""
    return Workbench(catalog).add(project, names, options)


def remove(project: Path, names: Sequence[str], catalog: Catalog = CATALOG, **flags: bool) -> bool:
    return Workbench(catalog).remove(project, names, **flags)


def assigned(project: Path, path: str, name: str) -> str:
    """The source of the value bound to module-level `name`."""
    for node in ast.parse((project / path).read_text()).body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
            and node.value is not None
        ):
            return ast.unparse(node.value)
    raise AssertionError(f"no annotated assignment {name} in {path}")


def migrated(
    project: Path, migration: Migration, runs: int, catalog: Catalog = CATALOG
) -> dict[str, bytes]:
    """The project after `migration` ran `runs` times, each as its own command."""
    for _ in range(runs):
        Workbench(catalog).migrate(project, migration)
    return snapshot(project)


def interruptible() -> None:
    """For a spawned command, before it starts: Ctrl-C at its terminal interrupts it, even
    when this suite runs in the background, where SIGINT is ignored and children inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
