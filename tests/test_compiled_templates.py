"""The compiled templates table (`aegis/compiled_templates.json`): up to date, and what it
serves renders as Jinja's own compilation does."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest

from aegis.render import (
    COMPILED,
    _compiled,
    _environment,
    compiled_entries,
    compiled_key,
    project_context,
    render_folder,
)
from aegis.resources import base_project_dir, template_folders
from tests.aegis_helpers import CATALOG

SOURCES = template_folders(CATALOG)
JINJA_SOURCES = [source for source in SOURCES if any(source.rglob("*.jinja"))]


def test_the_table_holds_every_shipped_template_as_jinja_compiles_it() -> None:
    expected = {key: text for source in SOURCES for key, text in compiled_entries(source).items()}
    table = json.loads(COMPILED.read_text(encoding="utf-8"))["templates"]
    assert table == expected, "out of date: run .venv/bin/python scripts/template-table.py"


@pytest.mark.parametrize("source", JINJA_SOURCES, ids=lambda source: source.parent.name)
def test_templates_from_the_table_render_as_compiled_ones(source: Path) -> None:
    options = CATALOG.default_options(pack.name for pack in CATALOG)
    context = project_context("Demo_app.x", options)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(source),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    rendered = render_folder(source, context)
    templates = [name for name in rendered if (source / f"{name}.jinja").is_file()]
    assert templates
    for name in templates:
        key_text = (source / f"{name}.jinja").read_text(encoding="utf-8")
        assert compiled_key(f"{name}.jinja", key_text) in _compiled()
        expected = environment.get_template(f"{name}.jinja").render(context)
        assert rendered[name] == expected


def test_a_changed_template_misses_and_is_compiled() -> None:
    source = base_project_dir()
    name = "pyproject.toml.jinja"
    text = (source / name).read_text(encoding="utf-8")
    assert compiled_key(name, text) in _compiled()
    assert compiled_key(name, text + "# changed\n") not in _compiled()
    assert compiled_key("other.jinja", text) not in _compiled()
    assert _environment(source).get_template(name).render(project_context("x", {}))
