"""`aegis doctor`'s checks of settings: what a pack declares must reach the process.

- settings ⇔ `.env.example`: every `Settings` field a pack declared (its recorded
  `Statement` in app/core/config.py) has its variable's line in `.env.example`, where the
  owner learns it exists;
- compose environment: every variable a pack put into a compose environment is there, and
  every service that inherits that block (`<<: *app`) still gets it (a service whose own
  `environment:` replaces the inherited one without it does not: YAML merges one level).
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterator, Mapping
from typing import Any

from aegis.edits import ComposeEnvironment, Statement
from aegis.ledger import Record
from aegis.tree import VirtualTree

CONFIG = "app/core/config.py"
ENV_EXAMPLE = ".env.example"
COMPOSE = "docker-compose.yml"


def settings_problems(tree: VirtualTree, records: Mapping[str, Record]) -> list[str]:
    """Each declared setting or compose variable that does not reach where it must."""
    listed: list[str] = []
    example = tree.read(ENV_EXAMPLE)
    documented = set() if example is None else _variables(example)
    compose = _compose(tree)
    for name, record in records.items():
        for edit in record.recorded_edits():
            if isinstance(edit, Statement) and edit.path == CONFIG and edit.scope == "Settings":
                field = _field(edit.code)
                if field is not None and field.upper() not in documented:
                    listed.append(
                        f"{ENV_EXAMPLE}: no line for {field.upper()}, the setting `{field}` "
                        f"that `{name}` declares. Fix: add `{field.upper()}=<its default>` "
                        f"with a comment saying what it does (see {CONFIG})."
                    )
            if isinstance(edit, ComposeEnvironment) and edit.path == COMPOSE and compose:
                listed += _environment_problems(compose, name, edit)
    return listed


def _variables(text: str) -> set[str]:
    """The variables `.env.example` sets (`NAME=...`, also `export NAME=...`)."""
    line = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=", re.M)
    return set(line.findall(text))


def _field(code: str) -> str | None:
    """The field a statement of `Settings` declares (`name: type = value`), if it is one."""
    try:
        module = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return None
    for statement in module.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            return statement.target.id
    return None


def _compose(tree: VirtualTree) -> Any:
    text = tree.read(COMPOSE)
    if text is None:
        return None
    from aegis.edit import yaml

    try:
        return yaml.load(text)
    except Exception:  # the compose checks report a file that does not parse
        return None


def _environment_problems(compose: Any, pack: str, edit: ComposeEnvironment) -> list[str]:
    block = _block(compose, edit.service)
    variable = edit.variable
    if block is None:
        return []  # the compose checks report a missing service
    if variable not in _environment(block):
        return [
            f"{COMPOSE}: the environment of `{edit.service}` has no {variable}, which "
            f"`{pack}` puts there. Fix: add `{variable}: {edit.value}` under "
            f"`{edit.service}`'s `environment:`."
        ]
    return [
        f"{COMPOSE}: the service `{service}` inherits `{edit.service}` but its own "
        f"`environment:` drops {variable}, which `{pack}` needs there. Fix: add "
        f"`{variable}: {edit.value}` to it, or merge the inherited environment into it."
        for service, definition in _services(compose)
        if _inherits(definition, block) and variable not in _environment(definition)
    ]


def _block(compose: Any, name: str) -> Any:
    if not isinstance(compose, dict):
        return None
    if name.startswith("x-"):
        return compose.get(name)
    services = compose.get("services")
    return services.get(name) if isinstance(services, dict) else None


def _services(compose: Any) -> Iterator[tuple[str, Any]]:
    services = compose.get("services") if isinstance(compose, dict) else None
    if isinstance(services, dict):
        yield from ((str(name), body) for name, body in services.items())


def _inherits(definition: Any, block: Any) -> bool:
    merged = getattr(definition, "merge", None) or []
    return any(parent is block for parent in merged)


def _environment(definition: Any) -> set[str]:
    """The variables a service's (or block's) environment sets, merged ones included."""
    environment = definition.get("environment") if isinstance(definition, dict) else None
    if isinstance(environment, dict):
        return {str(key) for key in environment}
    if isinstance(environment, list):
        return {str(item).partition("=")[0] for item in environment}
    return set()
