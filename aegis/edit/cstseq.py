"""Comma-separated sequences of libcst nodes (list elements, imported names).

`Seq` splits a bracketed sequence into its items and the whitespace slots between them,
so that an item can be inserted with the sequence's layout (inline, or one item per line
with a trailing comma, the layout `ruff format` keeps) and removed again exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import libcst as cst

from aegis.plain import Plain

INDENT = "    "


def _newline_ws(last_line: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        indent=True,
        last_line=cst.SimpleWhitespace(last_line),
    )


def _is_empty(ws: cst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(ws, cst.SimpleWhitespace) and ws.value == ""


def has_comment(ws: cst.BaseParenthesizableWhitespace) -> bool:
    if not isinstance(ws, cst.ParenthesizedWhitespace):
        return False
    lines: list[cst.TrailingWhitespace | cst.EmptyLine] = [ws.first_line, *ws.empty_lines]
    return any(line.comment is not None for line in lines)


Item: TypeAlias = cst.BaseElement | cst.ImportAlias  # a list's element, an imported name
Ws: TypeAlias = cst.BaseParenthesizableWhitespace


def _comma(item: Item) -> cst.Comma:
    """The comma after an item that is not the last one (the parser always writes it)."""
    assert isinstance(item.comma, cst.Comma)
    return item.comma


class Seq(Plain, frozen=False):
    """Items of a bracketed sequence and the whitespace around them.

    `slots[k]` is the whitespace before item k, `slots[n]` the one before the closing
    bracket; `trailing` tells whether the last item has a comma.
    """

    items: list[Item]
    slots: list[Ws]
    trailing: bool
    close_extra: Ws

    @classmethod
    def read(cls, items: Sequence[Item], open_ws: Ws, close_ws: Ws) -> Seq:
        """Split a sequence into its items and the whitespace between them."""
        slots = [open_ws]
        slots += [_comma(item).whitespace_after for item in items[:-1]]
        trailing = bool(items) and isinstance(items[-1].comma, cst.Comma)
        close_extra: Ws = cst.SimpleWhitespace("")
        if items:
            last_comma = items[-1].comma
            after_last = last_comma.whitespace_after if isinstance(last_comma, cst.Comma) else None
            if after_last is None or _is_empty(after_last):
                slots.append(close_ws)
            else:
                slots.append(after_last)
                close_extra = close_ws
        return cls(list(items), slots, trailing, close_extra)

    def write(self) -> tuple[list[Item], Ws, Ws]:
        """The items with their commas, the whitespace after the opening bracket and the
        whitespace before the closing one."""
        items: list[Item] = []
        last = len(self.items) - 1
        for k, item in enumerate(self.items):
            before = item.comma.whitespace_before if isinstance(item.comma, cst.Comma) else None
            before = before or cst.SimpleWhitespace("")
            comma: cst.Comma | cst.MaybeSentinel
            if k < last:
                comma = cst.Comma(whitespace_before=before, whitespace_after=self.slots[k + 1])
            elif not self.trailing:
                comma = cst.MaybeSentinel.DEFAULT
            elif _is_empty(self.close_extra):
                comma = cst.Comma(whitespace_before=before)
            else:
                comma = cst.Comma(whitespace_before=before, whitespace_after=self.slots[-1])
            items.append(item.with_changes(comma=comma))
        if not self.items:
            return items, self.slots[0], self.close_extra
        close = self.slots[-1] if _is_empty(self.close_extra) else self.close_extra
        return items, self.slots[0], close

    @property
    def exploded(self) -> bool:
        return isinstance(self.slots[0], cst.ParenthesizedWhitespace)

    def explode(self) -> None:
        """One item per line with a trailing comma (the layout `ruff format` keeps)."""
        self.slots = [*(_newline_ws(INDENT) for _ in self.items), _newline_ws("")]
        self.trailing = True
        self.close_extra = cst.SimpleWhitespace("")

    def insert(self, pos: int, item: Item) -> None:
        """Insert an item, keeping the layout (one per line when exploded)."""
        if not self.items:
            self.items = [item]
            self.explode()
            return
        self.items.insert(pos, item)
        first, split = self.slots[0], self.slots[pos]
        if isinstance(first, cst.ParenthesizedWhitespace) and isinstance(
            split, cst.ParenthesizedWhitespace
        ):
            # Exploded, and split at a line break: the line ending (and comment) before the
            # split stays with the previous item; the comment lines and indentation after it
            # go with the next one.
            before = split.with_changes(empty_lines=[], indent=True, last_line=first.last_line)
            after = split.with_changes(first_line=cst.TrailingWhitespace())
            self.slots[pos : pos + 1] = [before, after]
        else:
            at = pos + 1 if pos < len(self.items) - 1 else pos
            self.slots.insert(at, cst.SimpleWhitespace(" "))

    def remove(self, pos: int) -> None:
        """Remove an item: the exact inverse of `insert` at the same position."""
        before, after = self.slots[pos], self.slots[pos + 1]
        del self.items[pos]
        if isinstance(before, cst.ParenthesizedWhitespace) and isinstance(
            after, cst.ParenthesizedWhitespace
        ):
            merged = after.with_changes(
                first_line=before.first_line,
                empty_lines=[*before.empty_lines, *after.empty_lines],
            )
            self.slots[pos : pos + 2] = [merged]
        elif pos < len(self.items):
            del self.slots[pos + 1]
        else:
            del self.slots[pos]
        if not self.items and not has_comment(self.slots[0]):
            self.slots = [cst.SimpleWhitespace("")]
            self.trailing = False
            self.close_extra = cst.SimpleWhitespace("")
