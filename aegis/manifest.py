"""`[tool.aegis]` in the generated pyproject.toml: which components a project has."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aegis import __version__
from aegis.errors import NotAnAegisProject, PlanError

PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class Manifest:
    name: str
    components: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)


def read(project: Path, text: str | None) -> Manifest:
    """The manifest of the project at `project` (text: its pyproject.toml, if any)."""
    hint = "Run the command inside a project made by `aegis init`, or pass --path."
    if text is None:
        raise NotAnAegisProject(f"{project} has no pyproject.toml: not an Aegis project. {hint}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PlanError(
            f"pyproject.toml does not parse ({error}). Fix the file, then run again."
        ) from error
    table = data.get("tool", {}).get("aegis")
    if not isinstance(table, dict):
        raise NotAnAegisProject(
            f"{project} has no [tool.aegis] table: not an Aegis project. {hint}"
        )
    return Manifest(
        name=str(data.get("project", {}).get("name", project.name)),
        components=tuple(table.get("components", ())),
        options={k: str(v) for k, v in table.get("options", {}).items()},
    )


def record(document: Any, components: list[str], options: dict[str, str]) -> None:
    """Write the components (canonical order) and options into a tomlkit pyproject."""
    import tomlkit

    table = document["tool"]["aegis"]
    if table.get("version") != __version__:
        table["version"] = __version__
    if list(table.get("components", [])) != components:
        table["components"] = components
    if "options" not in table:
        table["options"] = tomlkit.table()
    stored = table["options"]
    wanted = dict(sorted(options.items()))
    if dict(stored) != wanted or list(stored) != list(wanted):
        for key in list(stored):
            del stored[key]
        for key, value in wanted.items():
            stored[key] = value
