"""Projects for tests: generate, add, remove and preview with a given catalogue, and compare
whole trees byte for byte."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aegis import engine
from aegis.catalog import Catalog

if TYPE_CHECKING:
    from aegis.migrations import Migration

IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".git", ".venv"}
SECRETS_FILE = ".env"
_ASSIGNMENT = re.compile(rb"^([ \t]*(?:export[ \t]+)?[A-Za-z_]\w*[ \t]*=)[^\r\n]*", re.M)


@dataclass(frozen=True)
class Workbench:
    """The engine's commands on a catalogue, as a test calls them."""

    catalog: Catalog

    def init(
        self,
        parent: Path,
        components: Sequence[str] = (),
        options: dict[str, str] | None = None,
        name: str = "demo-svc",
    ) -> Path:
        """`aegis init NAME -c ...` into `parent/name`; the project's folder."""
        target = parent / name
        outcome = engine.init(self.catalog, name, target, list(components), dict(options or {}))
        outcome.changes.apply()
        return target

    def add(
        self, project: Path, names: Sequence[str], options: dict[str, str] | None = None
    ) -> bool:
        """`aegis add`; True when it changed something."""
        changes = engine.add(self.catalog, project, list(names), dict(options or {})).changes
        changes.apply()
        return bool(changes)

    def remove(self, project: Path, names: Sequence[str], **flags: bool) -> bool:
        """`aegis remove`; True when it changed something."""
        changes = engine.remove(self.catalog, project, list(names), **flags).changes
        changes.apply()
        return bool(changes)

    def preview_add(
        self, project: Path, names: Sequence[str], options: dict[str, str] | None = None
    ) -> str:
        """What `aegis diff add` prints."""
        outcome = engine.add(self.catalog, project, list(names), dict(options or {}), per_pack=True)
        return outcome.changes.diff()

    def migrate(self, project: Path, migration: Migration) -> bool:
        """Run one migration on the project, alone, as a command would (its files and the
        ledger's records); True when it changed something."""
        from aegis.changes import ChangeSet
        from aegis.confined import ProjectFiles
        from aegis.ledger import LEDGER, loads
        from aegis.migrations import Files
        from aegis.tree import VirtualTree

        tree = VirtualTree(ProjectFiles(project))
        ledger = loads(tree.read(LEDGER))
        migration.run(Files(tree), list(ledger.packs.values()))
        tree.write(LEDGER, ledger.dumps(self.catalog.position))
        changes = ChangeSet(tree)
        changes.apply()
        return bool(changes)

    def preview_remove(self, project: Path, names: Sequence[str]) -> str:
        """What `aegis diff remove` prints."""
        return engine.remove(self.catalog, project, list(names), per_pack=True).changes.diff()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (caches excluded), by relative path.

    `.env` is git-ignored and holds secrets Aegis generates at random (see `EnvSecret`): it
    is compared with every value blanked (`KEY=`), so the byte-for-byte invariants hold for
    its keys, comments and layout, and say nothing of values.
    """
    return {
        path.relative_to(root).as_posix(): _comparable(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not IGNORED_PARTS & set(path.relative_to(root).parts)
    }


def _comparable(path: Path) -> bytes:
    return comparable(path.name, path.read_bytes())


def comparable(name: str, content: bytes) -> bytes:
    """The bytes of a file named `name` as the invariants compare them (`.env` values
    blanked)."""
    return _ASSIGNMENT.sub(rb"\1", content) if name == SECRETS_FILE else content


def copy_secrets(source: Path, target: Path) -> None:
    """Give `target` the `.env` of `source` (its generated values differ on every run)."""
    if (source / SECRETS_FILE).is_file():
        shutil.copyfile(source / SECRETS_FILE, target / SECRETS_FILE)


def tree_difference(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    """The paths that differ, for assertion messages."""
    return [p for p in sorted(set(left) | set(right)) if left.get(p) != right.get(p)]


def assert_same_tree(left: Path, right: Path) -> None:
    a, b = snapshot(left), snapshot(right)
    assert a == b, f"trees differ at: {tree_difference(a, b)}"


def git_apply(directory: Path, patch: str) -> None:
    """Apply a patch as `git apply` would (outside any repository)."""
    subprocess.run(
        ["git", "apply", "--whitespace=nowarn", "-"],
        input=patch,
        text=True,
        cwd=directory,
        check=True,
    )
