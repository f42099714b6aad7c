"""The shape of Python source that `ruff format` leaves alone: the syntax tree (docstrings
with their indentation cleaned) and the text of each comment.

This is the Python part of a ledger fingerprint, which every command computes for each file
a pack owns. The tree is written as Python 3.11's `ast.dump` writes it, whatever the running
interpreter: 3.12's `ast.dump` adds `type_params=[]` to every function and class and 3.13's
leaves out empty fields, so the same file would otherwise read as changed by its owner once
the project is opened by another interpreter. Syntax only newer interpreters parse (type
parameters, `type` aliases) can only be the owner's; its fields are written when not empty.

Aegis 0.2.0 recorded `ast.dump` of the running interpreter; `python_shape(source, "3.12")`
and `"3.13"` write those forms, so such a ledger still reads as unchanged (`EARLIER`).

`ast.dump` and `tokenize` are slow in pure Python (an `init` with every component spent half
its time here), so the tree is written by a dump specialised to these forms, and comments are
found by a scanner that lexes only strings and comments where it reads them as `tokenize`
does (before 3.12, which lexes f-strings apart; and sources without unusual line ends).
"""

from __future__ import annotations

import ast
import inspect
import io
import re
import sys
import tokenize
from typing import Literal

# One string literal (any prefix reads the same: a backslash always keeps the quote in) or
# one comment; between them, nothing of code can hold a quote or a hash.
_STRING_OR_COMMENT = re.compile(
    r"""(?:'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'(?:[^'\\\n]|\\.)*'"""
    r'''|"(?:[^"\\\n]|\\.)*"'''
    r")|(#[^\n]*)",
    re.S,
)
# What the scanner does not read as `tokenize` does: other line ends and form feeds.
_UNUSUAL = re.compile(r"[\r\f\v\x00]")
# Where the scanner is `tokenize`'s equal: 3.12 lexes f-strings apart (and its `tokenize` is
# the C one).
_FAST_COMMENTS = sys.version_info < (3, 12)
# 3.12's parser (f-strings included) leaves empty literals in some f-strings, 3.11's never.
_NEWER_PARSER = sys.version_info >= (3, 12)
_SCOPES = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def python_shape(source: str, form: Form = "3.11") -> str | None:
    """The tree with cleaned docstrings as `ast.dump` of Python `form` writes it, then the
    comments one a line; None when the source does not parse."""
    try:
        tree = ast.parse(source)
        comments = _comments(source)
    except (SyntaxError, ValueError, tokenize.TokenError):
        return None
    _clean_docstring(tree.body)
    _clean_nested_docstrings(tree.body)
    return _format(tree, _FORMS[form]) + "\n" + "\n".join(comments)


def reference_shape(source: str) -> str | None:
    """The same by the standard library's definitions, in the running interpreter's form
    (what the tests compare with)."""
    try:
        tree = ast.parse(source)
        comments = _tokenized_comments(source)
    except (SyntaxError, ValueError, tokenize.TokenError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, _SCOPES):
            _clean_docstring(node.body)
    return ast.dump(tree) + "\n" + "\n".join(comments)


def _comments(source: str) -> list[str]:
    """The text of each comment, without its hashes and surrounding blanks. Only called on
    source that parses, where a quote or hash outside a string opens a string or comment."""
    if not _FAST_COMMENTS or _UNUSUAL.search(source):
        return _tokenized_comments(source)
    return [
        comment.lstrip("#").strip()
        for comment in _STRING_OR_COMMENT.findall(source)
        if comment  # the group is empty for a string
    ]


def _tokenized_comments(source: str) -> list[str]:
    return [
        token.string.lstrip("#").strip()
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]


def _clean_nested_docstrings(body: list[ast.stmt]) -> None:
    """Clean the docstring of every class and function in `body`, at any depth: they are
    statements, so only lists of statements need a visit (not the expressions, as
    `ast.walk` does)."""
    for statement in body:
        if isinstance(statement, _SCOPES):
            _clean_docstring(statement.body)
        for name in statement._fields:
            value = getattr(statement, name, None)
            if isinstance(value, list) and value:
                if isinstance(value[0], ast.stmt):
                    _clean_nested_docstrings(value)
                elif isinstance(value[0], ast.excepthandler | ast.match_case):
                    for part in value:
                        _clean_nested_docstrings(part.body)


def _clean_docstring(body: list[ast.stmt]) -> None:
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        constant = body[0].value
        if isinstance(constant.value, str):
            constant.value = inspect.cleandoc(constant.value)


def _format(node: object, form: _Form) -> str:
    """`ast.dump(node)` as Python `form.name` writes it: fields by name, each left out when
    its value is one that form leaves out."""
    if isinstance(node, ast.AST):
        fields = form.fields.get(type(node))
        if fields is None:
            fields = form.fields[type(node)] = _fields(type(node), form.name)
        parts = []
        for name, omit in fields:
            try:
                value = getattr(node, name)
            except AttributeError:
                if name != "type_params":
                    continue
                value = []  # a tree of 3.11 in the form of 3.12
            if omit:
                if value is None:
                    continue
                if omit != _NONE:
                    if omit == _LITERALS:
                        value = [part for part in value if not _empty_literal(part)]
                    elif value == []:
                        continue
            parts.append(f"{name}={_format(value, form)}")
        return f"{type(node).__name__}({', '.join(parts)})"
    if isinstance(node, list):
        return f"[{', '.join([_format(item, form) for item in node])}]"
    return repr(node)


# What a form leaves out of a field: nothing, a None, a None and an empty list, or the
# empty strings of an f-string's parts.
_KEPT, _NONE, _EMPTY, _LITERALS = 0, 1, 2, 3
_NEWER_FIELDS = ("type_params",)  # fields that 3.11 does not have
_PARAMETRISED = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)  # type_params in 3.12


def _fields(kind: type[ast.AST], form: Form) -> tuple[tuple[str, int], ...]:
    """Each field of a node class as `form` writes it, and what it leaves out of the field
    (every form leaves out a None where the class's default is None)."""
    names = list(kind._fields)
    if form == "3.12" and issubclass(kind, _PARAMETRISED) and "type_params" not in names:
        names.append("type_params")
    found = []
    for name in names:
        if form == "3.11" and name in _NEWER_FIELDS:
            found.append((name, _EMPTY))
        elif form == "3.11" and _NEWER_PARSER and kind is ast.JoinedStr and name == "values":
            # 3.12 writes `f"{x:<{w}}"`'s format spec with an empty string after `{w}`
            found.append((name, _LITERALS))
        elif form == "3.13" and not issubclass(kind, ast.Constant | ast.MatchSingleton):
            found.append((name, _EMPTY))  # 3.13 leaves out every None and empty list
        else:
            found.append((name, _NONE if getattr(kind, name, ...) is None else _KEPT))
    return tuple(found)


def _empty_literal(node: object) -> bool:
    return isinstance(node, ast.Constant) and node.value == ""


Form = Literal["3.11", "3.12", "3.13"]
# The forms of `ast.dump` that Aegis 0.2.0 recorded on interpreters other than 3.11.
EARLIER: tuple[Form, ...] = ("3.12", "3.13")


class _Form:
    """One form of `ast.dump`, and the fields of each node class in it, found once."""

    __slots__ = ("fields", "name")

    def __init__(self, name: Form) -> None:
        self.name = name
        self.fields: dict[type[ast.AST], tuple[tuple[str, int], ...]] = {}


_ALL_FORMS: tuple[Form, ...] = ("3.11", *EARLIER)
_FORMS = {name: _Form(name) for name in _ALL_FORMS}
