"""Invariant 7 at its limits: every component on an owner-edited project in two orders, a
project reformatted in another style, and one with Windows line endings.

Adding and removing each pack on an owner-edited project, in every allowed set, is part of the
contract suite (`tests/test_invariants.py`).
"""

from __future__ import annotations

import subprocess
import sys

from tests.aegis_helpers import (
    CATALOG,
    add,
    allowed_sets,
    init,
    make_owner_edits,
    remove,
    snapshot,
    tree_difference,
)

LARGEST = max(allowed_sets(), key=len)


def assert_edits_survive(project, kept):
    for path, text in kept:
        assert text in (project / path).read_text(), f"lost {text!r} in {path}"


def test_everything_added_in_two_orders_then_removed(tmp_path):
    orders = [CATALOG.sort(LARGEST), list(reversed(CATALOG.sort(LARGEST)))]
    results = []
    for number, order in enumerate(orders):
        project = init(tmp_path / str(number))
        kept = make_owner_edits(project)
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
