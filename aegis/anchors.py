"""The core project's extension points, named once: the helpers packs declare edits with.

Each helper returns the edits of one semantic change ("register a health check", "add a
setting") on the anchors `base_project/` offers, so no pack names a core path or list. A
pack's `edits(options)` returns a list of what these return (an edit, or a tuple of edits).

- `setting`, `settings`: fields of `Settings` (`app/core/config.py`) and their documented
  lines in `.env.example`, from one declaration;
- `health_check`: `HEALTH_CHECKS` (`app/core/checks.py`);
- `readiness_check`: `READINESS_CHECKS` (`app/core/checks.py`), what `/health/ready` runs;
- `bootstrap_hook`: `BOOTSTRAP_HOOKS` (`app/core/bootstrap.py`), run first by every process;
- `app_hook`: `APP_HOOKS`, called with the FastAPI app once it is built;
- `startup_hook`, `shutdown_hook`: `STARTUP_HOOKS`, `SHUTDOWN_HOOKS` of the web lifespan;
- `router`: `ROUTERS` (`app/components/backend/api/routing.py`);
- `operator_check`: `OPERATOR_CHECKS` (`app/core/operators.py`), who may call the
  operational endpoints besides the holder of `OPS_TOKEN`;
- `cli_group`: `COMMAND_GROUPS` (`app/cli/main.py`);
- `dependency`, `dev_dependency`, `script`: `pyproject.toml`;
- `compose_service`, `compose_volume`: `services:` and `volumes:` of the compose file;
- `app_process`: a process kind of the app: a compose service inheriting the shared `x-app`
  block, and a member of the `<project> dev` group (`DEV_PROCESSES`);
- `app_service`: only the compose service of an app process;
- `app_environment`, `app_depends_on`: `x-app`, the environment and start order of every
  app service;
- `ci_service`: a service container of the CI workflow's job (`.github/workflows/ci.yml`);
- `generated_secret`: a random value in the git-ignored `.env`;
- `env_example`, `makefile`, `readme`: managed blocks in `.env.example`, `Makefile`,
  `README.md`;
- `readme_layout`: the folders a pack adds, in the README's layout list.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from functools import cache
from typing import Any

from aegis.edits import (
    ComposeDependsOn,
    ComposeEnvironment,
    ComposeService,
    ComposeVolume,
    Dependency,
    Edit,
    EnvSecret,
    Import,
    ListItem,
    Script,
    Statement,
    TextBlock,
    YamlEntry,
)
from aegis.plain import Plain

Declaration = Edit | Iterable[Edit]
Declarations = Iterable[Declaration]
"""What a pack's `edits(options)` returns: edits, and what the helpers return, in order."""

CONFIG = "app/core/config.py"
SETTINGS_CLASS = "Settings"
CHECKS = "app/core/checks.py"
BOOTSTRAP = "app/core/bootstrap.py"
LIFECYCLE = "app/components/backend/lifecycle.py"
ROUTING = "app/components/backend/api/routing.py"
CLI = "app/cli/main.py"
PROCESSES = "app/entrypoints/processes.py"
ENV_EXAMPLE = ".env.example"
MAKEFILE = "Makefile"
README = "README.md"
LAYOUT_REGION = "layout"
CI_WORKFLOW = ".github/workflows/ci.yml"
CI_SERVICES = ("jobs", "check", "services")
OPERATORS = "app/core/operators.py"
APP_BLOCK = "app"
"""The compose extension block `x-app: &app` every app service inherits."""
CORE_SECRETS = ("OPS_TOKEN",)
"""Variables the core's `.env` gets a random value for when a project is created."""

LINE_LENGTH = 88


def _register(
    path: str, list_name: str, module: str, name: str, alias: str | None = None
) -> tuple[Import, ListItem]:
    return Import(path, module, name, alias), ListItem(path, list_name, alias or name)


# -- Python registration lists ----------------------------------------------------------


def health_check(module: str, function: str) -> tuple[Import, ListItem]:
    """Register an async health check (`/health`, the dashboard and `<project> health`)."""
    return _register(CHECKS, "HEALTH_CHECKS", module, function)


