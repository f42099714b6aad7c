"""Edits of Python modules: imports, anchor lists, statements, values.

Every function takes a module and returns the edited module (the same object when there is
nothing to do). The engine opens a `PartialModule`: it is read with the stdlib `ast`, an edit
parses and prints with libcst only the statements it changes (a list's elements far from the
change not even those) and splices them back, so that its cost does not grow with the module;
it is edited in place. A whole `libcst.Module` takes the reference path: the module is parsed,
changed and printed as a whole. Modules the partial reading does not model are edited that
way, and the tests check that both paths give the same bytes.

Identities use the stdlib `ast`, so that reformatting or comments do not change them.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import TypeAlias

import libcst as cst

from aegis.edit.base import AnchorNotFound, EditError, Placement, insertion_index
from aegis.edit.cstseq import Seq, has_comment
from aegis.edit.identity import expression_identity, statement_identity
from aegis.edit.outline import (
    Block,
    ListElements,
    Member,
    PartialModule,
    open_body,
    same_code,
)

__all__ = [
    "add_import",
    "add_list_item",
    "add_statement",
    "expression_identity",
    "remove_import",
    "remove_list_item",
    "remove_statement",
    "replace_value",
    "statement_identity",
]

LINE_LENGTH = 88

Module: TypeAlias = cst.Module | PartialModule
# A statement of a module's body (`libcst.BaseStatement` has these two kinds).
_Statement: TypeAlias = cst.SimpleStatementLine | cst.BaseCompoundStatement

# -- shared helpers --------------------------------------------------------------------


def _same_code(left: str, right: str) -> bool:
    """Whether two statements have the same syntax tree (layout and comments aside)."""
    return ast.dump(ast.parse(textwrap.dedent(left))) == ast.dump(ast.parse(textwrap.dedent(right)))


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


def _blank_prefix(lines: Sequence[cst.EmptyLine]) -> int:
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


_BLANK_LINES = re.compile(r"(?:[ \t]*\n)*")


def _blank_text(leading: str) -> str:
    """The blank lines that open `leading` (the text of `_blank_prefix`'s lines)."""
    match = _BLANK_LINES.match(leading)
    assert match is not None  # the pattern matches the empty string
    return match.group()


def _printed(statement: _Statement, indent: str, default_indent: str) -> tuple[str, str]:
    """A new statement as libcst prints it in a block of indentation `indent`: the text of
    its leading lines, and the rest."""

    if indent:
        block = cst.IndentedBlock(body=[statement], indent=indent)
        wrapper = cst.ClassDef(name=cst.Name("_"), body=block)
        code = cst.Module(body=[wrapper], default_indent=default_indent).code
        code = code.split("\n", 1)[1]  # without the wrapper's `class _:` line
    else:
        code = cst.Module(body=[statement], default_indent=default_indent).code
    end = 0
    for _ in statement.leading_lines:  # one line each
        end = code.index("\n", end) + 1
    return code[:end], code[end:]


def _statement_module(code: str) -> cst.Module:
    """The libcst module of one top-level statement of a partial module."""
    return cst.parse_module(code)


# -- module-level assignments ----------------------------------------------------------

# A module-level assignment of one name: the statement's index in the module's body, the
# statement, the assignment in it and the value assigned.
_Found: TypeAlias = tuple[
    int, cst.SimpleStatementLine, cst.Assign | cst.AnnAssign, cst.BaseExpression
]
# An assignment of a list.
_FoundList: TypeAlias = tuple[int, cst.SimpleStatementLine, cst.Assign | cst.AnnAssign, cst.List]


def _find_assignment(module: cst.Module, target: str) -> _Found | None:
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            name, value = small.targets[0].target, small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            name, value = small.target, small.value
        else:
            continue
        if isinstance(name, cst.Name) and name.value == target:
            return index, statement, small, value
    return None


def _partial_assignment(module: PartialModule, target: str) -> Member | None:
    """The member assigning module-level `target` (`_find_assignment` for a partial module)."""
    for member in module.block.members:
        kind, name, value, *_ = member.facts
        if kind == "assignment" and value and name == target:
            return member
    return None


def _only_assignment(module: cst.Module) -> _Found:
    statement = module.body[0]
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    assert isinstance(small, cst.Assign | cst.AnnAssign) and small.value is not None
    return 0, statement, small, small.value


def _replace_statement(module: cst.Module, index: int, statement: _Statement) -> cst.Module:
    body = list(module.body)
    body[index] = statement
    return module.with_changes(body=body)


# -- lists -----------------------------------------------------------------------------


def _find_list(module: cst.Module, list_name: str) -> _FoundList:
    found = _find_assignment(module, list_name)
    if found is not None:
        index, statement, small, value = found
        if isinstance(value, cst.List):
            return index, statement, small, value
    raise AnchorNotFound(f"the list `{list_name}`")


def _partial_list(module: PartialModule, list_name: str) -> Member:
    member = _partial_assignment(module, list_name)
    if member is None or member.facts[2] != "list":
        raise AnchorNotFound(f"the list `{list_name}`")
    return member


def _list_seq(found: _FoundList) -> Seq:
    value = found[3]
    return Seq.read(
        value.elements,
        value.lbracket.whitespace_after,
        value.rbracket.whitespace_before,
    )


def _with_list(module: cst.Module, found: _FoundList, seq: Seq) -> cst.Module:
    index, statement, small, old = found
    items, open_ws, close_ws = seq.write()
    new_list = old.with_changes(
        elements=items,
        lbracket=old.lbracket.with_changes(whitespace_after=open_ws),
        rbracket=old.rbracket.with_changes(whitespace_before=close_ws),
    )
    new_statement = statement.with_changes(body=[small.with_changes(value=new_list)])
    return _replace_statement(module, index, new_statement)


def _insert_element(module: cst.Module, found: _FoundList, pos: int, item: str) -> cst.Module:
    seq = _list_seq(found)
    seq.insert(pos, cst.Element(cst.parse_expression(item.strip())))
    result = _with_list(module, found, seq)
    if not seq.exploded and _too_long(_code(result, result.body[found[0]])):
        seq.explode()
        result = _with_list(module, found, seq)
    return result


def _remove_element(module: cst.Module, found: _FoundList, pos: int) -> cst.Module:
    seq = _list_seq(found)
    seq.remove(pos)
    return _with_list(module, found, seq)


def add_list_item(module: Module, list_name: str, item: str, placement: Placement) -> Module:
    """Add the expression `item` to the module-level list `list_name`."""
    if isinstance(module, PartialModule):
        member = _partial_list(module, list_name)
        identities = member.list_elements().identities
        if expression_identity(item) in identities:
            return module
        pos = insertion_index(identities, placement, len(identities))
        _edit_list(member, {pos - 1, pos}, pos, lambda m, f, p: _insert_element(m, f, p, item))
        return module
    found = _find_list(module, list_name)
    identities = [_element_identity(module, element) for element in found[3].elements]
    if expression_identity(item) in identities:
        return module
    pos = insertion_index(identities, placement, len(identities))
    return _insert_element(module, found, pos, item)


def remove_list_item(module: Module, list_name: str, item: str) -> Module:
    """Remove the expression `item` from the list `list_name` (no-op when absent)."""
    if isinstance(module, PartialModule):
        member = _partial_list(module, list_name)
        identities = member.list_elements().identities
        identity = expression_identity(item)
        if identity not in identities:
            return module
        pos = identities.index(identity)
        _edit_list(member, {pos - 1, pos, pos + 1}, pos, _remove_element)
        return module
    found = _find_list(module, list_name)
    identities = [_element_identity(module, element) for element in found[3].elements]
    identity = expression_identity(item)
    if identity not in identities:
        return module
    return _remove_element(module, found, identities.index(identity))


_ListEdit: TypeAlias = Callable[[cst.Module, _FoundList, int], cst.Module]


def _edit_list(member: Member, keep: set[int], pos: int, edit: _ListEdit) -> None:
    """Run `edit` at element `pos` of the list statement `member`.

    A list laid out one element per line is edited through a stand-in: every run of elements
    away from the change (not in `keep`, nor the last one) is replaced by one placeholder
    element, so that libcst parses and prints a handful of elements whatever the list's
    length. An element's insertion and removal only look at the whitespace around it, the
    first slot and the list's end, which the stand-in keeps as they are.
    """
    code = member.code
    elements = member.list_elements()
    count = len(elements.identities)
    kept = {index for index in keep | {count - 1} if 0 <= index < count}
    reduced, chunks, at = _elide_elements(code, elements, kept, pos)
    statement = _statement_module(reduced)
    if chunks and not _list_seq(_find_list(statement, member.name)).exploded:
        # An inline list may be laid out again as a whole: edit all of it.
        statement, chunks, at = _statement_module(code), {}, pos
    result = edit(statement, _find_list(statement, member.name), at).code
    for placeholder, chunk in chunks.items():
        assert result.count(placeholder) == 1
        result = result.replace(placeholder, chunk)
    member.replace(result, same_facts=True)


def _elide_elements(
    code: str, elements: ListElements, kept: set[int], pos: int
) -> tuple[str, dict[str, str], int]:
    """`code` with each run of elements not in `kept` (each followed by a comma) replaced by
    a placeholder `name,`; the text each placeholder stands for; and `pos` in the new list."""
    runs: list[tuple[int, int]] = []  # runs of element indexes, first and last
    start = 0
    for index in sorted(kept):
        if start < index:
            runs.append((start, index - 1))
        start = index + 1
    if not runs:
        return code, {}, pos
    offset = _Offsets(code, elements.line0)
    prefix = "_aegis_elided"
    while prefix in code:
        prefix += "_"
    pieces: list[str] = []
    chunks: dict[str, str] = {}
    cursor = 0
    for number, (first, last) in enumerate(runs):
        if first == 0:
            after = offset(*elements.bracket) + 1  # after `[`
        else:
            after = _comma(code, offset(*elements.end(first - 1))) + 1
        begin = _skip_space(code, after)
        end = _comma(code, offset(*elements.end(last))) + 1
        placeholder = f"{prefix}{number},"
        pieces += [code[cursor:begin], placeholder]
        chunks[placeholder] = code[begin:end]
        cursor = end
    pieces.append(code[cursor:])
    at = pos - sum(last - first for first, last in runs if last < pos)
    return "".join(pieces), chunks, at


class _Offsets:
    """Offsets in `code` of the positions ast reports (line numbers from `line0`, UTF-8
    byte columns)."""

    def __init__(self, code: str, line0: int) -> None:
        self.code = code
        self.line0 = line0
        self.starts = [0]
        for line in code.split("\n")[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def __call__(self, lineno: int, col: int) -> int:
        start = self.starts[lineno - self.line0]
        line = self.code[start : self.code.index("\n", start)]
        return start + (col if line.isascii() else len(line.encode()[:col].decode()))


def _skip_space(code: str, pos: int) -> int:
    """The first position from `pos` that is not whitespace, a comment or a continuation."""
    while True:
        char = code[pos]
        if char in " \t\n":
            pos += 1
        elif char == "\\":
            pos += 2
        elif char == "#":
            pos = code.index("\n", pos)
        else:
            return pos


def _comma(code: str, pos: int) -> int:
    """The comma after an element that ends at `pos` (past its closing parentheses)."""
    while True:
        pos = _skip_space(code, pos)
        if code[pos] == ",":
            return pos
        assert code[pos] == ")", code[pos:]
        pos += 1


# -- values ----------------------------------------------------------------------------


def _set_value(module: cst.Module, found: _Found, new: str) -> cst.Module:
    index, statement, small, _ = found
    changed = small.with_changes(value=cst.parse_expression(new.strip()))
    return _replace_statement(module, index, statement.with_changes(body=[changed]))


def _value_changes(current: str, target: str, old: str, new: str) -> bool:
    """Whether the value of `target`, of identity `current`, is to be set from `old` to `new`
    (not when it already is `new`)."""
    if current == expression_identity(new):
        return False
    if current != expression_identity(old):
        raise AnchorNotFound(f"`{target} = {old}`")
    return True


def replace_value(module: Module, target: str, old: str, new: str) -> Module:
    """Set module-level `target` from `old` to `new` (no-op if it already is `new`)."""
    if isinstance(module, PartialModule):
        member = _partial_assignment(module, target)
        if member is None:
            raise AnchorNotFound(f"the assignment `{target} = ...`")
        node = member.syntax()[0][0]
        assert isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None
        if _value_changes(ast.dump(node.value), target, old, new):
            statement = _statement_module(member.code)
            member.replace(_set_value(statement, _only_assignment(statement), new).code)
        return module
    found = _find_assignment(module, target)
    if found is None:
        raise AnchorNotFound(f"the assignment `{target} = ...`")
    if _value_changes(expression_identity(_code(module, found[3])), target, old, new):
        return _set_value(module, found, new)
    return module


# -- imports ---------------------------------------------------------------------------


_DIGITS = re.compile(r"(\d+)")
_ASCII_DIGIT = re.compile(r"[0-9]")


# Sort keys: natural order of a text (numbers by value), of an imported name, of an import.
_Natural: TypeAlias = tuple[tuple[int, int, str], ...]
_MemberKey: TypeAlias = tuple[int, _Natural, _Natural, bool, _Natural]
_ImportKey: TypeAlias = tuple[_Natural, _Natural, _MemberKey]


def _natural(text: str) -> _Natural:
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _DIGITS.split(text)
        if part
    )


def _member_key(name: str, alias: str | None) -> _MemberKey:
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


def _import_key(module_name: str, first: tuple[str, str | None]) -> _ImportKey:
    """isort order of `from module_name import first, ...` statements."""
    return (_natural(module_name.lower()), _natural(module_name), _member_key(*first))


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
    if alias.asname is None:
        return name, None
    asname = alias.asname.name
    assert isinstance(asname, cst.Name)  # libcst's `ImportAlias` allows only a name there
    return name, asname.value


# A top-level `from module import names` statement: its index in the module's body, its
# module and its (name, alias) pairs.
_FromImport: TypeAlias = tuple[int, str, Sequence[tuple[str, str | None]]]


def _from_imports(module: cst.Module, root: str) -> list[_FromImport]:
    """Top-level `from <root>... import` statements (not relative, not `*`)."""
    found: list[_FromImport] = []
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
            found.append((index, name, [_alias_parts(alias) for alias in node.names]))
    return found


def _partial_from_imports(module: PartialModule, root: str) -> list[_FromImport]:
    """`_from_imports` for a partial module."""
    found: list[_FromImport] = []
    below = root + "."
    for index, member in enumerate(module.block.members):
        kind, _, _, name, level, parts = member.facts
        if kind != "import" or level or parts[0][0] == "*":
            continue
        if name == root or name.startswith(below):
            found.append((index, name, parts))
    return found


def _imports_from(module: Module, root: str) -> list[_FromImport]:
    if isinstance(module, PartialModule):
        return _partial_from_imports(module, root)
    return _from_imports(module, root)


def _names(node: cst.ImportFrom) -> Sequence[cst.ImportAlias]:
    """The names a `from ... import` statement imports."""
    if isinstance(node.names, cst.ImportStar):
        module_name = _module_name(node.module)
        raise EditError(f"`from {module_name} import *` cannot be edited name by name")
    return node.names


def _import_seq(node: cst.ImportFrom) -> Seq:
    if node.lpar is not None and node.rpar is not None:
        return Seq.read(_names(node), node.lpar.whitespace_after, node.rpar.whitespace_before)
    empty = cst.SimpleWhitespace("")
    return Seq.read(_names(node), empty, empty)


def _with_names(node: cst.ImportFrom, seq: Seq, parenthesized: bool) -> cst.ImportFrom:
    names, open_ws, close_ws = seq.write()
    if not parenthesized:
        return node.with_changes(names=names, lpar=None, rpar=None)
    return node.with_changes(
        names=names,
        lpar=cst.LeftParen(whitespace_after=open_ws),
        rpar=cst.RightParen(whitespace_before=close_ws),
    )


def _one_line(module_name: str, names: Sequence[tuple[str, str | None]]) -> str:
    listed = ", ".join(f"{name} as {alias}" if alias else name for name, alias in names)
    return f"from {module_name} import {listed}"


def _new_alias(name: str, alias: str | None) -> cst.ImportAlias:
    node = cst.parse_expression(name)
    if not isinstance(node, cst.Name | cst.Attribute):
        raise EditError(f"`{name}` is not a name to import")
    asname = cst.AsName(cst.Name(alias)) if alias else None
    return cst.ImportAlias(name=node, asname=asname)


def _new_import(from_module: str, name: str, alias: str | None) -> cst.SimpleStatementLine:
    """`from from_module import name [as alias]`, parenthesized when too long."""
    statement = cst.parse_statement(_one_line(from_module, [(name, alias)]))
    assert isinstance(statement, cst.SimpleStatementLine)
    if _too_long(_one_line(from_module, [(name, alias)])):
        node = statement.body[0]
        assert isinstance(node, cst.ImportFrom)
        seq = _import_seq(node)
        seq.explode()
        statement = statement.with_changes(body=[_with_names(node, seq, True)])
    return statement


def _import_node(module: cst.Module, index: int) -> tuple[cst.SimpleStatementLine, cst.ImportFrom]:
    statement = module.body[index]
    assert isinstance(statement, cst.SimpleStatementLine)
    node = statement.body[0]
    assert isinstance(node, cst.ImportFrom)
    return statement, node


def _merge_import(module: cst.Module, index: int, name: str, alias: str | None) -> cst.Module:
    """Add `name [as alias]` to the import statement at `index`, in isort order."""
    statement, node = _import_node(module, index)
    seq = _import_seq(node)
    parts = [_alias_parts(a) for a in _names(node)]
    key = _member_key(name, alias)
    pos = next((i for i, part in enumerate(parts) if _member_key(*part) > key), len(parts))
    seq.insert(pos, _new_alias(name, alias))
    parenthesized = node.lpar is not None
    module_name = _module_name(node.module)
    if not seq.exploded and _too_long(_one_line(module_name, [*parts, (name, alias)])):
        seq.explode()
        parenthesized = True
    changed = statement.with_changes(body=[_with_names(node, seq, parenthesized)])
    return _replace_statement(module, index, changed)


def _drop_name(module: cst.Module, index: int, name: str, alias: str | None) -> cst.Module:
    """Remove `name [as alias]` from the import statement at `index`, which has others."""
    statement, node = _import_node(module, index)
    parts = [_alias_parts(a) for a in _names(node)]
    seq = _import_seq(node)
    seq.remove(parts.index((name, alias)))
    parenthesized = node.lpar is not None
    remaining = [part for part in parts if part != (name, alias)]
    module_name = _module_name(node.module)
    if (
        seq.exploded
        and not any(has_comment(slot) for slot in seq.slots)
        and _too_long(_one_line(module_name, parts))
        and not _too_long(_one_line(module_name, remaining))
    ):
        # Undo the layout that adding the name forced.
        seq.slots = [
            cst.SimpleWhitespace(""),
            *[cst.SimpleWhitespace(" ")] * (len(remaining) - 1),
            cst.SimpleWhitespace(""),
        ]
        seq.trailing = False
        parenthesized = False
    changed = statement.with_changes(body=[_with_names(node, seq, parenthesized)])
    return _replace_statement(module, index, changed)


def _first_later(imports: list[_FromImport], module_name: str, key: _ImportKey) -> int | None:
    """The index of the first import statement that sorts after `key`, the key of a
    statement importing from `module_name`."""
    target = module_name.lower()
    # Before the first digit of either (ASCII) name, natural order is plain order: a name
    # that differs from the target there is placed without finding where (a grown module
    # imports from a thousand modules that share the target's package).
    plain = _digits_start(target) if target.isascii() else 0
    for index, name, parts in imports:
        lower = name.lower()
        if lower.isascii():
            digit = _ASCII_DIGIT.search(lower, 0, plain)
            before = plain if digit is None else digit.start()
            if lower[:before] != target[:before]:
                if lower > target:
                    return index
                continue
        at = _common_prefix(lower, target)
        differ = at < min(len(lower), len(target))
        if differ and not lower[at].isdigit() and not target[at].isdigit():
            # They first differ outside numbers: plain order is natural order (and no tie).
            if lower > target:
                return index
        elif _import_key(name, parts[0]) > key:
            return index
    return None


def _digits_start(text: str) -> int:
    """Where the first ASCII digit of `text` is (its length when it has none)."""
    digit = _ASCII_DIGIT.search(text)
    return len(text) if digit is None else digit.start()


def _common_prefix(left: str, right: str) -> int:
    """The length of the common prefix of two strings."""
    low, high = 0, min(len(left), len(right))
    while low < high:
        middle = (low + high + 1) // 2
        if left[:middle] == right[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def add_import(module: Module, from_module: str, name: str, alias: str | None = None) -> Module:
    """Ensure `from from_module import name [as alias]`, at its isort position."""
    root = from_module.split(".")[0]
    imports = _imports_from(module, root)
    for _, module_name, parts in imports:
        if module_name == from_module and (name, alias) in parts:
            return module
    for index, module_name, _ in imports:
        if module_name == from_module:
            if isinstance(module, PartialModule):
                member = module.block.members[index]
                statement = _statement_module(member.code)
                member.replace(_merge_import(statement, 0, name, alias).code)
                return module
            return _merge_import(module, index, name, alias)
    if not imports:
        raise AnchorNotFound(f"a top-level `from {root}... import ...` statement")
    new_import = _new_import(from_module, name, alias)
    later = _first_later(imports, from_module, _import_key(from_module, (name, alias)))
    if isinstance(module, PartialModule):
        _, code = _printed(new_import, "", module.default_indent)
        members = module.block.members
        if later is None:
            module.block.insert(imports[-1][0] + 1, "", code)
        else:
            blanks = _blank_text(members[later].leading)
            members[later].leading = members[later].leading[len(blanks) :]
            module.block.insert(later, blanks, code)
        return module
    body = list(module.body)
    if later is None:
        at = imports[-1][0] + 1
    else:
        at = later
        following = body[at]
        split = _blank_prefix(following.leading_lines)
        new_import = new_import.with_changes(leading_lines=following.leading_lines[:split])
        body[at] = following.with_changes(leading_lines=following.leading_lines[split:])
    body.insert(at, new_import)
    return module.with_changes(body=body)


def remove_import(module: Module, from_module: str, name: str, alias: str | None = None) -> Module:
    """Remove `name [as alias]` from `from from_module import ...` (the whole statement
    when it was the only name); no-op when absent."""
    root = from_module.split(".")[0]
    for index, module_name, parts in _imports_from(module, root):
        if module_name != from_module or (name, alias) not in parts:
            continue
        if isinstance(module, PartialModule):
            if len(parts) == 1:
                _remove_member(module.block, index)
            else:
                member = module.block.members[index]
                statement = _statement_module(member.code)
                member.replace(_drop_name(statement, 0, name, alias).code)
            return module
        if len(parts) == 1:
            return _remove_top_level(module, index)
        return _drop_name(module, index, name, alias)
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


def _remove_member(block: Block, index: int) -> None:
    """`_remove_top_level` for a partial module."""
    removed = block.pop(index)
    if index < len(block.members):
        following = block.members[index]
        following.leading = _blank_text(removed.leading) + following.leading


# -- statements in a scope -------------------------------------------------------------


_Definition: TypeAlias = cst.ClassDef | cst.FunctionDef


def _named_block(
    statements: Sequence[cst.BaseStatement], name: str, kinds: tuple[type[_Definition], ...]
) -> tuple[int, _Definition] | None:
    """The index and node of the first definition of one of `kinds` named `name`."""
    for index, statement in enumerate(statements):
        if isinstance(statement, kinds) and statement.name.value == name:
            return index, statement
    return None


def _block_body(node: _Definition, what: str) -> list[cst.BaseStatement]:
    if not isinstance(node.body, cst.IndentedBlock):
        raise EditError(f"{what} is written on one line; put its body on its own lines")
    return list(node.body.body)


_Rebuild: TypeAlias = Callable[[list[cst.BaseStatement]], cst.Module]


def _scope(module: cst.Module, scope: str) -> tuple[list[cst.BaseStatement], _Rebuild]:
    """The statements of `scope` and a function rebuilding the module from new ones."""
    if not scope:
        return list(module.body), lambda body: module.with_changes(body=body)
    outer_name, _, inner_name = scope.partition(".")
    outer_kinds = (cst.ClassDef,) if inner_name else (cst.ClassDef, cst.FunctionDef)
    found_outer = _named_block(module.body, outer_name, outer_kinds)
    if found_outer is None:
        kind = "class" if inner_name else "class or function"
        raise AnchorNotFound(f"the {kind} `{outer_name}`")
    outer_index, outer = found_outer
    outer_body = _block_body(outer, f"`{outer_name}`")

    def rebuild_outer(body: list[cst.BaseStatement]) -> cst.Module:
        new_outer = outer.with_changes(body=outer.body.with_changes(body=body))
        return _replace_statement(module, outer_index, new_outer)

    if not inner_name:
        return outer_body, rebuild_outer
    found_inner = _named_block(outer_body, inner_name, (cst.FunctionDef,))
    if found_inner is None:
        raise AnchorNotFound(f"the method `{scope}`")
    inner_index, inner = found_inner
    inner_body = _block_body(inner, f"`{scope}`")

    def rebuild_inner(body: list[cst.BaseStatement]) -> cst.Module:
        new_body = list(outer_body)
        new_body[inner_index] = inner.with_changes(body=inner.body.with_changes(body=body))
        return rebuild_outer(new_body)

    return inner_body, rebuild_inner


def _partial_named(block: Block, name: str, kinds: tuple[str, ...]) -> Member | None:
    for member in block.members:
        if member.kind in kinds and member.name == name:
            return member
    return None


def _partial_scope(module: PartialModule, scope: str) -> Block:
    """The block of `scope`, opened; `_scope` for a partial module."""
    if not scope:
        return module.block
    outer_name, _, inner_name = scope.partition(".")
    outer_kinds = ("class",) if inner_name else ("class", "function")
    outer = _partial_named(module.block, outer_name, outer_kinds)
    if outer is None:
        kind = "class" if inner_name else "class or function"
        raise AnchorNotFound(f"the {kind} `{outer_name}`")
    outer_body = open_body(outer, f"`{outer_name}`")
    if not inner_name:
        return outer_body
    inner = _partial_named(outer_body, inner_name, ("function",))
    if inner is None:
        raise AnchorNotFound(f"the method `{scope}`")
    return open_body(inner, f"`{scope}`")


def _parse_statement(code: str) -> _Statement:
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


def _code_identity(code: str) -> str | None:
    """The identity of `code` when it is a statement, else None."""
    try:
        return statement_identity(code)
    except SyntaxError:
        return None


def add_statement(
    module: Module,
    scope: str,
    code: str,
    placement: Placement,
    after: str | None = None,
) -> Module:
    """Add one statement to `scope` ("" module, "Class", "function", "Class.method").

    Its default position is right after the statement `after` names (its identity, or
    its code, e.g. `bootstrap()`; when given and found), else the end of the scope;
    siblings owned by packs order it canonically.
    """
    if isinstance(module, PartialModule):
        block = _partial_scope(module, scope)
        identities = block.identities()
    else:
        body, rebuild = _scope(module, scope)
        identities = [_statement_identity(module, statement) for statement in body]
    if statement_identity(code) in identities:
        return module
    default = len(identities)
    if after is not None:
        named = after if after in identities else _code_identity(after)
        if named in identities:
            default = identities.index(named) + 1
    pos = insertion_index(identities, placement, default)
    statement = _parse_statement(code)
    if isinstance(module, PartialModule):
        block.insert(pos, *_printed(statement, block.indent, module.default_indent))
        return module
    body.insert(pos, statement)
    return rebuild(body)


def remove_statement(module: Module, scope: str, code: str) -> Module:
    """Remove the statement `code` (with its leading comment lines) from `scope`.

    A statement of the same identity whose code differs (the user changed it) is left
    alone, as is a missing one.
    """
    if isinstance(module, PartialModule):
        block = _partial_scope(module, scope)
        identity = statement_identity(code)
        if identity not in block.identities():
            return module
        member = block.members[block.identities().index(identity)]
        if same_code(member.syntax()[0], code):
            block.pop(block.members.index(member))
        return module
    body, rebuild = _scope(module, scope)
    identity = statement_identity(code)
    for index, statement in enumerate(body):
        if _statement_identity(module, statement) != identity:
            continue
        if not _same_code(_code(module, statement), code):
            return module
        del body[index]
        return rebuild(body)
    return module
