"""Trees of text chunks: the nodes of TOML and YAML files, cut from their text.

A chunk is a node's exact text: a head (the comments above it and its first line), its
children if it has any, and a tail. Joining a tree's chunks gives back the file byte for
byte, so what neither side touched keeps its layout and comments.

The head of a node both sides changed is merged in three parts: the blank lines above it,
the comment lines after them (its leading comment) and the rest, so that a comment one side
put above a key merges with the other side's change of the key itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from aegis.merge.core import Context, SequenceMerge, merge_atom, pick


@dataclass(frozen=True)
class Chunk:
    """A node: its key among its siblings, a readable name, and its text in parts."""

    key: str
    label: str
    head: str
    children: tuple[Chunk, ...] | None = None
    tail: str = ""
    # Called on the merged children of this node (a TOML array puts back its commas).
    finish: Callable[[list[Chunk]], list[Chunk]] | None = None
    # Whether the children are whole lines (not the items of a one-line array).
    lines: bool = True

    @property
    def text(self) -> str:
        return self.head + join(self.children or (), self.lines) + self.tail


def join(chunks: tuple[Chunk, ...] | list[Chunk], lines: bool = True) -> str:
    """The text of consecutive chunks; a line moved off the end of a file gets its newline."""
    parts = []
    for index, chunk in enumerate(chunks):
        text = chunk.text
        if lines and index < len(chunks) - 1 and text and not text.endswith("\n"):
            text += "\n"
        parts.append(text)
    return "".join(parts)


def _text(chunk: Chunk) -> str:
    return chunk.text


def _label(chunk: Chunk) -> str:
    return chunk.label


_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


def blank_or_comment(line: str) -> bool:
    """A blank line or a `#` comment line (TOML and YAML alike)."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def leading(text: str) -> tuple[str, str, str]:
    """`text` cut into the blank lines it starts with, the comment (and blank) lines after
    them, and the rest from its first line of code."""
    lines = _LINE.findall(text)
    blank = 0
    while blank < len(lines) and lines[blank].endswith("\n") and not lines[blank].strip():
        blank += 1
    code = blank
    while code < len(lines) and lines[code].endswith("\n") and blank_or_comment(lines[code]):
        code += 1
    return "".join(lines[:blank]), "".join(lines[blank:code]), "".join(lines[code:])


def merge_leading(base: str, mine: str, theirs: str) -> str | None:
    """The merge of three versions of a node's text, its blank lines above, its leading
    comment and its code each taken from the side that changed it; None if both sides
    changed one of them differently."""
    merged = []
    for b, m, t in zip(leading(base), leading(mine), leading(theirs), strict=True):
        chosen = pick(b, m, t, str)
        if chosen is None:
            return None
        merged.append(chosen)
    return "".join(merged)


def _deeper(base: Chunk, mine: Chunk, theirs: Chunk, context: Context) -> Chunk | None:
    if base.children is None or mine.children is None or theirs.children is None:
        if any(chunk.children is not None or chunk.tail for chunk in (base, mine, theirs)):
            return None
        head = merge_leading(base.head, mine.head, theirs.head)
        return None if head is None else replace(theirs, head=head)
    head = merge_leading(base.head, mine.head, theirs.head)
    if head is None:
        head = merge_atom(theirs.label, base.head, mine.head, theirs.head, context)
    children = merge_chunks(base.children, mine.children, theirs.children, context)
    tail = merge_atom(f"the end of {theirs.label}", base.tail, mine.tail, theirs.tail, context)
    if theirs.finish is not None:
        children = theirs.finish(children)
    return replace(theirs, head=head, children=tuple(children), tail=tail)


def _empty(chunk: Chunk) -> Chunk | None:
    if chunk.children is None:
        return None
    return replace(chunk, head="", children=(), tail="")


_CHUNKS: SequenceMerge[Chunk] = SequenceMerge(
    key=lambda chunk: chunk.key, text=_text, label=_label, deeper=_deeper, empty=_empty
)


def merge_chunks(
    base: tuple[Chunk, ...], mine: tuple[Chunk, ...], theirs: tuple[Chunk, ...], context: Context
) -> list[Chunk]:
    """The merged sequence of sibling chunks."""
    merged, _ = _CHUNKS.merge(base, mine, theirs, context)
    return merged


def merge_trees(base: Chunk, mine: Chunk, theirs: Chunk, context: Context) -> str:
    """The merged text of three whole-file trees."""
    merged = _deeper(base, mine, theirs, context)
    assert merged is not None  # a file's root always has children
    return merged.text
