"""Every edit is plain data: written out and read back, it is the same edit (the ledger of
a project records what was applied this way)."""

from __future__ import annotations

import json

from aegis.edits import EDIT_TYPES, Edit, edit_from_data
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
