"""Static checks of a generated project's docker-compose.yml.

`compose_problems(project_dir)` lists what would break `docker compose up` or start a
container that cannot run: a command naming a module or console script the project
does not have, a `depends_on` naming no service, a named volume or network that is
not declared at the top level. An empty list means the file is consistent.
"""

from __future__ import annotations

import ast
import shlex
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

PYTHONS = {"python", "python3", "python3.11", "python3.12", "python3.13"}


def compose_problems(project_dir: Path) -> list[str]:
    """Every inconsistency of `project_dir/docker-compose.yml`, as readable lines."""
    compose = YAML(typ="safe", pure=True).load(
        (project_dir / "docker-compose.yml").read_text(encoding="utf-8")
    )
    if not isinstance(compose, dict) or not isinstance(compose.get("services"), dict):
        return ["docker-compose.yml has no `services:` mapping"]
    services: dict[str, Any] = compose["services"]
    volumes = set(compose.get("volumes") or {})
    networks = set(compose.get("networks") or {}) | {"default"}
    scripts = _console_scripts(project_dir)
    problems: list[str] = []
    for name, service in services.items():
        where = f"service `{name}`"
        if not isinstance(service, dict):
            problems.append(f"{where} is not a mapping")
            continue
        if "build" in service and service.get("command") is not None:
            problems += [
                f"{where}: command {problem}"
                for problem in _command_problems(project_dir, _words(service["command"]), scripts)
            ]
        test = (service.get("healthcheck") or {}).get("test")
        if test is not None and "build" in service:
            problems += [
                f"{where}: healthcheck {problem}"
                for problem in _healthcheck_problems(project_dir, test)
            ]
        for dependency in _names(service.get("depends_on")):
            if dependency not in services:
                problems.append(f"{where} depends on `{dependency}`, not a service")
        for volume in _named_volumes(service.get("volumes") or []):
            if volume not in volumes:
                problems.append(f"{where} mounts volume `{volume}`, not declared")
        for network in _names(service.get("networks")):
            if network not in networks:
                problems.append(f"{where} joins network `{network}`, not declared")
    return problems


def _words(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(w) for w in command]


def _names(value: Any) -> list[str]:
    """Names of a list or a mapping (the two forms of depends_on and networks)."""
    if value is None:
        return []
    return [str(name) for name in value]


def _named_volumes(mounts: list[Any]) -> Iterator[str]:
    for mount in mounts:
        if isinstance(mount, dict):
            if mount.get("type", "volume") == "volume" and mount.get("source"):
                yield str(mount["source"])
            continue
        source, separator, _ = str(mount).partition(":")
        if separator and not source.startswith(("/", ".", "~", "$")):
            yield source


def _console_scripts(project_dir: Path) -> dict[str, str]:
    pyproject = project_dir / "pyproject.toml"
    if not pyproject.exists():
        return {}
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    scripts: dict[str, str] = data.get("project", {}).get("scripts", {})
    return scripts


def _module_file(project_dir: Path, module: str, runnable: bool) -> Path | None:
    """The file `module` is loaded from (with `-m`, a package needs `__main__`)."""
    base = project_dir.joinpath(*module.split("."))
    candidates = [base.with_suffix(".py"), base / ("__main__.py" if runnable else "__init__.py")]
    return next((path for path in candidates if path.is_file()), None)


def _python_problems(project_dir: Path, words: list[str]) -> list[str]:
    """Problems of `python [options] -m module ...` or `python file.py ...`."""
    arguments = words[1:]
    while arguments and arguments[0].startswith("-") and arguments[0] not in ("-m", "-c"):
        arguments = arguments[1:]
    if not arguments:
        return ["starts an interactive Python"]
    if arguments[0] == "-c":
        return []
    if arguments[0] == "-m":
        if len(arguments) < 2:
            return ["has `-m` without a module"]
        module = arguments[1]
        if _module_file(project_dir, module, runnable=True) is None:
            return [f"runs module `{module}`, which the project does not have"]
        return []
    if not (project_dir / arguments[0]).is_file():
        return [f"runs `{arguments[0]}`, which the project does not have"]
    return []


def _command_problems(project_dir: Path, words: list[str], scripts: dict[str, str]) -> list[str]:
    if not words:
        return ["is empty"]
    program = words[0]
    if program in PYTHONS:
        return _python_problems(project_dir, words)
    if program in scripts:
        return _script_problems(project_dir, program, scripts[program])
    return [f"runs `{program}`: neither `python -m <module>` nor a [project.scripts] entry"]


def _script_problems(project_dir: Path, name: str, target: str) -> list[str]:
    module, _, attribute = target.partition(":")
    path = _module_file(project_dir, module, runnable=False)
    if path is None:
        return [f"runs script `{name}` = `{target}`: module `{module}` is missing"]
    top = attribute.split(".")[0]
    if top and top not in _bound_names(path):
        return [f"runs script `{name}` = `{target}`: `{top}` is not in `{module}`"]
    return []


def _bound_names(path: Path) -> set[str]:
    """Names bound at module level: assignments, defs, classes, imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _healthcheck_problems(project_dir: Path, test: str | list[str]) -> list[str]:
    """Only `python -m <module>` health checks are verified; others are the image's."""
    words = _words(test)
    if words and words[0] in ("CMD", "CMD-SHELL"):
        words = words[1:] if words[0] == "CMD" else shlex.split(" ".join(words[1:]))
    if words and words[0] in PYTHONS and "-m" in words:
        return _python_problems(project_dir, words)
    return []
