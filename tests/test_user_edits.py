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
    SELECTABLE,
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


# -- files as people write them ------------------------------------------------------------

OWNERS_BLOCK = """\
# Logging every service of ours shares.
x-logging: &logging
  logging:
    driver: json-file
    options:
      max-size: 10m

"""


def write_compose_as_people_do(project):
    """The compose file under the name the Compose specification prefers, `web` merging a
    block of the owner's next to the core's (`<<: [*app, *logging]`), and the owner's own
    service with its `depends_on` in the short list form."""
    compose = project / "docker-compose.yml"
    text = compose.read_text()
    assert "  web:\n    <<: *app\n" in text and "\nservices:\n" in text
    text = text.replace("\nservices:\n", "\n" + OWNERS_BLOCK + "services:\n", 1)
    text = text.replace("  web:\n    <<: *app\n", "  web:\n    <<: [*app, *logging]\n", 1)
    text = text.replace(
        "    image: axllent/mailpit\n", "    image: axllent/mailpit\n    depends_on:\n      - web\n"
    )
    (project / "compose.yaml").write_text(text)
    compose.unlink()


def test_compose_as_people_write_it(tmp_path):
    from ruamel.yaml import YAML

    project = init(tmp_path)
    make_owner_edits(project)  # adds the `mailpit` service
    write_compose_as_people_do(project)
    edited = snapshot(project)
    load = YAML(typ="safe").load
    before = load((project / "compose.yaml").read_text())
    for name in CATALOG.sort(LARGEST):
        add(project, [name])
    assert not (project / "docker-compose.yml").exists()
    after = load((project / "compose.yaml").read_text())
    assert after["x-logging"] == before["x-logging"]  # the owner's block is left alone
    assert after["services"]["mailpit"] == before["services"]["mailpit"]
    web = after["services"]["web"]
    assert web["logging"] == before["x-logging"]["logging"]  # still merged
    assert "REDIS_URL" in web["environment"]  # what the components share reaches web
    assert web["environment"] == after["services"]["worker-default"]["environment"]
    for name in reversed(CATALOG.sort(LARGEST)):
        remove(project, [name])
    after_all = snapshot(project)
    assert after_all == edited, tree_difference(edited, after_all)


def test_a_byte_order_mark_survives(tmp_path):
    project = init(tmp_path)
    touched = sorted({e.path for name in CATALOG.sort(LARGEST) for e in CATALOG[name].edits_for(
        CATALOG.default_options(CATALOG.sort(LARGEST)))} & set(snapshot(project)))  # fmt: skip
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
