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


# -- files as people write them ------------------------------------------------------------

SHARED_BLOCK = """\
# Settings every app service shares.
x-app: &app
  environment:
    LOG_LEVEL: info
  restart: unless-stopped

"""


def write_compose_as_people_do(project):
    """The compose file under the name the Compose specification prefers, `web` inheriting
    a shared block through `<<: *app`, and its `depends_on` in the short list form."""
    compose = project / "docker-compose.yml"
    text = compose.read_text()
    assert "  web:\n" in text and "\nservices:\n" in "\n" + text
    text = text.replace("services:\n", SHARED_BLOCK + "services:\n", 1)
    text = text.replace("  web:\n", "  web:\n    <<: *app\n    depends_on:\n      - mailpit\n", 1)
    (project / "compose.yaml").write_text(text)
    compose.unlink()


def test_compose_as_people_write_it(tmp_path):
    from ruamel.yaml import YAML

    project = init(tmp_path)
    make_user_edits(project)  # adds the `mailpit` service
    write_compose_as_people_do(project)
    edited = snapshot(project)
    load = YAML(typ="safe").load
    before = load((project / "compose.yaml").read_text())
    for name in CATALOG.sort(LARGEST):
        add(project, [name])
    assert not (project / "docker-compose.yml").exists()
    after = load((project / "compose.yaml").read_text())
    assert after["x-app"] == before["x-app"]  # the shared block is left alone
    assert after["services"]["mailpit"] == before["services"]["mailpit"]
    web = after["services"]["web"]
    assert isinstance(web["depends_on"], list)  # the short form stays short
    assert web["depends_on"][0] == "mailpit" and len(web["depends_on"]) > 1
    assert web["environment"]["LOG_LEVEL"] == "info"  # still inherited
    assert len(web["environment"]) > 1  # and the components' own next to it
    for name in reversed(CATALOG.sort(LARGEST)):
        remove(project, [name])
    after_all = snapshot(project)
    assert after_all == edited, tree_difference(edited, after_all)


def test_a_byte_order_mark_survives(tmp_path):
    project = init(tmp_path)
    touched = sorted({e.path for name in CATALOG.sort(LARGEST) for e in CATALOG[name].edits_for(
        CATALOG.default_options(CATALOG.sort(LARGEST)))})  # fmt: skip
    for path in touched:
        (project / path).write_bytes(b"\xef\xbb\xbf" + (project / path).read_bytes())
    before = snapshot(project)
    for name in CATALOG.sort(LARGEST):
        add(project, [name])
    for path in touched:
        assert (project / path).read_bytes().startswith(b"\xef\xbb\xbf"), path
        assert (project / path).read_bytes() != before[path], path
    remove(project, CATALOG.sort(LARGEST))
    assert snapshot(project) == before


def test_python_encodings(tmp_path):
    """PEP 263: a UTF-8 coding line is fine; another encoding is refused, naming the file."""
    from typer.testing import CliRunner

    from aegis.cli import app

    project = init(tmp_path)
    checks = project / "app/core/checks.py"
    checks.write_bytes(b"# -*- coding: utf-8 -*-\n" + checks.read_bytes())
    assert add(project, [SELECTABLE[0]])
    remove(project, [SELECTABLE[0]])
    checks.write_bytes(checks.read_bytes().replace(b"utf-8", b"latin-1") + b"# caf\xe9\n")
    before = snapshot(project)
    result = CliRunner().invoke(app, ["add", SELECTABLE[0], "--path", str(project)])
    assert result.exit_code == 2, result.output
    assert "app/core/checks.py declares the encoding latin-1 (PEP 263)" in result.output
    assert snapshot(project) == before
