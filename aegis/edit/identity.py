"""Identities of Python elements, from the stdlib `ast` alone (no libcst).

An identity is what the engine finds again in a file whatever its layout or comments: the
name a statement binds, else its normalized syntax tree. Computing them is cheap, so the
catalogue can rank and check every pack's elements without parsing a project; each is a pure
function of its text, remembered for the rest of the command (the catalogue checks and ranks
the same elements for every combination of options).
"""

from __future__ import annotations

import ast
import re
import textwrap
from functools import cache
from typing import TYPE_CHECKING

from aegis.edit.base import EditError

if TYPE_CHECKING:
    from packaging.requirements import Requirement

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# The requirements packs and most projects write: a name, extras, and version bounds made of
# release numbers (a pre-release at most). Each match is a valid PEP 508 requirement (tests
# check it against `packaging`, which reads every other form and is slow to import).
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_RELEASE = r"[0-9]+(?:\.[0-9]+)*"
_PRE = r"(?:(?:a|b|rc)[0-9]+)?"
_BOUND = (
    rf"(?:(?:>=|<=|>|<|==|!=)[ \t]*{_RELEASE}{_PRE}"
    rf"|~=[ \t]*[0-9]+(?:\.[0-9]+)+{_PRE}"
    rf"|(?:==|!=)[ \t]*{_RELEASE}\.\*)"
)
_SIMPLE_REQUIREMENT = re.compile(
    rf"(?P<name>{_NAME})[ \t]*(?:\[[ \t]*{_NAME}(?:[ \t]*,[ \t]*{_NAME})*[ \t]*\])?"
    rf"[ \t]*(?:{_BOUND}(?:[ \t]*,[ \t]*{_BOUND})*)?"
)


@cache
def expression_identity(code: str) -> str:
    """Identity of an expression (a list item): its normalized syntax tree."""
    return ast.dump(ast.parse(f"(\n{code.strip()}\n)", mode="eval").body)


def nodes_identity(nodes: list[ast.stmt]) -> str:
    """Identity of the statements of one line (or one compound statement): the name a lone
    assignment, function or class binds, else the normalized syntax tree."""
    if len(nodes) != 1:
        return ast.dump(ast.Module(body=nodes, type_ignores=[]))
    node = nodes[0]
    if isinstance(node, ast.Assign):
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            return node.targets[0].id
    elif isinstance(node, ast.AnnAssign):
        if isinstance(node.target, ast.Name):
            return node.target.id
    elif isinstance(node, _DEFINITIONS):
        return node.name
    return ast.dump(node)


@cache
def statement_identity(code: str) -> str:
    """Identity of a statement: the name it binds, else its normalized syntax tree.

    Assignments, annotated assignments, functions and classes are identified by the name
    they bind; any other statement by `ast.dump` of its code.
    """
    return nodes_identity(ast.parse(textwrap.dedent(code)).body)


@cache
def dependency_identity(requirement: str) -> str:
    """Identity of a requirement: its normalized distribution name (PEP 503)."""
    simple = _SIMPLE_REQUIREMENT.fullmatch(requirement)
    name = simple.group("name") if simple else parse_requirement(requirement).name
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(requirement: str) -> Requirement:
    """`requirement` parsed (PEP 508); an entry that is not one is an `EditError`."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(requirement)
    except InvalidRequirement as error:
        raise EditError(
            f"the dependency {requirement!r} is not a valid requirement ({error})"
        ) from None


def item_identity(item: object) -> str:
    """Identity of a YAML list item: its data, canonically written."""
    import json

    return json.dumps(item, sort_keys=True, default=str)
