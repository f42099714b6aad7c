"""The CLI's plain parameter conversion (aegis/cli_coercion.py) against Typer's own, for every
parameter of every command, and commands that run without importing pydantic."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import typer
from typer._click import Command, Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.core import TyperGroup, _TyperParameter

from aegis.cli import app
from aegis.cli_coercion import _Plain, plain_coercion
from tests.aegis_helpers import init


def _commands(command: Command, parent: Context | None = None) -> Iterator[tuple[Command, Context]]:
    ctx = command.context_class(command, parent=parent, **command.context_settings)
    yield command, ctx
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            yield from _commands(sub, ctx)


def _parameters() -> list[tuple[str, _TyperParameter, Context]]:
    root = typer.main.get_command(app)
    plain_coercion(root)  # as `aegis.cli._Boundary.main` does before parsing
    found = []
    for command, ctx in _commands(root):
        help_option = command.get_help_option(ctx)
        for param in [*command.params, *([help_option] if help_option else [])]:
            assert isinstance(param, _TyperParameter)
            found.append((f"{command.name} {param.name}", param, ctx))
    return found


PARAMETERS = _parameters()


def _samples(annotation: Any, tmp_path: Path) -> list[Any]:
    (tmp_path / "a file").write_text("")
    item = get_args(annotation)[0] if get_origin(annotation) is list else annotation
    if item is bool:
        one: list[Any] = [True, False, "yes", ""]
    else:
        one = [".", "", "a b", "ü-name", "nowhere", str(tmp_path), str(tmp_path / "a file")]
        one += [tmp_path] if item is Path else []
    if get_origin(annotation) is list:
        return [tuple(one[:3]), [one[0]], one[0]]
    return one


def _outcome(convert: Any, value: Any) -> Any:
    try:
        return convert(value)
    except BadParameter as error:
        return ("BadParameter", error.format_message())


def test_the_cli_has_plain_parameters():
    assert sum(isinstance(p._runtime_param, _Plain) for _, p, _ in PARAMETERS) >= 10


@pytest.mark.parametrize(
    ("param", "ctx"), [(p, c) for _, p, c in PARAMETERS], ids=[n for n, _, _ in PARAMETERS]
)
def test_plain_conversion_is_typers(param: _TyperParameter, ctx: Context, tmp_path: Path):
    """Every parameter converts every sample value as Typer's adapter does (same value, or
    the same error message)."""
    plain = param.get_runtime_param()
    typers = build_runtime_param(param.type_descriptor)
    for value in _samples(param.type_descriptor.annotation, tmp_path):
        ours = _outcome(lambda v: plain._coerce_value(v, param=param, ctx=ctx), value)
        theirs = _outcome(lambda v: typers._coerce_value(v, param=param, ctx=ctx), value)
        assert ours == theirs, value
        assert type(ours) is type(theirs)


@pytest.mark.parametrize(
    "args",
    [["version"], ["--help"], ["add", "--help"], ["diff", "add", "redis"], ["add", "redis"]],
)
def test_commands_run_without_pydantic(args: list[str], tmp_path: Path):
    project = init(tmp_path, [])
    path = ["--path", str(project)] if args[-1] == "redis" else []
    code = (
        "import sys; from aegis.cli import app\n"
        f"sys.argv = ['aegis', *{[*args, *path]!r}]\n"
        "try:\n    app()\nexcept SystemExit as done:\n    code = done.code\n"
        "print('pydantic' in sys.modules, code, file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stderr.split()[-2:] in (["False", "0"], ["False", "1"]), out.stderr
