"""Three-way merge of Python modules, node by node, with libcst.

Nodes are the top-level statements, keyed as the engine identifies them (the name an
assignment, function or class binds, else the normalized syntax tree), with two refinements:
`from X import ...` is keyed by X and merged name by name, and `if TEST:` by its test. A class
(or an `if` block) both sides changed is merged statement by statement inside; a list, tuple or
set literal assigned at top level (a registration list) item by item. Comments above a
statement belong to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import libcst as cst

from aegis.edit.identity import expression_identity, statement_identity
from aegis.merge.core import Context, SequenceMerge, merge_choice, pick

_EMPTY = cst.Module(body=[])
_PLACEHOLDER = "__aegis_merged_items__"


def code(node: cst.CSTNode) -> str:
    """The source text of `node`, as it would be written at the start of a line."""
    return _EMPTY.code_for_node(node)


def _lines(lines: Sequence[cst.EmptyLine]) -> str:
    return "".join(code(line) for line in lines)


def merge_python(base: str, mine: str, theirs: str, context: Context) -> str:
    """The merged module; raises `libcst.ParserSyntaxError` if a version does not parse."""
    b, m, t = (cst.parse_module(text) for text in (base, mine, theirs))
    header = merge_choice("the comments at the top", b.header, m.header, t.header, _lines, context)
    body, _ = _statements("").merge(b.body, m.body, t.body, context)
    footer = merge_choice("the comments at the end", b.footer, m.footer, t.footer, _lines, context)
    layout = pick(b, m, t, _layout) or t
    return layout.with_changes(header=header, body=body, footer=footer).code


def _layout(module: cst.Module) -> str:
    return repr(
        (
            module.encoding,
            module.default_indent,
            module.default_newline,
            module.has_trailing_newline,
        )
    )


def _statements(within: str) -> SequenceMerge[cst.BaseStatement]:
    def label(statement: cst.BaseStatement) -> str:
        return within + _name(statement)

    def deeper(
        base: cst.BaseStatement,
        mine: cst.BaseStatement,
        theirs: cst.BaseStatement,
        context: Context,
    ) -> cst.BaseStatement | None:
        return _merge_statement(label(theirs), base, mine, theirs, context)

    return SequenceMerge(key=_key, text=code, label=label, deeper=deeper, sorted_run=_import_run)


def _import_run(statement: cst.BaseStatement) -> tuple[str, bool] | None:
    """A `from X import` statement's place among the imports next to it (ruff's isort
    order: by module, case-insensitive); a blank line or comment above it starts a run."""
    imported = _import_from(statement)
    if imported is None:
        return None
    return _module_name(imported).lower(), bool(_leading(statement))


def _bare(statement: cst.BaseStatement) -> cst.BaseStatement:
    """The statement without the comments and blank lines above it."""
    if hasattr(statement, "leading_lines"):
        return statement.with_changes(leading_lines=())
    return statement


def _key(statement: cst.BaseStatement) -> str:
    imported = _import_from(statement)
    if imported is not None:
        return f"from {_module_name(imported)} import"
    if isinstance(statement, cst.If):
        return "if " + expression_identity(code(statement.test))
    source = code(_bare(statement))
    try:
        return statement_identity(source)
    except (SyntaxError, ValueError):
        return source


def _name(statement: cst.BaseStatement) -> str:
    """A readable name of the statement: `def create_app`, `class Settings`, its first line."""
    if isinstance(statement, cst.FunctionDef):
        return f"def {statement.name.value}"
    if isinstance(statement, cst.ClassDef):
        return f"class {statement.name.value}"
    first = code(_bare(statement)).strip().splitlines()[0]
    return first if len(first) <= 60 else first[:57] + "..."


def _import_from(statement: cst.BaseStatement) -> cst.ImportFrom | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.ImportFrom):
            return small
    return None


def _module_name(imported: cst.ImportFrom) -> str:
    dots = "." * len(imported.relative)
    return dots + (code(imported.module) if imported.module is not None else "")


def _merge_statement(
    element: str,
    base: cst.BaseStatement,
    mine: cst.BaseStatement,
    theirs: cst.BaseStatement,
    context: Context,
) -> cst.BaseStatement | None:
    """A statement both sides changed: its comments above and its code merged apart."""
    bare = pick(_bare(base), _bare(mine), _bare(theirs), code)
    if bare is None:
        bare = _merge_inside(element, _bare(base), _bare(mine), _bare(theirs), context)
        if bare is None:
            return None
    if not hasattr(bare, "leading_lines"):
        return bare
    leading = merge_choice(
        f"the comments above {element}",
        _leading(base),
        _leading(mine),
        _leading(theirs),
        _lines,
        context,
    )
    return bare.with_changes(leading_lines=leading)


def _leading(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    lines: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    return lines


def _merge_inside(
    element: str,
    base: cst.BaseStatement,
    mine: cst.BaseStatement,
    theirs: cst.BaseStatement,
    context: Context,
) -> cst.BaseStatement | None:
    """The merge of a class, an `if` block or a registration list; None for other nodes."""
    versions = (base, mine, theirs)
    if all(_has_block(s) for s in versions):
        return _merge_block(element, base, mine, theirs, context)
    if all(_import_from(s) is not None and _names_of(s) is not None for s in versions):
        return _merge_items(element, base, mine, theirs, _names_of, context)
    if all(_literal_of(s) is not None for s in versions):
        kinds = {type(_literal_of(s)) for s in versions}
        if len(kinds) == 1:
            return _merge_items(element, base, mine, theirs, _literal_of, context)
    return None


def _has_block(statement: cst.BaseStatement) -> bool:
    if isinstance(statement, cst.ClassDef):
        return isinstance(statement.body, cst.IndentedBlock)
    if isinstance(statement, cst.If):
        return statement.orelse is None and isinstance(statement.body, cst.IndentedBlock)
    return False


def _merge_block(
    element: str,
    base: cst.BaseStatement,
    mine: cst.BaseStatement,
    theirs: cst.BaseStatement,
    context: Context,
) -> cst.BaseStatement | None:
    def shell(statement: cst.BaseStatement) -> Any:
        node: Any = statement
        return node.with_changes(body=node.body.with_changes(body=()))

    chosen = pick(shell(base), shell(mine), shell(theirs), code)
    if chosen is None:
        return None
    blocks: list[Any] = [s for s in (base, mine, theirs)]
    body, _ = _statements(f"{element} > ").merge(
        blocks[0].body.body, blocks[1].body.body, blocks[2].body.body, context
    )
    result: cst.BaseStatement = chosen.with_changes(body=chosen.body.with_changes(body=body))
    return result


# Registration lists and imported names -----------------------------------------------------


@dataclass(frozen=True)
class _Container:
    """A bracketed sequence inside a statement: where its items and brackets are."""

    node: Any  # the list, tuple, set or import
    items: str  # attribute of the items
    opening: str  # attribute of the opening bracket
    closing: str


def _literal_of(statement: cst.BaseStatement) -> _Container | None:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, cst.Assign | cst.AnnAssign):
        return None
    value = small.value
    if isinstance(value, cst.List):
        return _Container(value, "elements", "lbracket", "rbracket")
    if isinstance(value, cst.Set):
        return _Container(value, "elements", "lbrace", "rbrace")
    return None


def _names_of(statement: cst.BaseStatement) -> _Container | None:
    imported = _import_from(statement)
    if imported is None or isinstance(imported.names, cst.ImportStar):
        return None
    return _Container(imported, "names", "lpar", "rpar")


@dataclass(frozen=True)
class _Entry:
    """An item of a bracketed sequence, with the comments that go with it."""

    node: Any  # the item, its comma removed
    before: cst.ParenthesizedWhitespace | None  # the lines above it, and its indentation
    after: cst.TrailingWhitespace | None  # the comment at the end of its line


def _entry_text(entry: _Entry) -> str:
    above = _lines(entry.before.empty_lines) if entry.before is not None else ""
    comment = entry.after.comment.value if entry.after and entry.after.comment else ""
    return above + code(entry.node) + comment


def _entry_key(entry: _Entry) -> str:
    if isinstance(entry.node, cst.Element):
        try:
            return expression_identity(code(entry.node.value))
        except SyntaxError:
            return code(entry.node.value)
    return code(entry.node).strip()


def _entries(container: _Container) -> list[_Entry]:
    node = container.node
    items = list(getattr(node, container.items))
    opening, closing = getattr(node, container.opening), getattr(node, container.closing)
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


def _shell(statement: Any, find: Any) -> str:
    """The statement's code with its sequence's items and brackets left out."""
    container: _Container = find(statement)
    placeholder = cst.Name(_PLACEHOLDER)
    small: Any = statement.body[0]
    if container.items == "names":
        stripped = small.with_changes(names=[cst.ImportAlias(placeholder)], lpar=None, rpar=None)
    else:
        stripped = small.with_changes(value=placeholder)
    return code(statement.with_changes(body=[stripped]))


def _merge_items(
    element: str,
    base: cst.BaseStatement,
    mine: cst.BaseStatement,
    theirs: cst.BaseStatement,
    find: Any,
    context: Context,
) -> cst.BaseStatement | None:
    shells = {id(s): _shell(s, find) for s in (base, mine, theirs)}
    chosen = pick(base, mine, theirs, lambda s: shells[id(s)])
    if chosen is None:
        return None

    def label(entry: _Entry) -> str:
        return f"{element}: {code(entry.node).strip()}"

    merger = SequenceMerge(key=_entry_key, text=_entry_text, label=label)
    containers: list[_Container] = [find(s) for s in (base, mine, theirs)]
    b, m, t = (_entries(container) for container in containers)
    entries, mine_skeleton = merger.merge(b, m, t, context)
    skeleton = containers[1] if mine_skeleton else containers[2]
    rebuilt = _rebuild(skeleton, entries)
    statement: Any = chosen
    small: Any = statement.body[0]
    if skeleton.items == "names":
        parts = {name: getattr(rebuilt, name) for name in ("names", "lpar", "rpar")}
        small = small.with_changes(**parts)
    else:
        small = small.with_changes(value=rebuilt)
    result: cst.BaseStatement = statement.with_changes(body=[small])
    return result


def _rebuild(skeleton: _Container, entries: list[_Entry]) -> Any:
    """The skeleton's sequence with `entries` for items, laid out as the skeleton is."""
    node = skeleton.node
    opening, closing = getattr(node, skeleton.opening), getattr(node, skeleton.closing)
    old = list(getattr(node, skeleton.items))
    trailing_comma = bool(old) and isinstance(old[-1].comma, cst.Comma)
    multiline = opening is not None and isinstance(
        opening.whitespace_after, cst.ParenthesizedWhitespace
    )
    if not multiline:
        items = [
            entry.node.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            for entry in entries[:-1]
        ]
        if entries:
            last_comma = old[-1].comma if trailing_comma else cst.MaybeSentinel.DEFAULT
            items.append(entries[-1].node.with_changes(comma=last_comma))
        return node.with_changes(**{skeleton.items: items})
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
        last = index == len(entries) - 1
        if last:
            comma: Any = cst.Comma() if trailing_comma or not old else cst.MaybeSentinel.DEFAULT
        else:
            comma = cst.Comma(whitespace_after=gap(index + 1))
        items.append(entry.node.with_changes(comma=comma))
    if not entries:
        return node.with_changes(
            **{
                skeleton.items: items,
                skeleton.opening: opening.with_changes(whitespace_after=cst.SimpleWhitespace("")),
                skeleton.closing: closing.with_changes(whitespace_before=cst.SimpleWhitespace("")),
            }
        )
    return node.with_changes(
        **{
            skeleton.items: items,
            skeleton.opening: opening.with_changes(whitespace_after=gap(0)),
            skeleton.closing: closing.with_changes(whitespace_before=gap(len(entries))),
        }
    )
