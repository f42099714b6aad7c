"""The resolver on a small synthetic catalogue: requires, conflicts, integrations, order."""

from __future__ import annotations

import pytest

from aegis.catalog import Catalog
from aegis.errors import (
    ConflictingComponents,
    DependentsPresent,
    InvalidOption,
    UnknownComponent,
)
from aegis.pack import Option, Pack
from aegis.resolve import plan_add, plan_remove


def pack(name: str, **fields) -> Pack:
    return Pack(name=name, kind=fields.pop("kind", "component"), summary=name, **fields)


CATALOG = Catalog(
    [
        pack("queue", requires=("broker",)),
        pack("broker"),
        pack("store", options=(Option("engine", ("lite", "big"), "lite", "which"),)),
        pack("clock", conflicts=("legacy-clock",)),
        pack("legacy-clock", conflicts=("clock",)),
        pack("store-clock", kind="integration", integrates=("store", "clock")),
    ]
)


def names(plan) -> list[str]:
    return plan.names


def test_requires_are_brought_in_and_reported():
    plan = plan_add(CATALOG, [], ["queue"])
    assert names(plan) == ["broker", "queue"]
    assert plan.implied == {"broker": "queue"}


def test_requested_order_does_not_matter():
    assert names(plan_add(CATALOG, [], ["queue", "store"])) == names(
        plan_add(CATALOG, [], ["store", "queue"])
    )


def test_present_components_are_not_planned_again():
    plan = plan_add(CATALOG, ["broker"], ["queue", "broker"])
    assert names(plan) == ["queue"]
    assert plan.already_present == ["broker"]
    assert plan.implied == {}


def test_integration_joins_when_its_last_member_arrives():
    assert names(plan_add(CATALOG, [], ["clock"])) == ["clock"]
    assert names(plan_add(CATALOG, ["clock"], ["store"])) == ["store", "store-clock"]
    assert names(plan_add(CATALOG, ["store"], ["clock"])) == ["clock", "store-clock"]
    assert names(plan_add(CATALOG, [], ["clock", "store"])) == ["clock", "store", "store-clock"]


def test_conflicts_are_refused():
    with pytest.raises(ConflictingComponents, match="`legacy-clock` cannot be used together"):
        plan_add(CATALOG, ["clock"], ["legacy-clock"])


def test_unknown_names_suggest_the_closest_and_integrations_are_not_selectable():
    with pytest.raises(UnknownComponent, match="Did you mean `queue`"):
        plan_add(CATALOG, [], ["queu"])
    with pytest.raises(UnknownComponent):
        plan_add(CATALOG, [], ["store-clock"])


def test_remove_goes_in_reverse_order_with_integrations_first():
    plan = plan_remove(CATALOG, ["store", "clock"], ["store", "clock"])
    assert names(plan) == ["store-clock", "store", "clock"]
    assert names(plan_remove(CATALOG, ["store", "clock"], ["clock"])) == ["store-clock", "clock"]


def test_remove_refuses_dependents_unless_asked():
    with pytest.raises(DependentsPresent, match="`queue` requires `broker`"):
        plan_remove(CATALOG, ["broker", "queue"], ["broker"])
    plan = plan_remove(CATALOG, ["broker", "queue"], ["broker"], with_dependents=True)
    assert names(plan) == ["queue", "broker"]
    assert plan.implied == {"queue": "broker"}


def test_remove_of_an_absent_component():
    with pytest.raises(UnknownComponent, match="not in this project"):
        plan_remove(CATALOG, [], ["broker"])


def test_options_are_checked_against_their_choices():
    CATALOG.check_options({"store_engine": "big"})
    with pytest.raises(InvalidOption, match="must be one of lite, big"):
        CATALOG.check_options({"store_engine": "huge"})
    with pytest.raises(InvalidOption, match="Unknown option `--store-size`"):
        CATALOG.check_options({"store_size": "1"})


def test_conflicts_declared_on_either_side_are_refused():
    one_sided = Catalog([pack("a", conflicts=("b",)), pack("b")])
    with pytest.raises(ConflictingComponents):
        plan_add(one_sided, ["a"], ["b"])
    with pytest.raises(ConflictingComponents):
        plan_add(one_sided, ["b"], ["a"])
