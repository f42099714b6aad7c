"""Trees of text chunks: the nodes of TOML and YAML files, cut from their text.

A chunk is a node's exact text: a head (the comments above it and its first line), its
children if it has any, and a tail. Joining a tree's chunks gives back the file byte for
byte, so what neither side touched keeps its layout and comments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from aegis.merge.core import Context, SequenceMerge, merge_atom


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


def _deeper(base: Chunk, mine: Chunk, theirs: Chunk, context: Context) -> Chunk | None:
    if base.children is None or mine.children is None or theirs.children is None:
        return None
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
