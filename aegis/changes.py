"""The change set of a command: shown as a unified diff, or written as one transaction."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from aegis.plain import Plain
from aegis.tree import Step, VirtualTree


class FileChange(Plain):
    path: str
    before: str | None
    after: str | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "created"
        return "deleted" if self.after is None else "modified"

    def counts(self) -> tuple[int, int]:
        """The lines added and removed: the `+` and `-` lines of the file's patch, counted
        from the matcher's opcodes without writing the patch out (every opcode that is not
        `equal` is in a hunk, whole; hunks add only context)."""
        added = removed = 0
        matcher = difflib.SequenceMatcher(None, _lines(self.before), _lines(self.after))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                removed += i2 - i1
                added += j2 - j1
        return added, removed


class ChangeSet:
    """What a command would do to a project, step by step (one step per pack)."""

    def __init__(self, tree: VirtualTree) -> None:
        self.root = tree.root
        self.files = tree.files
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

    def apply(self, command: str = "aegis") -> None:
        """Write every change as one transaction (see `aegis.transaction`): after this, or
        after a crash and the next command, the project is exactly before or after."""
        from aegis import transaction

        transaction.run(self.files, [(c.path, c.before, c.after) for c in self.changes], command)


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