def readiness_check(module: str, function: str) -> tuple[Import, ListItem]:
    """Register an async check of what the web process needs to serve (`/health/ready`:
    503 until it passes); it must answer in a few milliseconds."""
    return _register(CHECKS, "READINESS_CHECKS", module, function)


def bootstrap_hook(module: str, function: str) -> tuple[Import, ListItem]:
    """Run `function()` first in every process: web server, scheduler, workers and CLI."""
    return _register(BOOTSTRAP, "BOOTSTRAP_HOOKS", module, function)


def app_hook(module: str, function: str) -> tuple[Import, ListItem]:
    """Call `function(app)` on the FastAPI app once it is built (middleware,
    instrumentation)."""
    return _register(LIFECYCLE, "APP_HOOKS", module, function)


def startup_hook(module: str, function: str) -> tuple[Import, ListItem]:
    """Await `function()` when the web server starts (in list order)."""
    return _register(LIFECYCLE, "STARTUP_HOOKS", module, function)


def shutdown_hook(module: str, function: str) -> tuple[Import, ListItem]:
    """Await `function()` when the web server stops."""
    return _register(LIFECYCLE, "SHUTDOWN_HOOKS", module, function)


def router(module: str, name: str = "router", alias: str | None = None) -> tuple[Import, ListItem]:
    """Include an `APIRouter` in the app; imported as `<last module part>_router`."""
    return _register(
        ROUTING, "ROUTERS", module, name, alias or f"{module.rsplit('.', 1)[-1]}_router"
    )


def operator_check(module: str, function: str) -> tuple[Import, ListItem]:
    """Accept more callers as operators (the operational endpoints): `async
    function(connection) -> bool`, e.g. a superuser's access token."""
    return _register(OPERATORS, "OPERATOR_CHECKS", module, function)


def cli_group(module: str, name: str) -> tuple[Import, ListItem]:
    """Add a `typer.Typer(name=...)` command group to the project's CLI."""
    return _register(CLI, "COMMAND_GROUPS", module, name)


# -- settings ---------------------------------------------------------------------------


class Setting(Plain):
    """One setting: a `Settings` field and its documented line in `.env.example`.

    `name` is the field (the environment variable is its upper-case form); `doc` one
    sentence for both places; `type` the annotation (derived from `default` when empty).
    A `secret` has no default value in either place: set it in `.env` or the environment.
    """

    name: str
    default: str | int | float | bool
    doc: str
    type: str = ""
    secret: bool = False

    @property
    def variable(self) -> str:
        return self.name.upper()

    @property
    def annotation(self) -> str:
        return self.type or type(self.default).__name__

    def field_code(self) -> str:
        value = "" if self.secret else self.default
        return f"{self.name}: {self.annotation} = {_python_literal(value)}"

    def env_line(self) -> str:
        return f"{self.variable}={'' if self.secret else _env_value(self.default)}"


