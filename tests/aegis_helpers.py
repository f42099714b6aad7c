"""Helpers shared by the engine, property and generated-project tests."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path

from aegis import engine
from aegis.catalog import Catalog

CATALOG = Catalog.load()
SELECTABLE = [pack.name for pack in CATALOG.selectable]


def closure(names: Iterable[str]) -> frozenset[str]:
    """`names` and everything they require."""
    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(CATALOG[name].requires)
    return frozenset(found)


def allowed_sets() -> list[frozenset[str]]:
    """Every set of components a project can have: closed under `requires`, no conflicts."""
    sets = set()
    for size in range(len(SELECTABLE) + 1):
        for combination in itertools.combinations(SELECTABLE, size):
            chosen = frozenset(combination)
            if closure(chosen) != chosen:
                continue
            if any(other in chosen for name in chosen for other in CATALOG[name].conflicts):
                continue
            sets.add(chosen)
    return sorted(sets, key=lambda s: (len(s), CATALOG.sort(s)))


def option_variants(components: Iterable[str]) -> list[dict[str, str]]:
    """Every combination of option values of the given components."""
    choices = [
        [(pack.option_key(option), value) for value in option.choices]
        for name in CATALOG.sort(components)
        for pack in [CATALOG[name]]
        for option in pack.options
    ]
    return [dict(combo) for combo in itertools.product(*choices)]


def label(components: Iterable[str], options: dict[str, str] | None = None) -> str:
    names = CATALOG.sort(components) or ["core"]
    extra = [f"{k}={v}" for k, v in sorted((options or {}).items())]
    return "+".join(names) + (f"[{','.join(extra)}]" if extra else "")


def init(
    parent: Path,
    components: Sequence[str] = (),
    options: dict[str, str] | None = None,
    name: str = "demo-svc",
) -> Path:
    target = parent / name
    engine.init(CATALOG, name, target, list(components), dict(options or {})).changes.apply()
    return target


def add(project: Path, names: Sequence[str], options: dict[str, str] | None = None) -> bool:
    """Apply `aegis add`; True when it changed something."""
    changes = engine.add(CATALOG, project, list(names), dict(options or {})).changes
    changes.apply()
    return bool(changes)


def remove(project: Path, names: Sequence[str], **flags: bool) -> bool:
    changes = engine.remove(CATALOG, project, list(names), **flags).changes
    changes.apply()
    return bool(changes)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (caches excluded), by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not {"__pycache__", ".pytest_cache", ".ruff_cache", ".git"} & set(
            path.relative_to(root).parts
        )
    }


def tree_difference(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    """Readable list of paths that differ, for assertion messages."""
    paths = sorted(set(left) | set(right))
    return [p for p in paths if left.get(p) != right.get(p)]
