"""A Python module cut into statements where libcst cuts them, found with the stdlib `ast`.

An edit of a big module should cost what the edit touches, not what the module holds. A
`PartialModule` is read with one `ast.parse` (several times faster than libcst) and cut into
`Member`s: one libcst statement each (a line of simple statements, or a compound statement),
with the blank and comment lines libcst gives it. Edits (`aegis.edit.python`) find their anchors
here, parse with libcst only the statements they change, and splice the printed text back.

The cuts follow libcst exactly, so that the partial path and a full libcst parse give the same
bytes: the lines before a statement are its `leading` lines (the module's first statement gives
them to the module header), except the lines an indented block owns after its last statement,
which libcst keeps as that block's footer: every line up to the last one that starts with the
block's indentation. A layout this reading does not model raises `Unsupported`, and the caller
parses the whole module with libcst instead.
"""

from __future__ import annotations

import ast
import gc
import re
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from aegis.edit.base import EditError
from aegis.edit.identity import nodes_identity

FALLBACK_INDENT = "    "  # libcst's default indentation for a module without indented blocks
_EMPTY_LINE = re.compile(r"[ \t]*(?:#[^\n]*)?\n")
_STATEMENT_END = re.compile(r"[ \t]*(?:;[ \t]*)?(?:#[^\n]*)?\n")
# Carriage returns, form feeds and tabs in indentation change how libcst counts lines and
# indentation, and libcst adds a missing last newline; such modules are rare enough to be
# parsed whole.
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_COMPOUND = (
    *_DEFINITIONS,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.Try,
    ast.TryStar,
    ast.With,
    ast.AsyncWith,
    ast.Match,
)


class Unsupported(Exception):
    """The module's layout is not modelled here; edit it as a whole libcst module."""


# -- identities (the stdlib ast, so that layout and comments do not change them) --------


def element_identity(node: ast.expr) -> str:
    """Identity of a list element, as `expression_identity` of its code gives it."""
    if type(node) is ast.Name and type(node.ctx) is ast.Load:
        return f"Name(id={node.id!r}, ctx=Load())"  # `ast.dump`, for the usual element, faster
    if isinstance(node, ast.Starred):
        return "*" + ast.dump(node.value)
    return ast.dump(node)


def same_code(nodes: list[ast.stmt], code: str) -> bool:
    """Whether `nodes` and the statements of `code` have the same syntax tree."""
    dumped = ast.dump(ast.Module(body=nodes, type_ignores=[]))
    return dumped == ast.dump(ast.parse(textwrap.dedent(code)))


# -- the structure --------------------------------------------------------------------


# What edits look for in a statement, read from its syntax tree when it is cut: its kind
# ("assignment", "import", "class", "function" or "other"), the name it binds (its identity;
# "" when none), an assignment's value ("list", "other", or "" for an annotation alone), and an
# import's module, level (the dots of a relative import) and (name, alias) pairs. A plain
# tuple of atoms, which the cycle collector stops tracking.
Facts = tuple[str, str, str, str, int, tuple[tuple[str, str | None], ...]]
_OTHER: Facts = ("other", "", "", "", 0, ())


def facts_of(nodes: list[ast.stmt]) -> Facts:
    if len(nodes) != 1:
        return _OTHER
    node = nodes[0]
    if isinstance(node, ast.ImportFrom):
        names = tuple((alias.name, alias.asname) for alias in node.names)
        return ("import", "", "", node.module or "", node.level, names)
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if len(targets) != 1 or not isinstance(targets[0], ast.Name):
            return _OTHER
        value = (
            "" if node.value is None else "list" if isinstance(node.value, ast.List) else "other"
        )
        return ("assignment", targets[0].id, value, "", 0, ())
    if isinstance(node, ast.ClassDef):
        return ("class", node.name, "", "", 0, ())
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return ("function", node.name, "", "", 0, ())
    return _OTHER


class ListElements:
    """A list assignment's elements: their identities, and where the list starts and each
    element ends (ast line numbers counted from `line0`, UTF-8 byte columns)."""

    __slots__ = ("identities", "ends", "bracket", "line0")

    def __init__(
        self, identities: list[str], ends: list[int], bracket: tuple[int, int], line0: int
    ) -> None:
        self.identities = identities
        self.ends = ends  # the end line and column of each element, one after the other
        self.bracket = bracket
        self.line0 = line0

    @classmethod
    def of(cls, value: ast.List, line0: int) -> ListElements:
        ends = []
        for element in value.elts:
            assert element.end_lineno is not None and element.end_col_offset is not None
            ends += [element.end_lineno, element.end_col_offset]
        identities = [element_identity(element) for element in value.elts]
        return cls(identities, ends, (value.lineno, value.col_offset), line0)

    def end(self, index: int) -> tuple[int, int]:
        return self.ends[2 * index], self.ends[2 * index + 1]


