"""Merge of the items of a bracketed sequence in one statement: a list, tuple, set or dict
assigned at top level (`ROUTERS = [...]`, `STARTUP_HOOKS`) or the names of `from X import`.

An item keeps the comment lines above it and the comment at the end of its line; the result
is laid out as the skeleton's sequence is (one item a line, or all on one line), commas
put back where items moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import libcst as cst

from aegis.edit.identity import expression_identity
from aegis.merge.core import Context, SequenceMerge, pick

_EMPTY = cst.Module(body=[])
_PLACEHOLDER = "__aegis_merged_items__"


def code(node: cst.CSTNode) -> str:
    """The source text of `node`, as it would be written at the start of a line."""
    return _EMPTY.code_for_node(node)


def lines_code(lines: Sequence[cst.EmptyLine]) -> str:
    return "".join(code(line) for line in lines)


def import_from(statement: cst.BaseStatement) -> cst.ImportFrom | None:
    """The `from X import ...` that is the whole statement, if it is one."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.ImportFrom):
            return small
    return None


@dataclass(frozen=True)
class _Container:
    """A bracketed sequence: the node holding it and its kind."""

    node: Any
    kind: str  # list, set, dict, tuple or import
    name: str  # what the statement binds or imports from, for labels

    @property
    def items(self) -> list[Any]:
        return list(self.node.names if self.kind == "import" else self.node.elements)

    @property
    def brackets(self) -> tuple[Any, Any]:
        node = self.node
        if self.kind == "list":
            return node.lbracket, node.rbracket
        if self.kind in ("set", "dict"):
            return node.lbrace, node.rbrace
        if self.kind == "tuple":
            return node.lpar[0], node.rpar[0]
        return node.lpar, node.rpar

    def rebuilt(self, items: list[Any], opening: Any, closing: Any) -> Any:
        if self.kind == "list":
            return self.node.with_changes(elements=items, lbracket=opening, rbracket=closing)
        if self.kind in ("set", "dict"):
            return self.node.with_changes(elements=items, lbrace=opening, rbrace=closing)
        if self.kind == "tuple":
            return self.node.with_changes(elements=items, lpar=[opening], rpar=[closing])
        return self.node.with_changes(names=items, lpar=opening, rpar=closing)


_KINDS: dict[type[cst.CSTNode], str] = {
    cst.List: "list",
    cst.Set: "set",
    cst.Dict: "dict",
    cst.Tuple: "tuple",
}


def _container(statement: cst.BaseStatement) -> _Container | None:
    imported = import_from(statement)
    if imported is not None:
        if isinstance(imported.names, cst.ImportStar):
            return None
        dots = "." * len(imported.relative)
        module = code(imported.module) if imported.module is not None else ""
        return _Container(imported, "import", f"from {dots}{module} import")
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target: cst.CSTNode = small.targets[0].target
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        target = small.target
    else:
        return None
    value = small.value
    if value is None:
        return None
    kind = _KINDS.get(type(value))
    if kind is None or (isinstance(value, cst.Tuple) and len(value.lpar) != 1):
        return None
    return _Container(value, kind, code(target))


@dataclass(frozen=True)
class _Entry:
    """An item of a bracketed sequence, with the comments that go with it."""

    node: Any  # the item, its comma removed
    before: cst.ParenthesizedWhitespace | None  # the lines above it, and its indentation
    after: cst.TrailingWhitespace | None  # the comment at the end of its line


def _entry_text(entry: _Entry) -> str:
    above = lines_code(entry.before.empty_lines) if entry.before is not None else ""
    comment = entry.after.comment.value if entry.after and entry.after.comment else ""
    return above + code(entry.node) + comment


def _identity(node: cst.CSTNode) -> str:
    source = code(node)
    try:
        return expression_identity(source)
    except SyntaxError:
        return source.strip()


def _entry_key(entry: _Entry) -> str:
    node = entry.node
    if isinstance(node, cst.Element):
        return _identity(node.value)
    if isinstance(node, cst.DictElement):
        return "key " + _identity(node.key)
    return code(node).strip()


def _entry_name(entry: _Entry) -> str:
    node = entry.node
    if isinstance(node, cst.DictElement):
        return code(node.key).strip()
    return code(node).strip()


def _entries(container: _Container) -> list[_Entry]:
    items = container.items
    opening, closing = container.brackets
    gaps: list[Any] = [opening.whitespace_after if opening is not None else None]
    for item in items[:-1]:
        gaps.append(item.comma.whitespace_after if isinstance(item.comma, cst.Comma) else None)
    if items:
        last = items[-1].comma
        tail = last.whitespace_after if isinstance(last, cst.Comma) else None
        if not isinstance(tail, cst.ParenthesizedWhitespace) and closing is not None:
            tail = closing.whitespace_before
        gaps.append(tail)
    entries = []
    for index, item in enumerate(items):
        before, after = gaps[index], gaps[index + 1]
        entries.append(
            _Entry(
                node=item.with_changes(comma=cst.MaybeSentinel.DEFAULT),
                before=before if isinstance(before, cst.ParenthesizedWhitespace) else None,
                after=after.first_line if isinstance(after, cst.ParenthesizedWhitespace) else None,
            )
        )
    return entries


