"""Plain coercion of the CLI's parameter values, without Typer's pydantic adapters.

Typer (0.29) converts each parameter's value through a pydantic `TypeAdapter` that it builds
when the command runs: importing pydantic and building the adapters costs about as much as
importing Typer itself, on every run of every command. Aegis's parameters are strings, flags,
paths and lists of strings, whose values the command line already gives as `str` (or `bool`
for a flag): for those, `plain_coercion` sets a converter that returns them as Typer would,
and anything else (another annotation, a value of another type) still goes through Typer's
own adapter. Paths keep Typer's checks and messages (`coerce_cli_path`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

from typer._click import Command, Context
from typer._coercion import RuntimeParam, build_runtime_param, resolve_type_descriptor
from typer._param_types import coerce_cli_path
from typer.core import TyperGroup, _TyperParameter

_PLAIN = (str, bool, Path)


def plain_coercion(command: Command, parent: Context | None = None) -> None:
    """Give every parameter of `command` and of its subcommands whose annotation is plain
    (str, bool, Path, or a list of one of them) the converter of this module.

    The help option is made here, in a context like the one the command will run in, as the
    command would make it when it runs (it keeps the first one it makes)."""
    ctx = command.context_class(command, parent=parent, **command.context_settings)
    help_option = command.get_help_option(ctx)
    for param in [*command.params, *([help_option] if help_option else [])]:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            annotation = param.type_descriptor.annotation
            if (_list_item(annotation) or annotation) in _PLAIN:
                param._runtime_param = _Plain(param.type_descriptor.parameter_info, annotation)
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            plain_coercion(sub, ctx)


def _list_item(annotation: Any) -> Any:
    """The item type of `list[X]`, else None."""
    return get_args(annotation)[0] if get_origin(annotation) is list else None


class _Plain(RuntimeParam):
    """Values of plain types, converted as Typer's adapters convert them."""

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        item = _list_item(self.annotation)
        if item is not None:
            values = value if isinstance(value, (list, tuple)) else [value]
            return [self._one(item, v, param, ctx) for v in values]
        return self._one(self.annotation, value, param, ctx)

    def _one(self, annotation: Any, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        if (
            annotation is Path
            and self.parameter_info.path_type is None
            and isinstance(value, (str, Path))
        ):
            return coerce_cli_path(
                Path(value), self.parameter_info, path_type=Path, param=param, ctx=ctx
            )
        if annotation in (str, bool) and type(value) is annotation:
            return value
        typer_own = build_runtime_param(resolve_type_descriptor(annotation, self.parameter_info))
        return typer_own._coerce_value(value, param=param, ctx=ctx)