class Member:
    """One statement of a block, with the lines libcst gives it.

    `code` runs from the statement's first line (its first decorator) to the end of its last
    line, plus, for a compound statement, the lines after it that its indented blocks own.
    `facts` say what it is, and `elements` what a list it assigns holds. `nodes` are its ast
    statements, whose line numbers count the first line of `code` as `line0`; they are kept
    for definitions until opened, else parsed again when asked (few live objects keep the
    cycle collector's full passes away). `body` is the block of a definition once an edit has
    opened it: `code` is then out of date; `facts` stay true.
    """

    __slots__ = (
        "leading", "code", "indent", "parent", "facts", "nodes", "line0", "body", "elements",
        "_identity",
    )  # fmt: skip

    def __init__(
        self,
        leading: str,
        code: str,
        indent: str,
        parent: Block | None,
        facts: Facts,
        nodes: list[ast.stmt] | None = None,
        line0: int = 1,
    ) -> None:
        self.leading = leading
        self.code = code
        self.indent = indent
        self.parent = parent
        self.facts = facts
        self.nodes = nodes
        self.line0 = line0
        self.body: Block | None = None
        self.elements: ListElements | None = None
        self._identity: str | None = None

    @classmethod
    def new(cls, leading: str, code: str, parent: Block) -> Member:
        """A member for new code in `parent`."""
        member = cls(leading, code, parent.indent, parent, _OTHER)
        member.facts = facts_of(member.syntax()[0])
        return member

    def text(self) -> str:
        return self.leading + self.current_code()

    def current_code(self) -> str:
        return self.code if self.body is None else self.body.text()

    def syntax(self) -> tuple[list[ast.stmt], int]:
        """Its ast statements, up to date, and the line number of its first line."""
        if self.nodes is None:
            code = self.current_code()
            if self.indent:
                wrapper = _parse(f"if 1:\n{code}").body[0]
                assert isinstance(wrapper, ast.If)
                self.nodes, self.line0 = wrapper.body, 2
            else:
                self.nodes, self.line0 = _parse(code).body, 1
        return self.nodes, self.line0

    @property
    def kind(self) -> str:
        return self.facts[0]

    @property
    def name(self) -> str:
        return self.facts[1]

    def identity(self) -> str:
        if self._identity is None:
            self._identity = self.name or nodes_identity(self.syntax()[0])
        return self._identity

    def list_elements(self) -> ListElements:
        """The elements of the list this member assigns (`facts` say it does)."""
        if self.elements is None:
            nodes, line0 = self.syntax()
            node = nodes[0]
            assert isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.List)
            self.elements = ListElements.of(node.value, line0)
        return self.elements

    def replace(self, code: str, same_facts: bool = False) -> None:
        """Give it new code (of the same indentation); `same_facts` when the code is of the
        same kind and binds the same name, with a value of the same kind."""
        self.code, self.body, self.nodes, self._identity = code, None, None, None
        self.elements = None
        if not same_facts:
            self.facts = facts_of(self.syntax()[0])
        if self.parent is not None:
            self.parent.changed()


class Block:
    """The statements of a module or of an indented block, between `head` and `foot`.

    For a module, `head` and `foot` are libcst's header and footer; for an opened class or
    function, `head` is its first lines up to the colon and `foot` the lines its block owns
    after its last statement.
    """

    __slots__ = ("head", "members", "foot", "indent", "owner", "_identities")

    def __init__(
        self, head: str, members: list[Member], foot: str, indent: str, owner: Member | None = None
    ) -> None:
        self.head = head
        self.members = members
        self.foot = foot
        self.indent = indent
        self.owner = owner
        self._identities: list[str] | None = None

    def identities(self) -> list[str]:
        """The identity of each member, in order."""
        if self._identities is None:
            self._identities = [member.identity() for member in self.members]
        return self._identities

    def text(self) -> str:
        if not self.members and self.owner is not None:
            # libcst prints an emptied indented block as `pass`
            return f"{self.head}{self.indent}pass\n{self.foot}"
        return "".join([self.head, *(member.text() for member in self.members), self.foot])

    def insert(self, index: int, leading: str, code: str) -> None:
        member = Member.new(leading, code, self)
        self.members.insert(index, member)
        if self._identities is not None:
            self._identities.insert(index, member.identity())
        self._outdate_owners()

    def pop(self, index: int) -> Member:
        member = self.members.pop(index)
        if self._identities is not None:
            del self._identities[index]
        self._outdate_owners()
        return member

    def changed(self) -> None:
        """A member's code changed: forget the identities."""
        self._identities = None
        self._outdate_owners()

    def _outdate_owners(self) -> None:
        """The definitions around it changed: their trees are out of date."""
        owner = self.owner
        while owner is not None:
            owner.nodes = None
            owner = owner.parent.owner if owner.parent is not None else None


