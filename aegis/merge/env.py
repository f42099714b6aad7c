"""Cutting a dotenv file (`.env`, `.env.example`) into chunks: variables and managed blocks.

A line `KEY=value` (or `export KEY=value`) is a node identified by KEY; the comment and
blank lines above it belong to it. A managed block (`# aegis:begin NAME` ... `# aegis:end
NAME`) is a node identified by NAME, its variables its children, so a block the new version
moved or rewrote merges with a variable the owner added or changed. Comments after the last
variable belong to the end of the file (or of the block).
"""

from __future__ import annotations

import re

from aegis.merge.chunks import Chunk


class Unsupported(Exception):
    """A line this cutter does not follow (a multi-line value, a stray marker): the caller
    merges the file line by line."""


_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=")
_BEGIN = re.compile(r"^# aegis:begin (\S+)[ \t]*$")
_END = re.compile(r"^# aegis:end (\S+)[ \t]*$")


def is_dotenv(name: str) -> bool:
    """Whether a file called `name` (no directory) is a dotenv file."""
    return name == ".env" or name.startswith(".env.") or name.endswith(".env")


def parse(text: str) -> Chunk:
    """The tree of a dotenv file; raises `Unsupported` on a line it does not follow."""
    lines = text.splitlines(keepends=True)
    children, index, tail = _variables(lines, 0, None)
    return Chunk(key="", label="the file", head="", children=tuple(children), tail=tail)


def _variables(lines: list[str], index: int, block: str | None) -> tuple[list[Chunk], int, str]:
    """The nodes from line `index` to the end of `block` (of the file if None), the line
    after it, and the comments left over with the end marker."""
    chunks: list[Chunk] = []
    pending: list[str] = []
    while index < len(lines):
        line = lines[index]
        stripped = line.rstrip("\r\n")
        index += 1
        end = _END.match(stripped)
        if end is not None:
            if end.group(1) != block:
                raise Unsupported(f"a stray end marker: {stripped}")
            return chunks, index, "".join(pending) + line
        begin = _BEGIN.match(stripped)
        if begin is not None:
            if block is not None:
                raise Unsupported(f"a block inside the block {block}: {stripped}")
            name = begin.group(1)
            inner, index, tail = _variables(lines, index, name)
            head = "".join(pending) + line
            label = f"block {name}"
            chunks.append(Chunk(f"aegis:{name}", label, head, tuple(inner), tail))
            pending = []
            continue
        if not stripped.strip() or stripped.lstrip().startswith("#"):
            pending.append(line)
            continue
        assignment = _ASSIGNMENT.match(stripped)
        if assignment is None:
            raise Unsupported(f"not a variable: {stripped}")
        name = assignment.group(1)
        chunks.append(Chunk(name, name, "".join(pending) + line))
        pending = []
    if block is not None:
        raise Unsupported(f"the block {block} has no end marker")
    return chunks, index, "".join(pending)
