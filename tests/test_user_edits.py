"""Invariant 7: on a project its owner has changed, add and remove touch only what the
component owns, and taking everything out again gives back the owner's bytes.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from tests.aegis_helpers import (
    CATALOG,
    SELECTABLE,
    add,
    allowed_sets,
    closure,
    init,
    label,
    make_user_edits,
    remove,
    snapshot,
    tree_difference,
)

LARGEST = max(allowed_sets(), key=len)


def assert_edits_survive(project, kept):
    for path, text in kept:
        assert text in (project / path).read_text(), f"lost {text!r} in {path}"


@pytest.mark.parametrize("component", SELECTABLE)
def test_add_then_remove_keeps_the_owners_changes(tmp_path, component):
    project = init(tmp_path)
    kept = make_user_edits(project)
    edited = snapshot(project)
    added = CATALOG.sort(closure([component]))
    assert add(project, [component])
    assert_edits_survive(project, kept)
    for name in reversed(added):
        assert remove(project, [name])
    after = snapshot(project)
    assert after == edited, f"differs at {tree_difference(edited, after)}"


def test_everything_added_in_two_orders_then_removed(tmp_path):
    orders = [CATALOG.sort(LARGEST), list(reversed(CATALOG.sort(LARGEST)))]
    results = []
    for number, order in enumerate(orders):
        project = init(tmp_path / str(number))
        kept = make_user_edits(project)
        edited = snapshot(project)
        for name in order:
            add(project, [name])
        assert_edits_survive(project, kept)
        results.append(snapshot(project))
        remove(project, CATALOG.sort(LARGEST))
        assert snapshot(project) == edited
    assert results[0] == results[1]


def test_reformatted_project_still_takes_components(tmp_path):
    """`ruff format` with another style (line length 60) must not lose any anchor."""
    project = init(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--no-cache", "--line-length", "60", "."],
        cwd=project,
        check=True,
        capture_output=True,
    )
    reformatted = snapshot(project)
    for name in CATALOG.sort(LARGEST):
        add(project, [name])
    remove(project, CATALOG.sort(LARGEST))
    assert snapshot(project) == reformatted


@pytest.mark.parametrize(
    "pair", list(itertools.combinations(SELECTABLE, 2)), ids=lambda pair: label(pair)
)
def test_removing_one_component_leaves_the_other_and_the_owner_alone(tmp_path, pair):
    first, second = pair
    project = init(tmp_path)
    make_user_edits(project)
    add(project, [first])
    with_first = snapshot(project)
    add(project, [second])
    names = CATALOG.sort(closure([second]) - closure([first]))
    for name in reversed(names):
        remove(project, [name])
    after = snapshot(project)
    assert after == with_first, f"differs at {tree_difference(with_first, after)}"


def test_windows_line_endings_are_kept(tmp_path):
    project = init(tmp_path)
    for path in project.rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = snapshot(project)
    for name in CATALOG.sort(LARGEST):
        add(project, [name])
    for path in ("pyproject.toml", "docker-compose.yml", ".env.example", "app/core/checks.py"):
        text = (project / path).read_bytes()
        assert text.count(b"\n") == text.count(b"\r\n"), path
    remove(project, CATALOG.sort(LARGEST))
    after = snapshot(project)
    assert after == before, tree_difference(before, after)
