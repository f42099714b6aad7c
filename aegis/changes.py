"""The change set of a command: shown as a unified diff, or written atomically."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aegis.tree import Step, VirtualTree


@dataclass(frozen=True)
class FileChange:
    path: str
    before: str | None
    after: str | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "created"
        return "deleted" if self.after is None else "modified"

    def counts(self) -> tuple[int, int]:
        added = removed = 0
        for line in _hunk_lines(self):
            if line.startswith("+"):
                added += 1
            elif line.startswith("-"):
                removed += 1
        return added, removed


class ChangeSet:
    """What a command would do to a project, step by step (one step per pack)."""

    def __init__(self, tree: VirtualTree) -> None:
        self.root = tree.root
        self.changes = [FileChange(p, tree.original(p), tree.read(p)) for p in tree.changed_paths()]
        self.steps = [step for step in tree.steps if _step_changes(step)]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def diff(self) -> str:
        """A patch for `git apply`: one section per pack, each preceded by `# aegis: <pack>`.

        A file that ends up deleted appears once, deleted by the pack that deletes it (git
        cannot apply a deletion to a file an earlier section of the same patch modified).
        """
        net = {change.path: change for change in self.changes}
        sections = []
        for step in self.steps:
            patches = []
            for change in _step_changes(step):
                final = net.get(change.path)
                if final is not None and final.kind == "deleted":
                    if change.after is not None:
                        continue  # superseded by the deletion
                    change = final
                elif final is None and None in (change.before, change.after):
                    continue  # created, then deleted again: nothing to show
                patches.append(_file_patch(change))
            if patches:
                sections.append(f"# aegis: {step.name}\n{''.join(patches)}")
        return "".join(sections)

    def apply(self) -> None:
        """Write every change; on any failure put back what was already written."""
        done: list[tuple[Path, bytes | None]] = []
        created_dirs: list[Path] = []
        temporary: Path | None = None
        try:
            for change in self.changes:
                target = self.root / change.path
                original = target.read_bytes() if target.is_file() else None
                if change.after is None:
                    target.unlink()
                    done.append((target, original))
                    _prune_empty_parents(target.parent, self.root)
                    continue
                created_dirs.extend(_make_parents(target.parent))
                temporary = target.with_name(f".{target.name}.aegis-tmp")
                temporary.write_text(change.after, encoding="utf-8", newline="")
                if original is not None:
                    os.chmod(temporary, target.stat().st_mode)
                os.replace(temporary, target)
                done.append((target, original))
                temporary = None
        except BaseException:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
            for target, original in reversed(done):
                if original is None:
                    target.unlink(missing_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(original)
            for directory in reversed(created_dirs):
                if directory.is_dir() and not any(directory.iterdir()):
                    directory.rmdir()
            raise


def _step_changes(step: Step) -> list[FileChange]:
    return [
        FileChange(path, step.before[path], after)
        for path, after in sorted(step.after.items())
        if step.before[path] != after
    ]


def _file_patch(change: FileChange) -> str:
    header = [f"diff --git a/{change.path} b/{change.path}\n"]
    if change.kind == "created":
        header.append("new file mode 100644\n")
    elif change.kind == "deleted":
        header.append("deleted file mode 100644\n")
    hunks = "".join(_hunk_lines(change))
    if not hunks:  # an empty file created or deleted: git wants the header alone
        return "".join(header)
    before = "/dev/null" if change.before is None else f"a/{change.path}"
    after = "/dev/null" if change.after is None else f"b/{change.path}"
    header += [f"--- {before}\n", f"+++ {after}\n"]
    return "".join(header) + hunks


def _hunk_lines(change: FileChange) -> Iterator[str]:
    old = _lines(change.before)
    new = _lines(change.after)
    lines = difflib.unified_diff(old, new, n=3)
    for line in list(lines)[2:]:  # drop the ---/+++ header
        if line.endswith("\n"):
            yield line
        else:
            yield line + "\n\\ No newline at end of file\n"


def _lines(text: str | None) -> list[str]:
    return [] if text is None else text.splitlines(keepends=True)


def _make_parents(directory: Path) -> list[Path]:
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _prune_empty_parents(directory: Path, root: Path) -> None:
    while directory != root and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent
