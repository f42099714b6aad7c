"""Managed blocks in text files (.env.example, Makefile, README.md).

A block is delimited by marker lines, `# aegis:begin KEY` ... `# aegis:end KEY` (style
"hash") or `<!-- aegis:begin KEY -->` ... `<!-- aegis:end KEY -->` (style "html"). Each
block is preceded by one blank line; blocks keep a canonical order by rank.

A block may belong to a *region*: a place in the middle of the file, marked by a line
`# aegis:region NAME` (or `<!-- aegis:region NAME -->`), e.g. the README's layout list.
Its key is `NAME:...`; it is ordered among the blocks of its region only, before the
marker by default. Blocks of no region are ordered among themselves, at the end of the file
by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aegis.edit.base import AnchorNotFound, EditError, Placement, insertion_index
from aegis.plain import Plain

_MARKERS = {
    "hash": ("# aegis:{which} {key}", r"# aegis:{which} (\S+)"),
    "html": ("<!-- aegis:{which} {key} -->", r"<!-- aegis:{which} (\S+) -->"),
}


class _Block(Plain):
    key: str
    start: int  # offset of the begin line
    end: int  # offset just after the end line (and its newline)


def _marker(style: str, which: str, key: str) -> str:
    if style not in _MARKERS:
        raise ValueError(f"unknown block style {style!r} (expected 'hash' or 'html')")
    return _MARKERS[style][0].format(which=which, key=key)


def _marker_lines(text: str, style: str, which: str) -> Iterator[re.Match[str]]:
    """The marker lines `which` ("begin", "region") of `style` in `text`."""
    pattern = _MARKERS[style][1].replace("{which}", which)
    return re.compile(rf"^{pattern}[ \t]*$", re.MULTILINE).finditer(text)


def _regions(text: str, style: str) -> dict[str, int]:
    """The region markers of `text`: name -> offset of the marker line."""
    return {match.group(1): match.start() for match in _marker_lines(text, style, "region")}


def _blocks(text: str, style: str) -> list[_Block]:
    """The managed blocks of `style` in `text`, in file order."""
    blocks = []
    for match in _marker_lines(text, style, "begin"):
        key = match.group(1)
        end = _line_end_after(text, _marker(style, "end", key), match.end())
        if end is None:
            raise EditError(f"the managed block `{key}` has no end marker")
        blocks.append(_Block(key, match.start(), end))
    return blocks


def _line_end_after(text: str, line: str, start: int) -> int | None:
    """Where the first line after `start` that is `line` (and blanks) ends, its newline
    included; a search without a pattern compiled for each key."""
    found = text.find(line, start)
    while found >= 0:
        if found == 0 or text[found - 1] == "\n":
            end = found + len(line)
            while end < len(text) and text[end] in " \t":
                end += 1
            if end == len(text):
                return end
            if text[end] == "\n":
                return end + 1
        found = text.find(line, found + 1)
    return None


def block_text(key: str, body: str, style: str = "hash") -> str:
    """The text of a block: begin marker, body, end marker, each ending in a newline."""
    lines = [_marker(style, "begin", key)]
    if body.strip("\n"):
        lines.append(body.strip("\n"))
    lines.append(_marker(style, "end", key))
    return "\n".join(lines) + "\n"


def _region_of(key: str) -> str:
    return key.split(":", 1)[0]


def add_block(
    text: str, key: str, body: str, placement: Placement, style: str = "hash", region: str = ""
) -> str:
    """Add the managed block `key` (unchanged if a block of that key is there).

    Its position follows the ranks of the other blocks (of its region); by default it goes
    at the end of the file, after one blank line (before the region's marker).
    """
    new = block_text(key, body, style)
    regions = _regions(text, style)
    if region and region not in regions:
        raise AnchorNotFound(f"the line `{_marker(style, 'region', region)}`")
    everything = _blocks(text, style)
    if key in [block.key for block in everything]:
        return text
    if region:
        blocks = [block for block in everything if _region_of(block.key) == region]
    else:
        blocks = [block for block in everything if _region_of(block.key) not in regions]
    keys = [block.key for block in blocks]
    pos = insertion_index(keys, placement, len(keys))
    if pos < len(keys):
        start = blocks[pos].start
        return text[:start] + new + "\n" + text[start:]
    ranks = [placement.rank_of(k) for k in keys]
    if any(rank is not None and rank < placement.rank for rank in ranks):
        end = blocks[-1].end
        if end < len(text):
            return text[:end] + "\n" + new + text[end:]
    if region:
        start = regions[region]
        return text[:start] + new + "\n" + text[start:]
    if not text:
        return new
    if text.endswith("\n"):
        return text + "\n" + new
    return text + "\n\n" + new.removesuffix("\n")  # a file without a final newline keeps so


def remove_block(text: str, key: str, style: str = "hash") -> str:
    """Remove the managed block `key` and the blank line that separates it."""
    blocks = _blocks(text, style)
    found = [block for block in blocks if block.key == key]
    if not found:
        return text
    block = found[0]
    start, end = block.start, block.end
    marks = [other.start for other in blocks] + list(_regions(text, style).values())
    if end + 1 in marks and text[end] == "\n":
        return text[:start] + text[end + 1 :]
    if text[:start].endswith("\n\n"):
        start -= 2 if end == len(text) and not text.endswith("\n") else 1
    elif start == 0 and text[end : end + 1] == "\n":
        end += 1
    return text[:start] + text[end:]


# -- generated secrets in .env ---------------------------------------------------------

_SECRET_MARKER = "# aegis:secret {key} (random; .env is git-ignored, never commit it)"


def _assigns(text: str, key: str) -> bool:
    """Whether some line of a dotenv text sets `key` (`KEY=...` or `export KEY=...`)."""
    return re.search(rf"^[ \t]*(export[ \t]+)?{re.escape(key)}[ \t]*=", text, re.M) is not None


def random_token(nbytes: int) -> str:
    """`nbytes` bytes from `os.urandom`, URL-safe base64 without padding: what
    `secrets.token_urlsafe` gives, without importing `secrets` (and `hmac` behind it)."""
    import base64
    import os

    return base64.urlsafe_b64encode(os.urandom(nbytes)).rstrip(b"=").decode("ascii")


def add_secret(text: str, key: str, value: str) -> str:
    """Append `KEY=value` under a marker line, unless the text already sets `key`.

    An existing value, ours or the owner's, is never replaced.
    """
    if _assigns(text, key):
        return text
    new = f"{_SECRET_MARKER.format(key=key)}\n{key}={value}\n"
    if not text.strip("\n"):
        return new
    return text.rstrip("\n") + "\n\n" + new


def remove_secret(text: str, key: str) -> str:
    """Remove the marker line and the `KEY=...` line after it (and the blank line before).

    A `KEY=` line without the marker is the owner's and stays.
    """
    marker = re.escape(_SECRET_MARKER.format(key=key))
    found = re.search(rf"^{marker}\n{re.escape(key)}=[^\n]*(\n|\Z)", text, re.M)
    if found is None:
        return text
    start, end = found.start(), found.end()
    if text[:start].endswith("\n\n"):
        start -= 1
    elif start == 0 and text[end : end + 1] == "\n":
        end += 1
    return text[:start] + text[end:]
