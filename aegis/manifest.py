"""`[tool.aegis]` in the generated pyproject.toml: which components a project has."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aegis import __version__
from aegis.errors import InvalidManifest, InvalidOption, NotAnAegisProject, PlanError
from aegis.plain import Plain, field

if TYPE_CHECKING:
    from aegis.catalog import Catalog

PYPROJECT = "pyproject.toml"
_FIX = "Fix it in pyproject.toml, then run again."


class Manifest(Plain):
    name: str
    components: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)


def read(project: Path, text: str | None) -> Manifest:
    """The manifest of the project at `project` (text: its pyproject.toml, if any)."""
    hint = "Run the command inside a project made by `aegis init`, or pass --path."
    if text is None:
        raise NotAnAegisProject(f"{project} has no pyproject.toml: not an Aegis project. {hint}")
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise PlanError(
            f"pyproject.toml does not parse ({error}). Fix the file, then run again."
        ) from error
    tool = data.get("tool")
    table = tool.get("aegis") if isinstance(tool, dict) else None
    if table is None:
        raise NotAnAegisProject(
            f"{project} has no [tool.aegis] table: not an Aegis project. {hint}"
        )
    if not isinstance(table, dict):
        raise InvalidManifest(f"[tool.aegis] must be a table (found {_kind(table)}). {_FIX}")
    components = table.get("components", [])
    if not isinstance(components, list) or not all(isinstance(c, str) for c in components):
        raise InvalidManifest(
            "[tool.aegis] components must be a list of component names, such as "
            f'components = ["redis"] (found {_kind(components)}). {_FIX}'
        )
    twice = sorted({c for c in components if components.count(c) > 1})
    if twice:
        raise InvalidManifest(f"[tool.aegis] components lists {', '.join(twice)} twice. {_FIX}")
    options = table.get("options", {})
    if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
        raise InvalidManifest(
            "[tool.aegis.options] must be a table of strings, such as "
            f'database_engine = "sqlite" (found {_kind(options)}). {_FIX}'
        )
    if not isinstance(table.get("version", ""), str):
        raise InvalidManifest(f"[tool.aegis] version must be a string. {_FIX}")
    name = (
        data.get("project", {}).get("name", project.name)
        if isinstance(data.get("project"), dict)
        else project.name
    )
    if not isinstance(name, str):
        raise InvalidManifest(f"[project] name must be a string. {_FIX}")
    return Manifest(name=name, components=tuple(components), options=dict(options))


def declares_aegis(text: str) -> bool:
    """True when a pyproject.toml is meant as an Aegis project's (even a broken one)."""
    try:
        tool = tomllib.loads(text.removeprefix("\ufeff")).get("tool")
    except tomllib.TOMLDecodeError:
        return "[tool.aegis" in text
    return isinstance(tool, dict) and "aegis" in tool


def validate(manifest: Manifest, catalog: Catalog) -> None:
    """Every recorded component and option is one the catalogue knows."""
    known = [pack.name for pack in catalog.selectable]
    for name in manifest.components:
        if name not in known:
            raise InvalidManifest(
                f"[tool.aegis] components names `{name}`, which is not an Aegis component "
                f"(known: {', '.join(known)}). Remove it, or use the Aegis that made this "
                "project."
            )
    for key, value in manifest.options.items():
        try:
            pack, option = catalog.option(key)
        except InvalidOption:
            raise InvalidManifest(
                f"[tool.aegis.options] has `{key}`, which is not an option of any component. {_FIX}"
            ) from None
        if value not in option.choices:
            raise InvalidManifest(
                f"[tool.aegis.options] {key} must be one of {', '.join(option.choices)} "
                f"(found `{value}`). {_FIX}"
            )


def _kind(value: Any) -> str:
    names = {str: "a string", int: "a number", float: "a number", bool: "true/false"}
    for kind, label in names.items():
        if isinstance(value, kind):
            return f"{label}: {value!r}"
    if isinstance(value, list):
        return f"a list holding {', '.join(sorted({_kind(v).split(':')[0] for v in value}))}"
    return "a table" if isinstance(value, dict) else type(value).__name__


def record(document: Any, components: list[str], options: dict[str, str]) -> None:
    """Write the components (canonical order) and options into a tomlkit pyproject."""
    import tomlkit

    table = document["tool"]["aegis"]
    if table.get("version") != __version__:
        table["version"] = __version__
    if list(table.get("components", [])) != components:
        table["components"] = components
    if "options" not in table:
        inline = isinstance(table, tomlkit.items.InlineTable)
        table["options"] = tomlkit.inline_table() if inline else tomlkit.table()
    stored = table["options"]
    wanted = dict(sorted(options.items()))
    if dict(stored) != wanted or list(stored) != list(wanted):
        for key in list(stored):
            del stored[key]
        for key, value in wanted.items():
            stored[key] = value
