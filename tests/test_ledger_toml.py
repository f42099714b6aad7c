"""The ledger's own TOML writer writes what tomlkit writes for the same ledger."""

from __future__ import annotations

from typing import Any

import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from aegis import engine, ledger_toml
from aegis.ledger import LEDGER, _inline, loads
from tests.aegis_helpers import CATALOG, allowed_sets

KEYS = st.sampled_from(["edit", "path", "a_b", "a-b", "9", "a.b", "", "é", 'q"', "sp ace"])
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
SCALARS = st.one_of(TEXT, st.integers(-(2**63), 2**63 - 1), st.booleans())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(KEYS, inner, max_size=3),
    ),
    max_leaves=8,
)
EDITS = st.lists(st.dictionaries(KEYS, VALUES, min_size=1, max_size=5), max_size=3)
FILES = st.dictionaries(st.one_of(KEYS, TEXT), TEXT, max_size=4)


@st.composite
def ledgers(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    packs = {}
    for name in draw(st.lists(st.one_of(KEYS, TEXT), min_size=1, max_size=3, unique=True)):
        table: dict[str, Any] = {"version": draw(TEXT)}
        files, edits = draw(FILES), draw(EDITS)
        if files:
            table["files"] = files
        if edits:
            table["edits"] = edits
        packs[name] = table
    return packs


def with_tomlkit(packs: dict[str, dict[str, Any]]) -> str:
    """What the ledger wrote before it had its own writer."""
    inline = {
        name: {
            key: [{k: _inline(v) for k, v in edit.items()} for edit in value]
            if key == "edits"
            else value
            for key, value in table.items()
        }
        for name, table in packs.items()
    }
    return tomlkit.dumps({"packs": inline})


@settings(max_examples=400, deadline=None)
@given(ledgers())
def test_what_it_writes_is_what_tomlkit_writes(packs: dict[str, dict[str, Any]]) -> None:
    text = ledger_toml.dumps(packs)
    if text is not None:
        assert text == with_tomlkit(packs)


def test_it_writes_the_ledger_of_every_project_the_catalogue_makes(tmp_path) -> None:
    written = 0
    for components in [set(), max(allowed_sets(), key=len), *allowed_sets()[:5]]:
        outcome = engine.init(CATALOG, "demo", tmp_path / "demo", sorted(components), {})
        (change,) = [c for c in outcome.changes.changes if c.path == LEDGER]
        assert change.after is not None
        packs = {
            name: {"version": record.version}
            | ({"files": record.files} if record.files else {})
            | ({"edits": record.edits} if record.edits else {})
            for name, record in loads(change.after).packs.items()
        }
        text = ledger_toml.dumps(packs)
        assert text is not None
        assert text == with_tomlkit(packs)
        written += 1
    assert written == 7
