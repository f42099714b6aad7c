"""Line-based three-way merge of plain text files; overlapping changes are conflicts."""

from __future__ import annotations

from merge3 import Merge3

from aegis.merge.core import Context


def merge_text(base: str, mine: str, theirs: str, context: Context) -> str:
    """The lines both sides changed, each side's where only it changed; never markers."""
    lines = [text.splitlines(keepends=True) for text in (base, mine, theirs)]
    b, m, t = lines
    merged: list[str] = []
    for region in Merge3(b, m, t).merge_regions():
        kind = region[0]
        if kind == "unchanged":
            merged += b[region[1] : region[2]]
        elif kind in ("a", "same"):
            merged += m[region[1] : region[2]]
        elif kind == "b":
            merged += t[region[1] : region[2]]
        else:
            z1, z2, a1, a2, b1, b2 = (int(bound) for bound in region[1:])
            ours, new = "".join(m[a1:a2]), "".join(t[b1:b2])
            keep = context.conflict(_lines(z1, z2), ours, new)
            merged += m[a1:a2] if keep else t[b1:b2]
    return "".join(merged)


def _lines(start: int, end: int) -> str:
    """The base's lines `start`..`end` (0-based, end excluded), as a reader counts them."""
    if end <= start:
        return f"after line {start}" if start else "the start of the file"
    return f"line {start + 1}" if end == start + 1 else f"lines {start + 1}-{end}"
