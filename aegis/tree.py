"""A virtual file tree over a project directory: reads fall through to disk, writes are staged.

Nothing here touches the disk except reads. Every write is recorded in the current *step* (one
per pack), so the change set can show which pack changed what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Step:
    """The files one pack (or the core render) changed: path -> (before, after)."""

    name: str
    before: dict[str, str | None] = field(default_factory=dict)
    after: dict[str, str | None] = field(default_factory=dict)


class VirtualTree:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._staged: dict[str, str | None] = {}
        self._disk: dict[str, str | None] = {}
        self.steps: list[Step] = []

    def read(self, path: str) -> str | None:
        """The file's current text, or None if it does not exist."""
        if path in self._staged:
            return self._staged[path]
        return self.original(path)

    def original(self, path: str) -> str | None:
        """The file as it is on disk."""
        if path not in self._disk:
            target = self.root / path
            self._disk[path] = target.read_bytes().decode("utf-8") if target.is_file() else None
        return self._disk[path]

    def exists(self, path: str) -> bool:
        return self.read(path) is not None

    def write(self, path: str, text: str) -> None:
        self._record(path, text)

    def delete(self, path: str) -> None:
        self._record(path, None)

    def begin(self, name: str) -> None:
        """Start attributing writes to `name`."""
        self.steps.append(Step(name))

    def changed_paths(self) -> list[str]:
        return sorted(p for p, text in self._staged.items() if text != self.original(p))

    def _record(self, path: str, text: str | None) -> None:
        if not self.steps:
            self.begin("aegis")
        step = self.steps[-1]
        if path not in step.before:
            step.before[path] = self.read(path)
        step.after[path] = text
        self._staged[path] = text
