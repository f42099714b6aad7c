"""Edits of pyproject.toml with tomlkit: dependencies and console scripts.

Documents are mutated in place and returned. Layout and comments of arrays and tables
are kept by tomlkit; entries are inserted at their canonical position.
"""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit.items import Array, Key, Null, Table, Whitespace

from aegis.edit.base import AnchorNotFound, Placement, insertion_index
from aegis.edit.identity import dependency_identity, parse_requirement


def _table(doc: Any, *path: str) -> Any:
    node = doc
    for depth, key in enumerate(path):
        if not hasattr(node, "get") or key not in node:
            raise AnchorNotFound(f"the table `[{'.'.join(path[: depth + 1])}]`")
        node = node[key]
    return node


def _dependencies(doc: tomlkit.TOMLDocument, extra: str | None) -> Array:
    if extra is None:
        project = _table(doc, "project")
        where = "`dependencies` in `[project]`"
        array = project.get("dependencies")
    else:
        table = _table(doc, "project", "optional-dependencies")
        where = f"`{extra}` in `[project.optional-dependencies]`"
        array = table.get(extra)
    if not isinstance(array, Array):
        raise AnchorNotFound(f"the array {where}")
    return array


def add_dependency(
    doc: tomlkit.TOMLDocument,
    requirement: str,
    placement: Placement,
    extra: str | None = None,
) -> tomlkit.TOMLDocument:
    """Add `requirement` to `[project].dependencies` (or the optional `extra`).

    An entry with the same normalized name is kept exactly as the user wrote it.
    """
    array = _dependencies(doc, extra)
    identities = [dependency_identity(str(entry)) for entry in array]
    if dependency_identity(requirement) in identities:
        return doc
    pos = insertion_index(identities, placement, len(identities))
    groups = _groups(array)
    trailing_comma = bool(groups) and groups[-1].comma is not None
    array.insert(pos, requirement)
    last = _groups(array)[-1]
    if pos == len(identities) and trailing_comma and last.comma is None:
        last.comma = Whitespace(",")  # keep the array's trailing-comma style
    return doc


def remove_dependency(
    doc: tomlkit.TOMLDocument, requirement: str, extra: str | None = None
) -> tomlkit.TOMLDocument:
    """Remove the entry of `requirement`'s name, only if it is that same requirement.

    An entry the user changed (another version range, extras or marker) is left alone,
    so that removing after a no-op add gives back the document unchanged.
    """
    array = _dependencies(doc, extra)
    wanted = parse_requirement(requirement)
    for index, entry in enumerate(array):
        if parse_requirement(str(entry)) == wanted:
            # tomlkit leaves a comma on the new last entry of a multi-line array; an
            # array written without a trailing comma must stay so.
            no_trailing_comma = index == len(array) - 1 and _groups(array)[-1].comma is None
            del array[index]
            if no_trailing_comma and len(array):
                _groups(array)[-1].comma = None
            break
    return doc


def _groups(array: Array) -> list[Any]:
    """tomlkit's per-entry groups (indent, value, comma, comment) of the values."""
    return [
        group
        for group in array._value
        if group.value is not None and not isinstance(group.value, Null)
    ]


def _scripts(doc: tomlkit.TOMLDocument) -> Table:
    table = _table(doc, "project", "scripts")
    if not isinstance(table, Table):
        raise AnchorNotFound("the table `[project.scripts]`")
    return table


def add_script(
    doc: tomlkit.TOMLDocument, name: str, target: str, placement: Placement
) -> tomlkit.TOMLDocument:
    """Add the console script `name = "target"` to `[project.scripts]`.

    An existing script of that name is left as it is.
    """
    table = _scripts(doc)
    container = table.value
    # In file order (the mapping's own order does not follow positional inserts).
    keyed = [(i, key.key) for i, (key, _) in enumerate(container.body) if isinstance(key, Key)]
    names = [key for _, key in keyed]
    if name in names:
        return doc
    pos = insertion_index(names, placement, len(names))
    if pos == len(names):
        table.append(name, target)
        return doc
    container._insert_at(keyed[pos][0], name, target)
    dict.__setitem__(table, name, container[name])  # keep the table's mapping in step
    return doc


def remove_script(
    doc: tomlkit.TOMLDocument, name: str, target: str | None = None
) -> tomlkit.TOMLDocument:
    """Remove the console script `name` (only if it points at `target`, when given)."""
    table = _scripts(doc)
    if name in table and (target is None or table[name] == target):
        del table[name]
    return doc
