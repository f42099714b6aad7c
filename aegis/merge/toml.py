"""Cutting a TOML document into chunks: tables, their keys, and the items of multi-line arrays.

The comments and blank lines above a table or key belong to it. An array item is identified
by its value; in a dependency array, by the requirement's name, so that a version bump on one
side and an unrelated addition on the other both survive.
"""

from __future__ import annotations

import re
import tomllib

from aegis.edit.base import EditError
from aegis.edit.identity import dependency_identity
from aegis.merge.chunks import Chunk, blank_or_comment
from aegis.merge.inline import inline_commas, split_items, string_end


class Unsupported(Exception):
    """A layout this cutter does not follow: the caller merges the node whole."""


def parse(text: str) -> Chunk:
    """The tree of a TOML document; raises if it is not valid TOML."""
    check(text)
    lines = text.splitlines(keepends=True)
    depths = _depths(lines)
    sections: list[Chunk] = []
    start = 0
    pending = 0  # start of the comment lines above the next header
    for index, line in enumerate(lines):
        if depths[index] == 0 and _is_header(line):
            cut = _comments_start(lines, start, index)
            sections.append(_section(lines, depths, start, cut, sections))
            start = cut
            pending = index
    del pending
    sections.append(_section(lines, depths, start, len(lines), sections))
    return Chunk(key="", label="the file", head="", children=tuple(sections))


def check(text: str) -> None:
    """Raises if `text` is not valid TOML."""
    tomllib.loads(text)


def _is_header(line: str) -> bool:
    return line.lstrip().startswith("[")


def _comments_start(lines: list[str], floor: int, index: int) -> int:
    """The first of the comment and blank lines just above line `index`."""
    while index > floor and blank_or_comment(lines[index - 1]):
        index -= 1
    return index


def _depths(lines: list[str]) -> list[int]:
    """For each line, the bracket depth at its start (-1 inside a multi-line string)."""
    depths = []
    depth = 0
    quote: str | None = None  # the multi-line string delimiter we are inside
    for line in lines:
        depths.append(-1 if quote else depth)
        if depth == 0 and quote is None and _is_header(line):
            continue
        i = 0
        while i < len(line):
            if quote is not None:
                end = line.find(quote, i)
                if end < 0:
                    break
                i, quote = end + 3, None
                continue
            char = line[i]
            if char == "#":
                break
            if line.startswith('"""', i) or line.startswith("'''", i):
                quote = line[i : i + 3]
                i += 3
                continue
            if char in "\"'":
                i = string_end(line, i)
                continue
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            i += 1
    return depths


_HEADER_NAME = re.compile(r"^\s*(\[\[?)\s*(.*?)\s*(\]\]?)")


def _section(
    lines: list[str], depths: list[int], start: int, end: int, before: list[Chunk]
) -> Chunk:
    """The chunk of the table whose comments start at `start` (the preamble if none)."""
    header = start
    while header < end and blank_or_comment(lines[header]):
        header += 1
    if header < end and depths[header] == 0 and _is_header(lines[header]):
        match = _HEADER_NAME.match(lines[header])
        name = re.sub(r"\s+", "", match.group(2)) if match else lines[header].strip()
        brackets = match.group(1) if match else "["
        key = f"{brackets}{name}"
        if brackets == "[[":  # arrays of tables repeat their header: told apart by position
            key += f"#{sum(1 for c in before if c.key.startswith(key))}"
        head_end = header + 1
        label = f"[{name}]" if brackets == "[" else f"[[{name}]]"
    else:
        key, name, label, head_end = "", "", "the top of the file", start
    children, tail_start = _entries(lines, depths, head_end, end, name)
    return Chunk(
        key=key,
        label=label,
        head="".join(lines[start:head_end]),
        children=tuple(children),
        tail="".join(lines[tail_start:end]),
    )


_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.\- ]+?))\s*=""")


def _entries(
    lines: list[str], depths: list[int], start: int, end: int, table: str
) -> tuple[list[Chunk], int]:
    """The key/value chunks of a table's body, and where its trailing comments start."""
    entries: list[Chunk] = []
    index = start
    while index < end:
        first = index
        while index < end and blank_or_comment(lines[index]):
            index += 1
        if index == end:
            return entries, first
        stop = index + 1
        while stop < end and depths[stop] != 0:
            stop += 1
        entries.append(_entry(lines, first, index, stop, table))
        index = stop
    return entries, end


