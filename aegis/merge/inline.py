"""One-line sequences (`[a, b, c]`) in TOML and YAML: cut into items, and joined back."""

from __future__ import annotations

from aegis.merge.chunks import Chunk


def string_end(line: str, start: int) -> int:
    """Where the string starting at `start` ends (just after its closing quote)."""
    quote = line[start]
    i = start + 1
    while i < len(line):
        if quote == '"' and line[i] == "\\":
            i += 2
            continue
        if line[i] == quote:
            return i + 1
        i += 1
    return i


def split_items(line: str, start: int) -> tuple[list[str], int | None]:
    """The items of the array opened before `start`, each with its comma and the space
    after it, and where its closing bracket is (None if not on this line)."""
    segments = []
    depth = 0
    begin = i = start
    while i < len(line):
        char = line[i]
        if char in "\"'":
            i = string_end(line, i)
            continue
        if char == "#":
            return [], None
        if char in "[{":
            depth += 1
        elif char in "]}":
            if depth == 0:
                if line[begin:i].strip():
                    segments.append(line[begin:i])
                elif segments:
                    segments[-1] += line[begin:i]
                return segments, i
            depth -= 1
        elif char == "," and depth == 0:
            end = i + 1
            while end < len(line) and line[end] == " ":
                end += 1
            segments.append(line[begin:end])
            begin = i = end
            continue
        i += 1
    return [], None


def inline_commas(items: list[Chunk]) -> list[Chunk]:
    """Items of a one-line array, moved about: `a, b, c`."""
    fixed = []
    for index, item in enumerate(items):
        value = item.head.strip().rstrip(",").strip()
        head = value + (", " if index < len(items) - 1 else "")
        fixed.append(Chunk(key=item.key, label=item.label, head=head))
    return fixed
