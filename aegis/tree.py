"""A virtual file tree over a project directory: reads fall through to disk, writes are staged.

Nothing here touches the disk except reads. Every write is recorded in the current *step* (one
per pack), so the change set can show which pack changed what.
"""

from __future__ import annotations

import re
from pathlib import Path

from aegis.confined import ProjectFiles
from aegis.errors import FileAccessError
from aegis.plain import Plain, field

# PEP 263: a coding declaration on one of the first two lines of a Python file.
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_UTF8 = {"utf-8", "utf8", "utf_8", "utf-8-sig", "u8", "utf", "cp65001"}


class Step(Plain, frozen=False):
    """The files one pack (or the core render) changed: path -> (before, after)."""

    name: str
    before: dict[str, str | None] = field(default_factory=dict)
    after: dict[str, str | None] = field(default_factory=dict)


class VirtualTree:
    def __init__(self, files: ProjectFiles | Path) -> None:
        self.files = files if isinstance(files, ProjectFiles) else ProjectFiles(files)
        self.root = self.files.root
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
            data = self.files.read(path)
            self._disk[path] = None if data is None else decode(path, data)
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


def decode(path: str, data: bytes) -> str:
    """The text of a file Aegis reads: UTF-8 (a BOM is kept as U+FEFF), else an error that
    names the file. A Python file that declares another encoding (PEP 263) is refused."""
    if path.endswith(".py"):
        for line in data.removeprefix(b"\xef\xbb\xbf").splitlines()[:2]:
            declared = _CODING.match(line)
            if declared and declared.group(1).decode("ascii", "replace").lower() not in _UTF8:
                raise FileAccessError(
                    f"{path} declares the encoding {declared.group(1).decode()} (PEP 263). "
                    "Aegis edits UTF-8 files only: convert it (for example with `iconv -t "
                    "utf-8`) and change its coding line to utf-8, then run again."
                )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileAccessError(
            f"{path} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}). Aegis edits UTF-8 files only: convert it (for example with "
            "`iconv -t utf-8`), then run again."
        ) from None