def _shell(statement: Any, container: _Container) -> str:
    """The statement's code with its sequence left out."""
    placeholder = cst.Name(_PLACEHOLDER)
    small: Any = statement.body[0]
    if container.kind == "import":
        stripped = small.with_changes(names=[cst.ImportAlias(placeholder)], lpar=None, rpar=None)
    else:
        stripped = small.with_changes(value=placeholder)
    return code(statement.with_changes(body=[stripped]))


def merge_sequences(
    element: str,
    base: cst.BaseStatement,
    mine: cst.BaseStatement,
    theirs: cst.BaseStatement,
    context: Context,
) -> cst.BaseStatement | None:
    """The statement with its sequence merged item by item, if the three versions are one
    kind of sequence in the same statement otherwise (None if not)."""
    versions = (base, mine, theirs)
    found = [_container(statement) for statement in versions]
    containers = [c for c in found if c is not None]
    if len(containers) != 3 or len({c.kind for c in containers}) != 1:
        return None
    shells = [_shell(s, c) for s, c in zip(versions, containers, strict=True)]
    chosen = pick(0, 1, 2, lambda index: shells[index])
    if chosen is None:
        return None
    name = containers[2].name

    def label(entry: _Entry) -> str:
        if containers[2].kind == "import":
            return f"{name} {_entry_name(entry)}"
        return f"{name}: {_entry_name(entry)}"

    merger = SequenceMerge(key=_entry_key, text=_entry_text, label=label)
    b, m, t = (_entries(container) for container in containers)
    entries, mine_skeleton = merger.merge(b, m, t, context)
    if not entries and containers[2].kind in ("set", "import"):
        return None  # no valid empty form: the statement is one node
    sequence = _rebuild(containers[1] if mine_skeleton else containers[2], entries)
    statement: Any = versions[chosen]
    small: Any = statement.body[0]
    if containers[2].kind == "import":
        small = small.with_changes(names=sequence.names, lpar=sequence.lpar, rpar=sequence.rpar)
    else:
        small = small.with_changes(value=sequence)
    result: cst.BaseStatement = statement.with_changes(body=[small])
    return result


def _rebuild(skeleton: _Container, entries: list[_Entry]) -> Any:
    """The skeleton's sequence with `entries` for items, laid out as the skeleton is."""
    opening, closing = skeleton.brackets
    old = skeleton.items
    trailing_comma = bool(old) and isinstance(old[-1].comma, cst.Comma)
    if skeleton.kind == "tuple" and len(entries) == 1:
        trailing_comma = True  # `(a,)`: without it, no tuple
    multiline = opening is not None and isinstance(
        opening.whitespace_after, cst.ParenthesizedWhitespace
    )
    if not entries:
        blank = cst.SimpleWhitespace("")
        return skeleton.rebuilt(
            [],
            opening.with_changes(whitespace_after=blank),
            closing.with_changes(whitespace_before=blank),
        )
    if not multiline:
        items = [
            entry.node.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            for entry in entries[:-1]
        ]
        last_comma = (
            (old[-1].comma if old and trailing_comma else cst.Comma())
            if trailing_comma
            else cst.MaybeSentinel.DEFAULT
        )
        items.append(entries[-1].node.with_changes(comma=last_comma))
        return skeleton.rebuilt(items, opening, closing)
    first: cst.ParenthesizedWhitespace = opening.whitespace_after
    end = closing.whitespace_before
    if not isinstance(end, cst.ParenthesizedWhitespace):
        end = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(""))

    def gap(index: int) -> cst.ParenthesizedWhitespace:
        line = first.first_line if index == 0 else entries[index - 1].after
        line = line or cst.TrailingWhitespace()
        if index == len(entries):
            return end.with_changes(first_line=line)
        before = entries[index].before or first.with_changes(empty_lines=())
        return before.with_changes(first_line=line)

    items = []
    for index, entry in enumerate(entries):
        if index == len(entries) - 1:
            comma: Any = cst.Comma() if trailing_comma or not old else cst.MaybeSentinel.DEFAULT
        else:
            comma = cst.Comma(whitespace_after=gap(index + 1))
        items.append(entry.node.with_changes(comma=comma))
    return skeleton.rebuilt(
        items,
        opening.with_changes(whitespace_after=gap(0)),
        closing.with_changes(whitespace_before=gap(len(entries))),
    )
