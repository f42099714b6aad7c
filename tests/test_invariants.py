"""The invariants of ARCHITECTURE.md, over every allowed set of components and options.

Nothing here names a component: a new pack under transforms/ is covered as soon as it exists.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import pytest

from aegis import engine
from aegis.edits import ComposeService
from tests.aegis_helpers import (
    CATALOG,
    add,
    allowed_sets,
    closure,
    copy_secrets,
    init,
    label,
    option_variants,
    remove,
    snapshot,
    tree_difference,
)
from tests.compose_check import compose_problems

CASES = [(s, o) for s in allowed_sets() for o in option_variants(s)]
CASE_IDS = [label(s, o) for s, o in CASES]
SEVERAL = [(s, o) for s, o in CASES if len(s) >= 2]
SOME = [(s, o) for s, o in CASES if s]


def own_options(name: str, options: dict[str, str]) -> dict[str, str]:
    keys = {CATALOG[name].option_key(option) for option in CATALOG[name].options}
    return {k: v for k, v in options.items() if k in keys}


def brought_options(name: str, present: set[str], options: dict[str, str]) -> dict[str, str]:
    """The options of `name` and of what adding it brings (requirements not yet present):
    a service added before the component it requires brings it with these options."""
    brought = closure([name]) - present
    return {k: v for other in brought for k, v in own_options(other, options).items()}


def without(options: dict[str, str], name: str) -> dict[str, str]:
    mine = own_options(name, options)
    return {k: v for k, v in options.items() if k not in mine}


def removable(components: frozenset[str]) -> list[str]:
    """Members no other member requires."""
    return [
        name
        for name in CATALOG.sort(components)
        if not any(name in CATALOG[other].requires for other in components if other != name)
    ]


def add_orders(components: frozenset[str]) -> list[tuple[str, ...]]:
    """Every order for small sets; for larger ones a fixed spread of 8 distinct orders."""
    orders = list(itertools.permutations(CATALOG.sort(components)))
    if len(orders) <= 8:
        return orders
    step = len(orders) // 8
    return orders[::step][:8]


def assert_same_tree(left: Path, right: Path) -> None:
    a, b = snapshot(left), snapshot(right)
    assert a == b, f"trees differ at: {tree_difference(a, b)}"


@pytest.mark.parametrize(("components", "options"), CASES, ids=CASE_IDS)
def test_init_with_components_equals_init_then_add(tmp_path, components, options):
    direct = init(tmp_path / "direct", CATALOG.sort(components), options)
    stepwise = init(tmp_path / "stepwise")
    for name in CATALOG.sort(components):
        add(stepwise, [name], own_options(name, options))
    assert_same_tree(direct, stepwise)


@pytest.mark.parametrize(("components", "options"), SEVERAL, ids=[label(*c) for c in SEVERAL])
def test_add_order_does_not_change_the_bytes(tmp_path, components, options):
    reference = init(tmp_path / "reference", CATALOG.sort(components), options)
    for number, order in enumerate(add_orders(components)):
        project = init(tmp_path / f"order{number}")
        present: set[str] = set()
        for name in order:
            add(project, [name], brought_options(name, present, options))
            present |= closure([name])
        assert_same_tree(reference, project)


@pytest.mark.parametrize(("components", "options"), CASES, ids=CASE_IDS)
def test_adding_again_changes_nothing(tmp_path, components, options):
    project = init(tmp_path, CATALOG.sort(components), options)
    before = snapshot(project)
    for name in CATALOG.sort(components):
        outcome = engine.add(CATALOG, project, [name], {})
        assert not outcome.changes
        assert outcome.plan.already_present == [name]
    assert not engine.add(CATALOG, project, CATALOG.sort(components), {}).changes
    assert snapshot(project) == before


@pytest.mark.parametrize(("components", "options"), SOME, ids=[label(*c) for c in SOME])
def test_remove_is_the_exact_inverse_of_add(tmp_path, components, options):
    everything = CATALOG.sort(components)
    for name in removable(components):
        rest = CATALOG.sort(components - {name})
        smaller = init(tmp_path / f"smaller-{name}", rest, without(options, name))
        full = init(tmp_path / f"full-{name}", everything, options)
        project = init(tmp_path / f"work-{name}", everything, options)
        assert remove(project, [name])
        assert_same_tree(smaller, project)
        assert add(project, [name], own_options(name, options))
        assert_same_tree(full, project)
        assert remove(project, [name])
        assert_same_tree(smaller, project)


@pytest.mark.parametrize(("components", "options"), SOME, ids=[label(*c) for c in SOME])
def test_diff_applied_with_git_is_what_the_command_writes(tmp_path, components, options):
    for name in removable(components):
        rest = CATALOG.sort(components - {name})
        base = init(tmp_path / f"base-{name}", rest, without(options, name))
        previewed = tmp_path / f"previewed-{name}"
        shutil.copytree(base, previewed)
        preview = engine.add(CATALOG, base, [name], own_options(name, options), per_pack=True)
        patch = preview.changes.diff()
        assert f"# aegis: {name}\n" in patch
        _git_apply(previewed, patch)
        add(base, [name], own_options(name, options))
        assert_same_tree(base, previewed)
        # and back: the preview of `remove` is what `remove` writes (both start from the
        # same generated secrets, so the patch's context matches)
        copy_secrets(base, previewed)
        _git_apply(previewed, engine.remove(CATALOG, base, [name], per_pack=True).changes.diff())
        remove(base, [name])
        assert_same_tree(base, previewed)


def snapshot_compose_services(project: Path) -> list[str]:
    from ruamel.yaml import YAML

    return list(YAML(typ="safe").load((project / "docker-compose.yml").read_text())["services"])


def _git_apply(directory: Path, patch: str) -> None:
    subprocess.run(
        ["git", "apply", "--whitespace=nowarn", "-"],
        input=patch,
        text=True,
        cwd=directory,
        check=True,
    )


@pytest.mark.parametrize(("components", "options"), CASES, ids=CASE_IDS)
def test_compose_file_is_consistent(tmp_path, components, options):
    """Every command runs a module that exists; depends_on, volumes and networks resolve."""
    project = init(tmp_path, CATALOG.sort(components), options)
    assert compose_problems(project) == []
    services = set(snapshot_compose_services(project))
    for name in components:
        for edit in CATALOG[name].edits_for(CATALOG.default_options(components) | options):
            if isinstance(edit, ComposeService):
                assert edit.name in services
