"""Update of a project made before the ledger (Aegis 0.1.0): nothing in the project says what
was generated and what is the owner's, so the text its version generated comes from that
version's archive (`aegis.released`), and each file is merged three ways (`aegis.threeway`)
with what the installed Aegis's `init` gives for the same packs and options. The ledger
written is the one that `init` writes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from aegis import released
from aegis.catalog import Catalog
from aegis.threeway import Conflict, Resolution, merge_file
from aegis.tree import VirtualTree


def base_of(
    tree: VirtualTree, name: str, components: list[str], options: Mapping[str, str]
) -> dict[str, str] | None:
    """What the project's version generated for it, when that version is shipped."""
    import tomllib

    text = tree.read("pyproject.toml") or ""
    version = str(tomllib.loads(text).get("tool", {}).get("aegis", {}).get("version", ""))
    return released.generated(version, components, options, name) if version else None


def rebase(
    catalog: Catalog,
    tree: VirtualTree,
    name: str,
    base: Mapping[str, str],
    components: list[str],
    options: dict[str, str],
    resolve: Resolution,
) -> list[Conflict]:
    """Write into `tree` the merge of each file; return the conflicts (nothing of which is
    resolved in the tree)."""
    theirs = fresh(catalog, name, components, options)
    conflicts: list[Conflict] = []
    for path in sorted(set(base) | set(theirs)):
        mine = tree.read(path)
        result, found = merge_file(path, base.get(path), mine, theirs.get(path), resolve)
        conflicts += found
        if found or result == mine:
            continue
        if result is None:
            tree.delete(path)
        else:
            tree.write(path, result)
    return conflicts


def fresh(
    catalog: Catalog, name: str, components: list[str], options: dict[str, str]
) -> dict[str, str]:
    """What the installed Aegis's `init` writes for the project (nothing is written)."""
    from aegis import engine

    with tempfile.TemporaryDirectory(prefix="aegis-update-") as scratch:
        outcome = engine.init(catalog, name, Path(scratch) / name, components, options)
        return {
            change.path: change.after
            for change in outcome.changes.changes
            if change.after is not None
        }