class PartialModule:
    """A module read with the stdlib ast; libcst parses only the statements edits change.

    Edits change it in place (see `aegis.edit.python`); `code` is the module's current text.
    """

    def __init__(self, block: Block, default_indent: str) -> None:
        self.block = block
        self.default_indent = default_indent

    @classmethod
    def read(cls, text: str) -> PartialModule:
        """The module of `text`; raises SyntaxError (or ValueError) when the stdlib parser
        refuses it, and `Unsupported` for a layout this reading does not model."""
        if "\r" in text or "\f" in text or ("\t" in text and _TAB_INDENT.search(text)):
            raise Unsupported("carriage returns, form feeds or tabs in indentation")
        if not text.endswith("\n"):
            raise Unsupported("no newline at the end")
        with _no_collection(settle=True):  # the syntax tree is gone before it runs again
            return cls._read(text)

    @classmethod
    def _read(cls, text: str) -> PartialModule:
        statements = _parse(text).body
        if not statements:
            raise Unsupported("no statements")
        lines = _lines(text)
        block = _cut(lines, statements, 1, 0, len(lines), "")
        block.head, block.members[0].leading = block.members[0].leading, ""
        return cls(block, _default_indent(lines, statements))

    @property
    def code(self) -> str:
        return self.block.text() or "\n"  # libcst prints an empty module as a newline


def open_body(member: Member, what: str) -> Block:
    """The block of a class or function member, cut into members (once)."""
    if member.body is None:
        with _no_collection(settle=True):  # the syntax tree is gone before it runs again
            member.body = _open(member, what)
    return member.body


def _open(member: Member, what: str) -> Block:
    nodes, line0 = member.syntax()
    (node,) = nodes
    assert isinstance(node, _DEFINITIONS)
    lines = _lines(member.code)
    first = node.body[0]
    indent = _own_line_indent(lines, line0, first)
    if indent is None:
        raise EditError(f"{what} is written on one line; put its body on its own lines")
    start = _first_line(first) - line0
    while _EMPTY_LINE.fullmatch(lines[start - 1]):
        start -= 1  # the colon's line is never empty: this stops there
    block = _cut(lines, node.body, line0, start, len(lines), indent)
    block.head = "".join(lines[:start])
    block.owner = member
    member.nodes = None  # its statements have their own now
    return block


# -- cutting ----------------------------------------------------------------------------


