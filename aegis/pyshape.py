"""The shape of Python source that `ruff format` leaves alone: the syntax tree (docstrings
with their indentation cleaned) and the text of each comment.

This is the Python part of a ledger fingerprint, which every command computes for each file
a pack owns: the reference definition is `ast.dump` of the tree and the comments that
`tokenize` finds. Both are slow in pure Python (an `init` with every component spent half its
time here), so the same text is produced by a dump specialised to the one form the
fingerprint uses and by a scanner that lexes only strings and comments. Interpreters whose
`ast.dump` is another (3.13 leaves out empty fields) and sources the scanner does not claim to
read exactly get the reference path.
"""

from __future__ import annotations

import ast
import inspect
import io
import re
import sys
import tokenize

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
# Where each fast path is the reference's equal: 3.12 lexes f-strings apart (and its
# `tokenize` is the C one), 3.13 writes another `ast.dump`.
_FAST_COMMENTS = sys.version_info < (3, 12)
_FAST_DUMP = sys.version_info < (3, 13)
_SCOPES = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def python_shape(source: str) -> str | None:
    """`ast.dump` of the tree with cleaned docstrings, then the comments one a line; None
    when the source does not parse."""
    try:
        tree = ast.parse(source)
        comments = _comments(source)
    except (SyntaxError, ValueError, tokenize.TokenError):
        return None
    _clean_docstring(tree.body)
    _clean_nested_docstrings(tree.body)
    return _dump(tree) + "\n" + "\n".join(comments)


def reference_shape(source: str) -> str | None:
    """The same, by the standard library's definitions (what the tests compare with)."""
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


def _dump(node: ast.AST) -> str:
    return _format(node) if _FAST_DUMP else ast.dump(node)


def _format(node: object) -> str:
    """`ast.dump(node)` as Python 3.11 and 3.12 write it (fields by name, a None left out
    where the class's default is None), without what its other forms need."""
    if isinstance(node, ast.AST):
        parts = []
        for name, optional in _fields(type(node)):
            try:
                value = getattr(node, name)
            except AttributeError:
                continue
            if value is None and optional:
                continue
            parts.append(f"{name}={_format(value)}")
        return f"{type(node).__name__}({', '.join(parts)})"
    if isinstance(node, list):
        return f"[{', '.join([_format(item) for item in node])}]"
    return repr(node)


def _fields(kind: type[ast.AST]) -> tuple[tuple[str, bool], ...]:
    """Each field of a node class, and whether a None in it is left out (the class's
    default for it is None)."""
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = tuple(
            (name, getattr(kind, name, ...) is None) for name in kind._fields
        )
    return found


_FIELDS: dict[type[ast.AST], tuple[tuple[str, bool], ...]] = {}
