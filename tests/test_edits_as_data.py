"""Every edit is plain data: written out and read back, it is the same edit (the ledger of
a project records what was applied this way)."""

from __future__ import annotations

import dataclasses
import functools
import json
from typing import Any

from aegis.edits import EDIT_TYPES, Edit, edit_from_data
from aegis.plain import fields
from tests.aegis_helpers import CATALOG


def every_declared_edit() -> list[Edit]:
    return [
        edit
        for options in CATALOG.option_variants()
        for pack in CATALOG
        for edit in pack.edits_for(CATALOG.default_options(p.name for p in CATALOG) | options)
    ]


def test_every_edit_of_the_catalogue_survives_a_json_round_trip() -> None:
    edits = every_declared_edit()
    for edit in edits:
        data = json.loads(json.dumps(edit.to_data()))
        assert edit_from_data(data) == edit, data
        assert hash(edit_from_data(data)) == hash(edit)


def test_the_generic_yaml_edits_too() -> None:
    from aegis.edits import YamlEntry, YamlListItem

    for edit in (
        YamlEntry(".github/workflows/ci.yml", ("jobs", "test", "services"), "redis", {"a": [1]}),
        YamlListItem("deploy/kustomization.yaml", ("resources",), "worker.yaml"),
    ):
        data = json.loads(json.dumps(edit.to_data()))
        assert edit_from_data(data) == edit


def test_the_catalogue_uses_only_known_types() -> None:
    assert {type(edit).__name__ for edit in every_declared_edit()} <= set(EDIT_TYPES)


@functools.cache
def _reference_type(kind: type[Edit]) -> Any:
    """A class with the fields of `kind` that `dataclass(frozen=True)` writes every method of
    (one per type: two instances of it compare as two of `kind` would)."""
    return dataclasses.make_dataclass(
        kind.__qualname__, [(name, Any) for name in fields(kind)], frozen=True
    )


def _as_dataclass(edit: Edit) -> object:
    values = (getattr(edit, name) for name in edit._fields)
    return _reference_type(type(edit))(*values)


def test_edits_compare_hash_and_print_as_dataclass_writes_them() -> None:
    """`aegis.plain` writes once the `__eq__`, `__hash__` and `__repr__` that `dataclass`
    would write into each type: the same results, on every edit of the catalogue and between
    them."""
    from aegis.edits import Dependency, Import, ListItem

    edits = [
        *dict.fromkeys(every_declared_edit()),
        Import("a.py", "m", "n"),
        ListItem("a.py", "m", "n"),  # the same values in another type: not equal
        Import("a.py", "m", "n", "alias"),
        Dependency("pyproject.toml", "x>=1"),
        ListItem("a.py", "L", "[1, {'a': 'b'}]"),
    ]
    for edit in edits:
        reference = _as_dataclass(edit)
        assert repr(edit) == repr(reference)
        if "__hash__" not in type(edit).__dict__:  # types with a hash of their own keep it
            assert hash(edit) == hash(reference)
        assert edit == edit_from_data(json.loads(json.dumps(edit.to_data())))
        assert edit != object() and (edit == reference) is False  # no-op: other classes
    for first in edits[::7]:
        for second in edits:
            assert (first == second) == (_as_dataclass(first) == _as_dataclass(second))
            assert (first != second) == (_as_dataclass(first) != _as_dataclass(second))
