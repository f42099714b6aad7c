"""Identities of Python elements, from the stdlib `ast` alone (no libcst).

An identity is what the engine finds again in a file whatever its layout or comments: the
name a statement binds, else its normalized syntax tree. Computing them is cheap, so the
catalogue can rank and check every pack's elements without parsing a project.
"""

from __future__ import annotations

import ast
import textwrap


def expression_identity(code: str) -> str:
    """Identity of an expression (a list item): its normalized syntax tree."""
    return ast.dump(ast.parse(f"(\n{code.strip()}\n)", mode="eval").body)


def statement_identity(code: str) -> str:
    """Identity of a statement: the name it binds, else its normalized syntax tree.

    Assignments, annotated assignments, functions and classes are identified by the name
    they bind; any other statement by `ast.dump` of its code.
    """
    tree = ast.parse(textwrap.dedent(code))
    if len(tree.body) != 1:
        return ast.dump(tree)
    statement = tree.body[0]
    if isinstance(statement, ast.Assign):
        if len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            return statement.targets[0].id
    elif isinstance(statement, ast.AnnAssign):
        if isinstance(statement.target, ast.Name):
            return statement.target.id
    elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return statement.name
    return ast.dump(statement)


def dependency_identity(requirement: str) -> str:
    """Identity of a requirement: its normalized distribution name."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    return canonicalize_name(Requirement(requirement).name)


def same_code(left: str, right: str) -> bool:
    """Whether two statements have the same syntax tree (layout and comments aside)."""
    return ast.dump(ast.parse(textwrap.dedent(left))) == ast.dump(ast.parse(textwrap.dedent(right)))