@contextmanager
def _no_collection(settle: bool = False) -> Iterator[None]:
    """Pause the cycle collector while a module's syntax tree and members are built: they
    make no cycle to collect, but each pass over their many new objects takes time, and
    enough passes start a full one over every object of the process.

    `settle` (a module or a body is cut): the members live as long as the command, so when
    the collector runs again they are put straight into its oldest generation, which it
    goes over only in a full pass (the young passes would go over each of them twice, to
    move them there); unless some objects are frozen already (`gc.freeze`: their owner
    wants them left alone, and unfreezing would thaw them too)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if settle and not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _parse(source: str) -> ast.Module:
    with _no_collection(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and the like: not ours to report
        return ast.parse(source)


def _lines(text: str) -> list[str]:
    """The lines of `text` (which ends in a newline) as the parsers count them."""
    return [line + "\n" for line in text.split("\n")[:-1]]


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None)
    return min(decorator.lineno for decorator in decorators) if decorators else node.lineno


def _column(line: str, offset: int) -> int:
    """The character column of a UTF-8 byte offset (what ast reports)."""
    return offset if line.isascii() else len(line.encode()[:offset].decode())


def _own_line_indent(lines: list[str], line0: int, node: ast.stmt) -> str | None:
    """The indentation of `node` when it starts its line, else None (it follows a colon)."""
    line = lines[_first_line(node) - line0]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if getattr(node, "decorator_list", None):
        return indent
    return indent if _column(line, node.col_offset) == len(indent) else None


def _check_empty(lines: list[str], start: int, stop: int) -> None:
    for line in lines[start:stop]:
        if not _EMPTY_LINE.fullmatch(line):
            raise Unsupported(f"a line between statements is not empty: {line!r}")


def _groups(statements: list[ast.stmt]) -> list[list[ast.stmt]]:
    """Statements that share a line (`a = 1; b = 2`) form one libcst statement."""
    groups: list[list[ast.stmt]] = []
    for statement in statements:
        if groups and statement.lineno == groups[-1][-1].end_lineno:
            groups[-1].append(statement)
        else:
            groups.append([statement])
    return groups


def _cut(
    lines: list[str], statements: list[ast.stmt], line0: int, start: int, stop: int, indent: str
) -> Block:
    """The block of `statements`, which with the lines around them fill lines[start:stop];
    ast line `line0` is lines[0]. (Runs once per statement of a big module: kept lean.)"""
    block = Block("", [], "", indent)
    members = block.members
    groups = _groups(statements)
    firsts = [_first_line(group[0]) - line0 for group in groups] + [stop]
    position = start
    _check_empty(lines, start, firsts[0])
    for number, group in enumerate(groups):
        first, following = firsts[number], firsts[number + 1]
        node = group[-1]
        assert node.end_lineno is not None and node.end_col_offset is not None
        last = node.end_lineno - line0
        line = lines[last]
        column = node.end_col_offset
        ends_line = column == len(line) - 1 and line.isascii()
        if not ends_line and not _STATEMENT_END.fullmatch(line, _column(line, column)):
            raise Unsupported(f"a statement ends in an unusual way: {line!r}")
        end = last + 1
        if end < following:
            _check_empty(lines, end, following)
            owned = _trailing_indent(lines, line0, node) if len(group) == 1 else None
            if owned is not None:
                for index in range(following - 1, last, -1):
                    if lines[index].startswith(owned):
                        end = index + 1
                        break
        code = lines[first] if end == first + 1 else "".join(lines[first:end])
        leading = "".join(lines[position:first]) if position < first else ""
        facts = facts_of(group)
        nodes = group if facts[0] in ("class", "function") else None
        member = Member(leading, code, indent, block, facts, nodes, line0 + first)
        if facts[2] == "list":
            assigned = group[0]
            assert isinstance(assigned, ast.Assign | ast.AnnAssign)
            assert isinstance(assigned.value, ast.List)
            member.elements = ListElements.of(assigned.value, line0 + first)
        members.append(member)
        position = end
    block.foot = "".join(lines[position:stop])
    return block


def _is_elif(lines: list[str], line0: int, node: ast.If) -> bool:
    line = lines[node.lineno - line0]
    return line.startswith("elif", _column(line, node.col_offset))


def _suites(lines: list[str], line0: int, node: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists of a compound statement's clauses, in the order they are written."""
    if isinstance(node, ast.If):
        orelse = node.orelse
        if len(orelse) == 1 and isinstance(orelse[0], ast.If) and _is_elif(lines, line0, orelse[0]):
            return [node.body, *_suites(lines, line0, orelse[0])]
        suites = [node.body, orelse]
    elif isinstance(node, ast.For | ast.AsyncFor | ast.While):
        suites = [node.body, node.orelse]
    elif isinstance(node, ast.Try | ast.TryStar):
        handlers = [handler.body for handler in node.handlers]
        suites = [node.body, *handlers, node.orelse, node.finalbody]
    elif isinstance(node, (ast.With, ast.AsyncWith, *_DEFINITIONS)):
        suites = [node.body]
    elif isinstance(node, ast.Match):
        raise Unsupported("match statements")
    else:
        return []
    return [suite for suite in suites if suite]


def _trailing_indent(lines: list[str], line0: int, node: ast.stmt) -> str | None:
    """The indentation of the indented block that ends a compound statement, if any: the
    lines after the statement up to the last one that starts with it belong to the statement."""
    if not isinstance(node, _COMPOUND):
        return None
    suites = _suites(lines, line0, node)
    return _own_line_indent(lines, line0, suites[-1][0]) if suites else None


def _default_indent(lines: list[str], statements: list[ast.stmt]) -> str:
    """libcst's default indentation: that of the module's first indented block."""
    for statement in statements:
        if not isinstance(statement, _COMPOUND):
            continue
        for suite in _suites(lines, 1, statement):
            indent = _own_line_indent(lines, 1, suite[0])
            if indent is not None:
                return indent
    return FALLBACK_INDENT
