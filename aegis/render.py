"""Render a template folder (base_project/ or a pack's files/) into {path: text}."""

from __future__ import annotations

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
            rendered[target] = _environment(source).get_template(template).render(context)
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


@cache
def _environment(source: Path) -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(source),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
