"""Generic YAML edits (any document, not only compose): entries of a mapping and items of a
list, at a key path; in any order the same bytes, and removed back to the original."""

from __future__ import annotations

import itertools

import pytest

from aegis.edit import identity as ids
from aegis.edit import yaml
from aegis.edit.base import AnchorNotFound
from tests.edit.support import placements

KUSTOMIZATION = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
# What is deployed
resources:
  - web.yaml
  - mine.yaml  # the owner's own

labels:
  - pairs:
      app: demo
"""

WORKFLOW = """\
name: CI
on: [push]

jobs:
  test:
    runs-on: ubuntu-latest
    services:
      mailpit:  # the owner's
        image: axllent/mailpit

    steps:
      - uses: actions/checkout@v4
"""

ITEMS = [
    "scheduler.yaml",
    "worker-default.yaml",
    {"path": "patch.yaml", "target": {"kind": "Deployment"}},
]
ENTRIES = {
    "postgres": {"image": "postgres:17", "ports": ["5432:5432"]},
    "redis": {"image": "redis:7", "options": "--health-cmd 'redis-cli ping'"},
}


def item_placement():
    return placements({ids.item_identity(item): (n, 0) for n, item in enumerate(ITEMS)})


@pytest.mark.parametrize(
    "source", [KUSTOMIZATION, KUSTOMIZATION.replace("  - mine.yaml  # the owner's own\n", "")]
)
def test_list_items_in_any_order_give_the_same_bytes_and_remove_back(source: str) -> None:
    placement = item_placement()
    results = set()
    for order in itertools.permutations(ITEMS):
        data = yaml.load(source)
        for item in order:
            yaml.add_item(data, ("resources",), item, placement(ids.item_identity(item)))
            yaml.add_item(data, ("resources",), item, placement(ids.item_identity(item)))
        text = yaml.dump(data)
        results.add(text)
        data = yaml.load(text)
        for item in order:
            yaml.remove_item(data, ("resources",), item)
        assert yaml.dump(data) == source
    (result,) = results
    assert "  - scheduler.yaml\n  - worker-default.yaml\n  - path: patch.yaml\n" in result
    assert result.index("web.yaml") < result.index("scheduler.yaml")
    assert "\n\nlabels:" in result


def test_mapping_entries_in_any_order_give_the_same_bytes_and_remove_back() -> None:
    placement = placements({name: (n, 0) for n, name in enumerate(ENTRIES)})
    results = set()
    for order in itertools.permutations(ENTRIES):
        data = yaml.load(WORKFLOW)
        for name in order:
            yaml.add_entry(data, ("jobs", "test", "services"), name, ENTRIES[name], placement(name))
        text = yaml.dump(data)
        results.add(text)
        data = yaml.load(text)
        for name in order:
            yaml.remove_entry(data, ("jobs", "test", "services"), name)
        assert yaml.dump(data) == WORKFLOW
    (result,) = results
    assert "      mailpit:  # the owner's\n        image: axllent/mailpit\n" in result
    assert "      redis:\n        image: redis:7\n" in result
    assert "\n\n    steps:" in result


def test_missing_paths_are_reported() -> None:
    data = yaml.load(KUSTOMIZATION)
    with pytest.raises(AnchorNotFound, match="`components`"):
        yaml.add_item(data, ("components",), "x", item_placement()('"scheduler.yaml"'))
    with pytest.raises(AnchorNotFound, match="the mapping `resources`"):
        yaml.add_entry(data, ("resources",), "x", 1, item_placement()('"scheduler.yaml"'))


def test_removing_what_is_absent_is_a_no_op() -> None:
    data = yaml.load(KUSTOMIZATION)
    yaml.remove_item(data, ("resources",), "absent.yaml")
    yaml.remove_entry(data, (), "absent")
    assert yaml.dump(data) == KUSTOMIZATION
