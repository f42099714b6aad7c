"""Three-way merge of Python modules, node by node, with libcst.

Nodes are the top-level statements, keyed as the engine identifies them (the name an
assignment, function or class binds, else the normalized syntax tree), with refinements:
`from X import ...` is keyed by X and merged name by name, `if TEST:` by its test, a call by
what it calls and its first argument. A class (or an `if` block) both sides changed is merged
statement by statement inside; a list, tuple, set or dict assigned at top level (a
registration list) item by item. Comments above a statement belong to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import libcst as cst

from aegis.edit.identity import expression_identity, statement_identity
from aegis.merge.core import Context, SequenceMerge, merge_choice, pick
from aegis.merge.python_items import code, import_from, lines_code, merge_sequences


def merge_python(base: str, mine: str, theirs: str, context: Context) -> str:
    """The merged module; raises `libcst.ParserSyntaxError` if a version does not parse."""
    b, m, t = (
        _blank_lines_to_statement(_explicit_indents(cst.parse_module(text)))
        for text in (base, mine, theirs)
    )
    header = merge_choice(
        "the comments at the top", b.header, m.header, t.header, lines_code, context
    )
    body, _ = _statements("").merge(b.body, m.body, t.body, context)
    footer = merge_choice(
        "the comments at the end", b.footer, m.footer, t.footer, lines_code, context
    )
    layout = pick(b, m, t, _layout) or t
    return layout.with_changes(header=header, body=body, footer=footer).code


def _explicit_indents(module: cst.Module) -> cst.Module:
    """The module with each block's indentation written out.

    libcst leaves a block indented by the module's default (which it takes from the first
    block) as "the default": a node of one version printed in a module whose first block
    the owner indented otherwise would change its indentation.
    """

    class Explicit(cst.CSTTransformer):
        def leave_IndentedBlock(
            self, original: cst.IndentedBlock, updated: cst.IndentedBlock
        ) -> cst.IndentedBlock:
            if updated.indent is None:
                return updated.with_changes(indent=module.default_indent)
            return updated

    explicit: cst.Module = module.visit(Explicit())
    return explicit


def _blank_lines_to_statement(module: cst.Module) -> cst.Module:
    """The module with the blank lines that end its header given to its first statement.

    libcst puts whatever precedes the first statement in the module's header: once the
    owner removes the first statement, the blank lines above the next one would move
    there, and that statement would look changed.
    """
    header = list(module.header)
    cut = len(header)
    while cut and header[cut - 1].comment is None:
        cut -= 1
    if cut == len(header) or not module.body or not hasattr(module.body[0], "leading_lines"):
        return module
    first: Any = module.body[0]
    moved = first.with_changes(leading_lines=[*header[cut:], *first.leading_lines])
    return module.with_changes(header=header[:cut], body=[moved, *module.body[1:]])


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

    return SequenceMerge(
        key=statement_key, text=code, label=label, deeper=deeper, sorted_run=_import_run
    )


def _import_run(statement: cst.BaseStatement) -> tuple[str, bool] | None:
    """A `from X import` statement's place among the imports next to it (ruff's isort
    order: by module, case-insensitive); a blank line or comment above it starts a run."""
    imported = import_from(statement)
    if imported is None:
        return None
    return _module_name(imported).lower(), bool(_leading(statement))


def _bare(statement: cst.BaseStatement) -> cst.BaseStatement:
    """The statement without the comments and blank lines above it."""
    if hasattr(statement, "leading_lines"):
        return statement.with_changes(leading_lines=())
    return statement


def statement_key(statement: cst.BaseStatement) -> str:
    """What identifies the statement among its siblings, whatever its layout."""
    imported = import_from(statement)
    if imported is not None:
        return f"from {_module_name(imported)} import"
    if isinstance(statement, cst.If):
        return "if " + expression_identity(code(statement.test))
    call = _call(statement)
    if call is not None:
        # a registration call (`app.include_router(router, ...)`) stays one node when its
        # other arguments change
        first = call.args[0] if call.args else None
        argument = code(first.value) if first and first.keyword is None and not first.star else ""
        return f"call {code(call.func)}({argument}"
    source = code(_bare(statement))
    try:
        return statement_identity(source)
    except (SyntaxError, ValueError):
        return source


def _call(statement: cst.BaseStatement) -> cst.Call | None:
    """The call that is the whole statement (awaited or not), if it is one."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Expr):
            value = small.value.expression if isinstance(small.value, cst.Await) else small.value
            if isinstance(value, cst.Call):
                return value
    return None


def _name(statement: cst.BaseStatement) -> str:
    """A readable name of the statement: `def create_app`, `class Settings`, its first line."""
    if isinstance(statement, cst.FunctionDef):
        return f"def {statement.name.value}"
    if isinstance(statement, cst.ClassDef):
        return f"class {statement.name.value}"
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            return code(small.targets[0].target)
        if isinstance(small, cst.AnnAssign):
            return code(small.target)
    first = code(_bare(statement)).strip().splitlines()[0]
    return first if len(first) <= 60 else first[:57] + "..."


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
    leading = _merge_leading(base, mine, theirs)
    if leading is None:
        leading = merge_choice(
            f"the comments above {element}",
            _leading(base),
            _leading(mine),
            _leading(theirs),
            lines_code,
            context,
        )
    return bare.with_changes(leading_lines=leading)


def _merge_leading(
    base: cst.BaseStatement, mine: cst.BaseStatement, theirs: cst.BaseStatement
) -> Sequence[cst.EmptyLine] | None:
    """The lines above a statement, its blank lines on top and the comment under them each
    from the side that changed it (one side's new comment, the other's new spacing); None
    if both sides changed one of them differently."""
    merged: list[cst.EmptyLine] = []
    parts = (_spacing_and_comment(s) for s in (base, mine, theirs))
    for b, m, t in zip(*parts, strict=True):
        chosen = pick(b, m, t, lines_code)
        if chosen is None:
            return None
        merged += chosen
    return merged


def _spacing_and_comment(
    statement: cst.BaseStatement,
) -> tuple[Sequence[cst.EmptyLine], Sequence[cst.EmptyLine]]:
    lines = _leading(statement)
    blank = 0
    while blank < len(lines) and lines[blank].comment is None:
        blank += 1
    return lines[:blank], lines[blank:]


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
    return merge_sequences(element, base, mine, theirs, context)


def _has_block(statement: cst.BaseStatement) -> bool:
    if isinstance(statement, cst.ClassDef):
        return isinstance(statement.body, cst.IndentedBlock)
    if isinstance(statement, cst.If):
        return statement.orelse is None and isinstance(statement.body, cst.IndentedBlock)
    return False


def _block_body(statement: cst.BaseStatement) -> Sequence[cst.BaseStatement]:
    block: Any = statement
    body: Sequence[cst.BaseStatement] = block.body.body
    return body


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
    b, m, t = (_block_body(statement) for statement in (base, mine, theirs))
    body, _ = _statements(f"{element} > ").merge(b, m, t, context)
    result: cst.BaseStatement = chosen.with_changes(body=chosen.body.with_changes(body=body))
    return result
