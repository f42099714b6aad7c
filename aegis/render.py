"""Render a template folder (base_project/ or a pack's files/) into {path: text}.

Jinja compiles a template to Python source before it runs it; for the templates Aegis ships,
that source is worked out ahead of time, in `compiled_templates.json`, written by
`scripts/template-table.py`: compiling them took a twentieth of an `init` with every
component. An entry is found by a digest of the template's name and text, of this module (the
environment's settings) and of Jinja's version, so a change to any of them makes it miss and
the template is compiled as any other.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from aegis import __version__

TEMPLATE_SUFFIX = ".jinja"
_SKIPPED = {"__pycache__", ".pytest_cache", ".ruff_cache"}


def slugify(name: str) -> str:
    """The canonical distribution name (PEP 503): also the console-script name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project_context(name: str, options: dict[str, str]) -> dict[str, Any]:
    words = re.split(r"[-_.]+", name)
    return {
        "project_name": name,
        "project_slug": slugify(name),
        "project_title": " ".join(word.capitalize() for word in words if word),
        "aegis_version": __version__,
        "options": dict(sorted(options.items())),
    }


def render_folder(
    source: Path,
    context: dict[str, Any],
    wanted: Callable[[str], bool] = lambda path: True,
) -> dict[str, str]:
    """Every file under `source`, `.jinja` ones rendered, keyed by project-relative path."""
    rendered: dict[str, str] = {}
    for template in _templates(source):
        target = template.removesuffix(TEMPLATE_SUFFIX)
        if not wanted(target):
            continue
        if template.endswith(TEMPLATE_SUFFIX):
            rendered[target] = _template(source, template).render(context)
        else:
            rendered[target] = (source / template).read_text(encoding="utf-8")
    return rendered


def verbatim_files(source: Path) -> dict[str, str]:
    """The files under `source` that are copied as they are (not Jinja templates), keyed by
    project-relative path."""
    return {
        template: (source / template).read_text(encoding="utf-8")
        for template in _templates(source)
        if not template.endswith(TEMPLATE_SUFFIX)
    }


def template_targets(source: Path) -> list[str]:
    """The project paths the templates under `source` render to."""
    return [template.removesuffix(TEMPLATE_SUFFIX) for template in _templates(source)]


@cache
def _templates(source: Path) -> tuple[str, ...]:
    """The files under `source` (links to files included, linked folders not entered),
    without caches and bytecode; `os.walk` is several times faster than `Path.rglob`."""
    found = []
    for folder, folders, names in os.walk(source):
        folders[:] = [name for name in folders if name not in _SKIPPED]
        relative = os.path.relpath(folder, source)
        for name in names:
            if name in _SKIPPED or (name.endswith(".pyc") and len(name) > len(".pyc")):
                continue
            if os.path.isfile(os.path.join(folder, name)):
                found.append(name if relative == "." else f"{relative}/{name}")
    return tuple(sorted(found))


def _template(source: Path, name: str) -> Any:
    """The Jinja template `name` under `source`, from its compiled source when it is known."""
    environment = _environment(source)
    text, filename, _ = environment.loader.get_source(environment, name)
    compiled = _compiled().get(compiled_key(name, text))
    if compiled is None:
        return environment.get_template(name)
    code = compile(compiled, filename, "exec")  # what `Environment.compile` does with it
    return environment.template_class.from_code(environment, code, environment.make_globals(None))


def compiled_entries(source: Path) -> dict[str, str]:
    """The compiled source of each template under `source`, by its key in the table."""
    environment = _environment(source)
    entries = {}
    for name in _templates(source):
        if name.endswith(TEMPLATE_SUFFIX):
            text, filename, _ = environment.loader.get_source(environment, name)
            entries[compiled_key(name, text)] = environment.compile(text, name, filename, raw=True)
    return entries


def compiled_key(name: str, text: str) -> str:
    """Where the compiled source of the template `name` with `text` is in the table."""
    return hashlib.sha256(f"{_compiler()}\0{name}\0{text}".encode()).hexdigest()[:32]


@cache
def _compiler() -> str:
    """A digest of what decides a template's compiled source: this module (the settings of
    the environment) and Jinja's version."""
    import jinja2

    try:
        settings = Path(__file__).read_bytes()
    except OSError:  # installed without its sources: no entry can be shown to apply
        return "unknown"
    return hashlib.sha256(settings + b"\0" + jinja2.__version__.encode()).hexdigest()


COMPILED = Path(__file__).with_name("compiled_templates.json")


@cache
def _compiled() -> dict[str, str]:
    try:
        table: dict[str, str] = json.loads(COMPILED.read_text(encoding="utf-8"))["templates"]
    except FileNotFoundError:
        return {}
    return table


@cache
def _environment(source: Path) -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(source),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