def _python_literal(value: str | int | float | bool) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _env_value(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


@cache  # every pack's settings are declared again for each combination of options
def _comment(text: str, indent: int) -> str:
    width = LINE_LENGTH - indent - 2
    return "".join(f"# {line}\n" for line in textwrap.wrap(text, width))


def settings(
    *items: Setting, title: str = "", key: str | None = None
) -> tuple[Statement | TextBlock, ...]:
    """Settings fields (a blank line and `# title` before the first) and one `.env.example`
    block documenting each (`key`: the block's key, the pack's name by default)."""
    heading = f"# {title}\n" if title else ""
    fields = [
        Statement(
            CONFIG,
            SETTINGS_CLASS,
            ("\n" + heading if index == 0 else "") + _comment(item.doc, 4) + item.field_code(),
        )
        for index, item in enumerate(items)
    ]
    lines = [heading.rstrip("\n")] if title else []
    lines += [_comment(item.doc, 0) + item.env_line() for item in items]
    return (*fields, TextBlock(ENV_EXAMPLE, "\n".join(lines), key=key))


def setting(item: Setting, title: str = "") -> tuple[Statement | TextBlock, ...]:
    """One setting (see `settings`)."""
    return settings(item, title=title)


def generated_secret(variable: str, nbytes: int = 32) -> EnvSecret:
    """A random value for `variable` in the git-ignored `.env`, made when the pack is added
    (an existing value is kept); declare the matching setting with `secret=True`."""
    return EnvSecret(variable, nbytes)


def env_example(body: str, key: str) -> TextBlock:
    """Lines of `.env.example` that are not settings of the app (e.g. for compose only)."""
    return TextBlock(ENV_EXAMPLE, body, key=key)


# -- pyproject.toml ---------------------------------------------------------------------


def dependency(requirement: str) -> Dependency:
    """A requirement of the project (kept as the owner wrote it if already there)."""
    return Dependency(requirement)


def dev_dependency(requirement: str) -> Dependency:
    """A requirement of the `dev` extra (tests, linters, stubs)."""
    return Dependency(requirement, extra="dev")


def script(name: str, target: str) -> Script:
    """A console script in `[project.scripts]`."""
    return Script(name, target)


# -- compose ----------------------------------------------------------------------------


def compose_service(name: str, definition: dict[str, Any]) -> ComposeService:
    """A backing service (a database, a broker) under `services:`."""
    return ComposeService(name, definition)


def app_process(
    name: str, module: str, args: tuple[str, ...] = (), definition: dict[str, Any] | None = None
) -> tuple[ComposeService, ListItem]:
    """A process kind of the app, `python -m <module> <args>`: its own compose service in
    production (inheriting `x-app`, plus `definition`: its healthcheck), and a member of the
    group `<project> dev` runs (`DEV_PROCESSES`)."""
    command = " ".join(["python", "-m", module, *args])
    service = app_service(name, {"command": command, **(definition or {})})
    listed = ", ".join(_python_literal(arg) for arg in args)
    extra = f", ({listed},)" if args else ""
    process = f"DevProcess({_python_literal(name)}, {_python_literal(module)}{extra})"
    return service, ListItem(PROCESSES, "DEV_PROCESSES", process)


def app_service(name: str, definition: dict[str, Any]) -> ComposeService:
    """A process of the app (scheduler, a worker): it inherits `x-app` (image, shared
    environment, start order, volumes) and adds `definition` (its command, healthcheck)."""
    return ComposeService(name, definition, inherits=APP_BLOCK)


def compose_volume(name: str) -> ComposeVolume:
    """A named volume under the top-level `volumes:`."""
    return ComposeVolume(name)


def app_environment(variable: str, value: str) -> ComposeEnvironment:
    """A variable every app service sees inside compose (e.g. a URL on the compose network)."""
    return ComposeEnvironment(f"x-{APP_BLOCK}", variable, value)


def app_depends_on(service: str, condition: str = "service_healthy") -> ComposeDependsOn:
    """Every app service starts after `service` (healthy, by default)."""
    return ComposeDependsOn(f"x-{APP_BLOCK}", service, condition)


# -- continuous integration ------------------------------------------------------------


def ci_service(name: str, definition: dict[str, Any]) -> YamlEntry:
    """A service container the CI job's tests reach on localhost (map its port)."""
    return YamlEntry(CI_WORKFLOW, CI_SERVICES, name, definition)


# -- managed text blocks ----------------------------------------------------------------


def makefile(targets: str) -> TextBlock:
    """Make targets (`name: ## help` lines are listed by `make help`); use `$(PYTHON)`."""
    return TextBlock(MAKEFILE, targets)


def readme(section: str) -> TextBlock:
    """A `### Title` section of the README's `## Components`."""
    return TextBlock(README, section, style="html")


def readme_layout(folders: dict[str, str]) -> TextBlock:
    """The folders a pack adds (`{"app/models/": "SQLModel tables"}`), listed in the
    README's `## Layout` (every folder a pack adds is there: a contract test)."""
    body = "\n".join(f"- `{folder}`: {what}" for folder, what in folders.items())
    return TextBlock(README, body, style="html", region=LAYOUT_REGION)
