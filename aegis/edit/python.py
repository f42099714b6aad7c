"""Edits of Python modules with libcst: imports, anchor lists, statements, values.

Every function takes a `libcst.Module` and returns a new one (the same object when
there is nothing to do). Identities use the stdlib `ast`, so that reformatting or
comments do not change them.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence

import libcst as cst

from aegis.edit.base import AnchorNotFound, EditError, Placement, insertion_index
from aegis.edit.cstseq import Seq, has_comment
from aegis.edit.identity import expression_identity, same_code, statement_identity

LINE_LENGTH = 88

# -- identities ------------------------------------------------------------------------


def _code(module: cst.Module, node: cst.CSTNode) -> str:
    if isinstance(node, cst.BaseStatement):
        node = node.with_changes(leading_lines=())
    return module.code_for_node(node)


def _element_identity(module: cst.Module, element: cst.BaseElement) -> str:
    if isinstance(element, cst.StarredElement):
        return "*" + expression_identity(_code(module, element.value))
    return expression_identity(_code(module, element.value))


def _statement_identity(module: cst.Module, statement: cst.BaseStatement) -> str:
    if isinstance(statement, cst.FunctionDef | cst.ClassDef):
        return statement.name.value
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            if isinstance(small.targets[0].target, cst.Name):
                return small.targets[0].target.value
        elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            return small.target.value
    return statement_identity(_code(module, statement))


def _too_long(code: str) -> bool:
    return any(len(line) > LINE_LENGTH for line in code.splitlines())


# -- module-level anchors --------------------------------------------------------------


def _find_assignment(module: cst.Module, target: str) -> _Found | None:
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            name = small.targets[0].target
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            name = small.target
        else:
            continue
        if isinstance(name, cst.Name) and name.value == target:
            return index, statement, small
    return None


def _replace_statement(module: cst.Module, index: int, statement: cst.BaseStatement) -> cst.Module:
    body = list(module.body)
    body[index] = statement
    return module.with_changes(body=body)


_Found = tuple[int, cst.SimpleStatementLine, cst.Assign | cst.AnnAssign]


def _find_list(module: cst.Module, list_name: str) -> _Found:
    found = _find_assignment(module, list_name)
    if found is None or not isinstance(found[2].value, cst.List):
        raise AnchorNotFound(f"the list `{list_name}`")
    return found


def _with_list(module: cst.Module, found: _Found, seq: Seq) -> cst.Module:
    index, statement, small = found
    items, open_ws, close_ws = seq.write()
    old = small.value
    new_list = old.with_changes(
        elements=items,
        lbracket=old.lbracket.with_changes(whitespace_after=open_ws),
        rbracket=old.rbracket.with_changes(whitespace_before=close_ws),
    )
    new_statement = statement.with_changes(body=[small.with_changes(value=new_list)])
    return _replace_statement(module, index, new_statement)


def _list_seq(found: _Found) -> Seq:
    value = found[2].value
    return Seq.read(
        value.elements,
        value.lbracket.whitespace_after,
        value.rbracket.whitespace_before,
    )


def add_list_item(
    module: cst.Module, list_name: str, item: str, placement: Placement
) -> cst.Module:
    """Add the expression `item` to the module-level list `list_name`."""
    found = _find_list(module, list_name)
    seq = _list_seq(found)
    identities = [_element_identity(module, element) for element in seq.items]
    if expression_identity(item) in identities:
        return module
    pos = insertion_index(identities, placement, len(identities))
    seq.insert(pos, cst.Element(cst.parse_expression(item.strip())))
    result = _with_list(module, found, seq)
    if not seq.exploded and _too_long(_code(result, result.body[found[0]])):
        seq.explode()
        result = _with_list(module, found, seq)
    return result


def remove_list_item(module: cst.Module, list_name: str, item: str) -> cst.Module:
    """Remove the expression `item` from the list `list_name` (no-op when absent)."""
    found = _find_list(module, list_name)
    seq = _list_seq(found)
    identities = [_element_identity(module, element) for element in seq.items]
    identity = expression_identity(item)
    if identity not in identities:
        return module
    seq.remove(identities.index(identity))
    return _with_list(module, found, seq)


def replace_value(module: cst.Module, target: str, old: str, new: str) -> cst.Module:
    """Set module-level `target` from `old` to `new` (no-op if it already is `new`)."""
    found = _find_assignment(module, target)
    if found is None:
        raise AnchorNotFound(f"the assignment `{target} = ...`")
    index, statement, small = found
    current = expression_identity(_code(module, small.value))
    if current == expression_identity(new):
        return module
    if current != expression_identity(old):
        raise AnchorNotFound(f"`{target} = {old}`")
    changed = small.with_changes(value=cst.parse_expression(new.strip()))
    return _replace_statement(module, index, statement.with_changes(body=[changed]))


# -- imports ---------------------------------------------------------------------------


def _natural(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


def _member_key(name: str, alias: str | None) -> tuple:
    """isort order of imported names: CONSTANTS, Classes, others; case-insensitive."""
    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (
        kind,
        _natural(name.lower()),
        _natural(name),
        alias is not None,
        _natural(alias or ""),
    )


def _module_name(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_module_name(node.value)}.{node.attr.value}"
    return ""


def _alias_parts(alias: cst.ImportAlias) -> tuple[str, str | None]:
    name = _module_name(alias.name)
    asname = alias.asname.name.value if alias.asname else None
    return name, asname


def _from_imports(module: cst.Module, root: str) -> list[tuple[int, cst.ImportFrom]]:
    """Top-level `from <root>... import` statements (not relative, not `*`)."""
    found = []
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        node = statement.body[0]
        if not isinstance(node, cst.ImportFrom) or node.relative:
            continue
        if isinstance(node.names, cst.ImportStar):
            continue
        name = _module_name(node.module)
        if name == root or name.startswith(root + "."):
            found.append((index, node))
    return found


def _statement_key(node: cst.ImportFrom) -> tuple:
    name = _module_name(node.module)
    first = _alias_parts(node.names[0])
    return (_natural(name.lower()), _natural(name), _member_key(*first))


def _import_seq(node: cst.ImportFrom) -> Seq:
    if node.lpar is None:
        empty = cst.SimpleWhitespace("")
        return Seq.read(node.names, empty, empty)
    return Seq.read(node.names, node.lpar.whitespace_after, node.rpar.whitespace_before)


def _with_names(node: cst.ImportFrom, seq: Seq, parenthesized: bool) -> cst.ImportFrom:
    names, open_ws, close_ws = seq.write()
    if not parenthesized:
        return node.with_changes(names=names, lpar=None, rpar=None)
    return node.with_changes(
        names=names,
        lpar=cst.LeftParen(whitespace_after=open_ws),
        rpar=cst.RightParen(whitespace_before=close_ws),
    )


def _one_line(node: cst.ImportFrom, names: Sequence[tuple[str, str | None]]) -> str:
    listed = ", ".join(f"{name} as {alias}" if alias else name for name, alias in names)
    return f"from {_module_name(node.module)} import {listed}"


def _new_alias(name: str, alias: str | None) -> cst.ImportAlias:
    asname = cst.AsName(cst.Name(alias)) if alias else None
    return cst.ImportAlias(name=cst.parse_expression(name), asname=asname)


def _one_line_names(name: str, alias: str | None) -> str:
    return f"{name} as {alias}" if alias else name


def _blank_prefix(lines: Sequence[cst.EmptyLine]) -> int:
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


def add_import(
    module: cst.Module, from_module: str, name: str, alias: str | None = None
) -> cst.Module:
    """Ensure `from from_module import name [as alias]`, at its isort position."""
    root = from_module.split(".")[0]
    imports = _from_imports(module, root)
    for _, node in imports:
        same_module = _module_name(node.module) == from_module
        if same_module and (name, alias) in [_alias_parts(a) for a in node.names]:
            return module
    for index, node in imports:
        if _module_name(node.module) == from_module:
            return _merge_import(module, index, node, name, alias)
    if not imports:
        raise AnchorNotFound(f"a top-level `from {root}... import ...` statement")
    statement = cst.parse_statement(f"from {from_module} import {_one_line_names(name, alias)}")
    new_node = statement.body[0]
    if _too_long(_one_line(new_node, [(name, alias)])):
        seq = _import_seq(new_node)
        seq.explode()
        statement = statement.with_changes(body=[_with_names(new_node, seq, True)])
    key = _statement_key(new_node)
    body = list(module.body)
    later = [index for index, node in imports if _statement_key(node) > key]
    if later:
        at = later[0]
        following = body[at]
        blanks = _blank_prefix(following.leading_lines)
        statement = statement.with_changes(leading_lines=following.leading_lines[:blanks])
        body[at] = following.with_changes(leading_lines=following.leading_lines[blanks:])
    else:
        at = imports[-1][0] + 1
    body.insert(at, statement)
    return module.with_changes(body=body)


def _merge_import(
    module: cst.Module, index: int, node: cst.ImportFrom, name: str, alias: str | None
) -> cst.Module:
    seq = _import_seq(node)
    parts = [_alias_parts(a) for a in node.names]
    key = _member_key(name, alias)
    pos = next((i for i, part in enumerate(parts) if _member_key(*part) > key), len(parts))
    seq.insert(pos, _new_alias(name, alias))
    parenthesized = node.lpar is not None
    if not seq.exploded and _too_long(_one_line(node, [*parts, (name, alias)])):
        seq.explode()
        parenthesized = True
    statement = module.body[index]
    changed = statement.with_changes(body=[_with_names(node, seq, parenthesized)])
    return _replace_statement(module, index, changed)


def remove_import(
    module: cst.Module, from_module: str, name: str, alias: str | None = None
) -> cst.Module:
    """Remove `name [as alias]` from `from from_module import ...` (the whole statement
    when it was the only name); no-op when absent."""
    for index, node in _from_imports(module, from_module.split(".")[0]):
        if _module_name(node.module) != from_module:
            continue
        parts = [_alias_parts(a) for a in node.names]
        if (name, alias) not in parts:
            continue
        if len(parts) == 1:
            return _remove_top_level(module, index)
        seq = _import_seq(node)
        seq.remove(parts.index((name, alias)))
        parenthesized = node.lpar is not None
        remaining = [part for part in parts if part != (name, alias)]
        if (
            seq.exploded
            and not any(has_comment(slot) for slot in seq.slots)
            and _too_long(_one_line(node, parts))
            and not _too_long(_one_line(node, remaining))
        ):
            # Undo the layout that adding the name forced.
            seq.slots = (
                [cst.SimpleWhitespace("")]
                + [cst.SimpleWhitespace(" ")] * (len(remaining) - 1)
                + [cst.SimpleWhitespace("")]
            )
            seq.trailing = False
            parenthesized = False
        changed = module.body[index].with_changes(body=[_with_names(node, seq, parenthesized)])
        return _replace_statement(module, index, changed)
    return module


def _remove_top_level(module: cst.Module, index: int) -> cst.Module:
    """Drop a top-level statement; its leading blank lines go to the next statement."""
    body = list(module.body)
    removed = body.pop(index)
    if index < len(body):
        blanks = removed.leading_lines[: _blank_prefix(removed.leading_lines)]
        following = body[index]
        body[index] = following.with_changes(leading_lines=[*blanks, *following.leading_lines])
    return module.with_changes(body=body)


# -- statements in a scope -------------------------------------------------------------


def _named_block(
    statements: Sequence[cst.BaseStatement], name: str, kinds: tuple[type, ...]
) -> int | None:
    for index, statement in enumerate(statements):
        if isinstance(statement, kinds) and statement.name.value == name:
            return index
    return None


def _block_body(node: cst.FunctionDef | cst.ClassDef, what: str) -> list[cst.BaseStatement]:
    if not isinstance(node.body, cst.IndentedBlock):
        raise EditError(f"{what} is written on one line; put its body on its own lines")
    return list(node.body.body)


_Rebuild = Callable[[list[cst.BaseStatement]], cst.Module]


def _scope(module: cst.Module, scope: str) -> tuple[list[cst.BaseStatement], _Rebuild]:
    """The statements of `scope` and a function rebuilding the module from new ones."""
    if not scope:
        return list(module.body), lambda body: module.with_changes(body=body)
    outer_name, _, inner_name = scope.partition(".")
    outer_kinds = (cst.ClassDef,) if inner_name else (cst.ClassDef, cst.FunctionDef)
    outer_index = _named_block(module.body, outer_name, outer_kinds)
    if outer_index is None:
        kind = "class" if inner_name else "class or function"
        raise AnchorNotFound(f"the {kind} `{outer_name}`")
    outer = module.body[outer_index]
    outer_body = _block_body(outer, f"`{outer_name}`")

    def rebuild_outer(body: list[cst.BaseStatement]) -> cst.Module:
        new_outer = outer.with_changes(body=outer.body.with_changes(body=body))
        return _replace_statement(module, outer_index, new_outer)

    if not inner_name:
        return outer_body, rebuild_outer
    inner_index = _named_block(outer_body, inner_name, (cst.FunctionDef,))
    if inner_index is None:
        raise AnchorNotFound(f"the method `{scope}`")
    inner = outer_body[inner_index]
    inner_body = _block_body(inner, f"`{scope}`")

    def rebuild_inner(body: list[cst.BaseStatement]) -> cst.Module:
        new_body = list(outer_body)
        new_body[inner_index] = inner.with_changes(body=inner.body.with_changes(body=body))
        return rebuild_outer(new_body)

    return inner_body, rebuild_inner


def _parse_statement(code: str) -> cst.BaseStatement:
    """One statement, with the comment and blank lines before it as leading lines."""
    parsed = cst.parse_module(textwrap.dedent(code))
    if len(parsed.body) != 1:
        raise EditError(f"expected exactly one statement, got {len(parsed.body)}: {code!r}")
    statement = parsed.body[0]
    lines = [
        line if line.comment is not None else cst.EmptyLine(indent=False)
        for line in [*parsed.header, *statement.leading_lines]
    ]
    return statement.with_changes(leading_lines=lines)


def add_statement(
    module: cst.Module,
    scope: str,
    code: str,
    placement: Placement,
    after: str | None = None,
) -> cst.Module:
    """Add one statement to `scope` ("" module, "Class", "function", "Class.method").

    Its default position is right after the statement whose identity is `after` (when
    given and found), else the end of the scope; siblings owned by packs order it
    canonically.
    """
    body, rebuild = _scope(module, scope)
    identities = [_statement_identity(module, statement) for statement in body]
    if statement_identity(code) in identities:
        return module
    default = len(body)
    if after is not None and after in identities:
        default = identities.index(after) + 1
    pos = insertion_index(identities, placement, default)
    body.insert(pos, _parse_statement(code))
    return rebuild(body)


def remove_statement(module: cst.Module, scope: str, code: str) -> cst.Module:
    """Remove the statement `code` (with its leading comment lines) from `scope`.

    A statement of the same identity whose code differs (the user changed it) is left
    alone, as is a missing one.
    """
    body, rebuild = _scope(module, scope)
    identity = statement_identity(code)
    for index, statement in enumerate(body):
        if _statement_identity(module, statement) != identity:
            continue
        if not same_code(_code(module, statement), code):
            return module
        del body[index]
        return rebuild(body)
    return module
