"""Cutting a block-style YAML file into chunks: mapping keys and sequence items, by indentation.

The comments and blank lines above a key or item belong to it. A sequence item is identified
by its text, an item `NAME=value` (a compose environment entry) by its name, a mapping item by
its first line. Anchors (`&app`), aliases and merge keys (`<<: *app`) are text like any
other, so they are kept as written. Documents (`---`) are merged one by one.
"""

from __future__ import annotations

import re

from aegis.merge.chunks import Chunk, blank_or_comment
from aegis.merge.inline import inline_commas, split_items


def parse(text: str) -> Chunk:
    """The tree of a YAML file; raises if it does not load."""
    check(text)
    lines = text.splitlines(keepends=True)
    documents: list[Chunk] = []
    start = 0
    for index, line in enumerate(lines):
        if _DOCUMENT.match(line) and index > 0:
            documents.append(_document(lines, start, index, len(documents)))
            start = index
    documents.append(_document(lines, start, len(lines), len(documents)))
    return Chunk(key="", label="the file", head="", children=tuple(documents))


_DOCUMENT = re.compile(r"^(---|\.\.\.)(\s|$)", re.MULTILINE)


def check(text: str) -> None:
    """Raises if `text` does not load (every document of it)."""
    from ruamel.yaml import YAML

    list(YAML(typ="base", pure=True).load_all(text))


def _document(lines: list[str], start: int, end: int, number: int) -> Chunk:
    head_end = start + 1 if start < end and _DOCUMENT.match(lines[start]) else start
    children, tail = _block(lines, head_end, end, "")
    return Chunk(
        key=f"document {number + 1}",
        label=f"document {number + 1}" if number else "the document",
        head="".join(lines[start:head_end]),
        children=tuple(children),
        tail="".join(lines[tail:end]),
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_KEY = re.compile(r"""^\s*(?:-\s+)?("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#'"][^#]*?)\s*:(?:\s|$)""")


def _block(lines: list[str], start: int, end: int, path: str) -> tuple[list[Chunk], int]:
    """The chunks of the nodes between `start` and `end`, and where trailing comments start."""
    chunks: list[Chunk] = []
    index = start
    while index < end:
        first = index
        while index < end and blank_or_comment(lines[index]):
            index += 1
        if index == end:
            return chunks, first
        line = lines[index]
        level = _indent(line)
        item = line.lstrip().startswith("- ") or line.strip() == "-"
        stop = index + 1
        while stop < end:
            following = lines[stop]
            if not blank_or_comment(following):
                deeper = _indent(following) > level
                same_level_list = (
                    not item and _indent(following) == level and following.lstrip()[:2] == "- "
                )
                if not (deeper or same_level_list):
                    break
            stop += 1
        # comments and blank lines at the end belong to what follows
        while stop > index + 1 and blank_or_comment(lines[stop - 1]):
            stop -= 1
        chunks.append(_node(lines, first, index, stop, path, item))
        index = stop
    return chunks, end


def _node(lines: list[str], first: int, line: int, stop: int, path: str, item: bool) -> Chunk:
    text = lines[line]
    head = "".join(lines[first : line + 1])
    whole = head + "".join(lines[line + 1 : stop])
    if item:
        key = _item_key("".join(lines[line:stop]))
        label = f"{path}: {key}" if path else key
        mapping = _mapping_item(lines, first, line, stop, f"{path}[{key}]", key, label)
        return mapping or Chunk(key=key, label=label, head=whole)
    match = _KEY.match(text)
    if match is None:
        body = "".join(lines[line:stop]).strip()
        return Chunk(key=body, label=f"{path}: {body[:60]}" if path else body[:60], head=whole)
    name = match.group(1).strip("\"'")
    label = f"{path}.{name}" if path else name
    value = text[match.end() :].split(" #")[0].strip()
    nested = stop > line + 1 and (not value or value.startswith(("&", "!")))
    if nested and not value.startswith(("|", ">")):
        children, tail = _block(lines, line + 1, stop, label)
        return Chunk(
            key=name,
            label=label,
            head=head,
            children=tuple(children),
            tail="".join(lines[tail:stop]),
        )
    if stop == line + 1 and value.startswith("["):
        flow = _flow_sequence(head[: len(head) - len(text)], text, match.end(), name, label)
        if flow is not None:
            return flow
    return Chunk(key=name, label=label, head=whole)


def _flow_sequence(above: str, text: str, after_key: int, name: str, label: str) -> Chunk | None:
    """The chunk of `key: [a, b]` on one line, its items as children."""
    opening = text.index("[", after_key)
    segments, closing = split_items(text, opening + 1)
    if closing is None:
        return None
    items = []
    for segment in segments:
        value = segment.strip().rstrip(",").strip()
        if not value or value.startswith(("[", "{")):
            return None
        key = value.strip("\"'")
        items.append(Chunk(key=key, label=f"{label}: {key}", head=segment))
    return Chunk(
        key=name,
        label=label,
        head=above + text[: opening + 1],
        children=tuple(items),
        tail=text[closing:],
        finish=inline_commas,
        lines=False,
    )


def _mapping_item(
    lines: list[str], first: int, line: int, stop: int, path: str, key: str, label: str
) -> Chunk | None:
    """An item that is a mapping (`- name: web` then its other keys), its keys as children;
    None if it is not one, or its first key holds more than a scalar."""
    text = lines[line]
    match = _KEY.match(text)
    if match is None or stop == line + 1:
        return None
    value = text[match.end() :].split(" #")[0].strip()
    if not value or value.startswith(("&", "!", "|", ">")):
        return None
    offset = len(text) - len(text.lstrip(" -"))
    following = next((i for i in range(line + 1, stop) if not blank_or_comment(lines[i])), None)
    if following is None or _indent(lines[following]) != offset:
        return None
    name = match.group(1).strip("\"'")
    children, tail = _block(lines, line + 1, stop, path)
    first_key = Chunk(key=name, label=f"{path}.{name}", head=text)
    return Chunk(
        key=key,
        label=label,
        head="".join(lines[first:line]),
        children=(first_key, *children),
        tail="".join(lines[tail:stop]),
    )


def _item_key(text: str) -> str:
    """Identity of a sequence item: `NAME` for `NAME=value`, else its first line's text."""
    first = text.strip().splitlines()[0]
    value = first[1:].strip() if first.startswith("-") else first
    value = value.split(" #")[0].strip()
    unquoted = value.strip("\"'")
    name, equals, _ = unquoted.partition("=")
    if equals and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return name
    return unquoted