def _entry(lines: list[str], first: int, line: int, stop: int, table: str) -> Chunk:
    match = _KEY.match(lines[line])
    name = re.sub(r"\s+", "", match.group(1)) if match else lines[line].strip()
    label = f"[{table}] {name}" if table else name
    head = "".join(lines[first : line + 1])
    if stop - line > 2 and lines[line].rstrip().endswith("[") and match:
        try:
            items = _items(lines, line + 1, stop - 1, label, _dependencies(table, name))
        except Unsupported:
            pass
        else:
            return Chunk(
                key=name,
                label=label,
                head=head,
                children=tuple(items),
                tail=lines[stop - 1],
                finish=_commas,
            )
    if stop == line + 1 and match:
        inline = _inline_array(lines[first:line], lines[line], match.end(), name, label, table)
        if inline is not None:
            return inline
    return Chunk(key=name, label=label, head=head + "".join(lines[line + 1 : stop]))


def _inline_array(
    above: list[str], line: str, after_key: int, name: str, label: str, table: str
) -> Chunk | None:
    """The chunk of `key = [a, b]` written on one line, its items as children."""
    opening = len(line) - len(line[after_key:].lstrip())
    if not line.startswith("[", opening):
        return None
    segments, closing = split_items(line, opening + 1)
    if closing is None:
        return None
    requirements = _dependencies(table, name)
    items = []
    for segment in segments:
        value = segment.strip().rstrip(",").strip()
        if not value:
            return None
        key = _item_key(value, requirements)
        items.append(Chunk(key=key, label=f"{label}: {key}", head=segment))
    return Chunk(
        key=name,
        label=label,
        head="".join(above) + line[: opening + 1],
        children=tuple(items),
        tail=line[closing:],
        finish=inline_commas,
        lines=False,
    )


def _dependencies(table: str, key: str) -> bool:
    return (
        key.endswith("dependencies")
        or table in ("project.optional-dependencies", "dependency-groups")
        or "dependencies" in table
    )


def _items(lines: list[str], start: int, end: int, label: str, requirements: bool) -> list[Chunk]:
    """The items of a multi-line array, one a line (with the comments above it)."""
    if not lines[end].lstrip().startswith("]"):
        raise Unsupported
    items = []
    first = start
    for index in range(start, end):
        if blank_or_comment(lines[index]):
            continue
        value = _value(lines[index])
        if value is None:
            raise Unsupported
        key = _item_key(value, requirements)
        items.append(
            Chunk(key=key, label=f"{label}: {key}", head="".join(lines[first : index + 1]))
        )
        first = index + 1
    if first < end:
        raise Unsupported  # comments after the last item stay with the array, unmerged
    return items


def _value(line: str) -> str | None:
    """The value of a line that holds exactly one array item, without its comma."""
    text = _split_comment(line)[0].strip()
    try:
        values = tomllib.loads(f"x = [{text}]")["x"]
    except tomllib.TOMLDecodeError:
        return None
    if len(values) != 1:
        return None
    return text.rstrip(",").strip()


def _item_key(value: str, requirements: bool) -> str:
    parsed = tomllib.loads(f"x = {value}")["x"]
    if requirements and isinstance(parsed, str):
        try:
            return dependency_identity(str(parsed))
        except EditError:
            return str(parsed)
    return str(parsed) if isinstance(parsed, str) else value


def _commas(items: list[Chunk]) -> list[Chunk]:
    """Every item but the last ends with a comma, whichever side it came from."""
    fixed = []
    for index, item in enumerate(items):
        head = item.head
        body = head.rstrip("\n")
        line_end = head[len(body) :]
        last_line = body.rsplit("\n", 1)[-1]
        if index < len(items) - 1 and not _value_with_comma(last_line):
            code, hash_, comment = _split_comment(last_line)
            body = (
                body[: len(body) - len(last_line)]
                + code.rstrip()
                + ","
                + ((" " + hash_ + comment) if hash_ else "")
            )
            head = body + line_end
        fixed.append(Chunk(key=item.key, label=item.label, head=head))
    return fixed


def _value_with_comma(line: str) -> bool:
    code, _, _ = _split_comment(line)
    return code.rstrip().endswith(",")


def _split_comment(line: str) -> tuple[str, str, str]:
    """The line's code, `#` and comment (strings may hold a `#`)."""
    i = 0
    while i < len(line):
        if line[i] in "\"'":
            i = string_end(line, i)
            continue
        if line[i] == "#":
            return line[:i], "#", line[i + 1 :]
        i += 1
    return line, "", ""
