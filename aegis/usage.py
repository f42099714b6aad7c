"""How the commands present themselves: help pages with plain metavars (`NAME...`, `DIR`),
examples, the component options of the catalogue under the commands that take them, and
unknown flags answered with a suggestion and the command's real flags.

A command declares its examples as its epilog, one per line (`examples(...)`); a command
that takes pack options (`--database-engine postgresql`) uses `WithPackOptions`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from typer._click.exceptions import NoSuchOption
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

if TYPE_CHECKING:
    from typer._click.core import Context
    from typer._click.formatting import HelpFormatter

    from aegis.catalog import Catalog

Rows = list[tuple[str, str]]


def examples(*lines: str) -> str:
    """A command's examples, as its epilog."""
    return "\n".join(lines)


class Command(TyperCommand):
    """A command whose help reads `NAME...` rather than `{names}... <list[str]>`, ends with
    its examples, and whose unknown-flag errors suggest and list its real flags."""

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        return ["[OPTIONS]", *(metavar(a) for a in _arguments(self, ctx))]

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        arguments = [(metavar(a), a.help or "") for a in _arguments(self, ctx)]
        options = [
            record
            for param in self.get_params(ctx)
            if isinstance(param, TyperOption) and (record := param.get_help_record(ctx))
        ]
        for title, rows in (("Arguments", arguments), ("Options", options), *self.sections()):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def sections(self) -> list[tuple[str, Rows]]:
        """More sections of options, after the command's own."""
        return []

    def format_epilog(self, ctx: Context, formatter: HelpFormatter) -> None:
        if self.epilog:
            with formatter.section("Examples"):
                for line in self.epilog.splitlines():
                    formatter.write(f"{'':>{formatter.current_indent}}{line}\n")

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        with _suggesting_flags(ctx):
            return super().parse_args(ctx, args)


class Group(TyperGroup):
    """A group of commands whose own unknown flags are answered like a command's."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        with _suggesting_flags(ctx):
            return super().parse_args(ctx, args)


@contextmanager
def _suggesting_flags(ctx: Context) -> Iterator[None]:
    try:
        yield
    except NoSuchOption as error:
        message = unknown_flag(error.option_name, ctx, [])
        raise NoSuchOption(error.option_name, message, ctx=ctx) from None


class WithPackOptions(Command):
    """A command that also takes the options packs declare, as `--<pack>-<option> VALUE`."""

    def sections(self) -> list[tuple[str, Rows]]:
        from aegis import cli
        from aegis.errors import AegisError

        try:
            catalog = cli._catalog()
        except AegisError as error:
            return [("Component options", [("(unavailable)", str(error))])]
        return [("Component options", pack_option_rows(catalog))]


def pack_option_rows(catalog: Catalog) -> Rows:
    """One row per option of every selectable pack: flag, choices, purpose and default."""
    return [
        (
            f"{pack_flag(pack.option_key(option))} {option.name.upper()}",
            f"With {pack.name}: {'|'.join(option.choices)}. {option.help}  "
            f"[default: {option.default}]",
        )
        for pack in catalog.selectable
        for option in pack.options
    ]


def pack_flag(key: str) -> str:
    """`database_engine` as the flag `--database-engine`."""
    return f"--{key.replace('_', '-')}"


def metavar(argument: TyperArgument) -> str:
    name = argument.metavar or (argument.name or "").upper()
    return f"{name}..." if argument.nargs != 1 else name


def unknown_flag(flag: str, ctx: Context, pack_flags: list[str]) -> str:
    """`Unknown option`, the closest real flag, and every flag the command takes."""
    own = [
        param
        for param in ctx.command.get_params(ctx)
        if isinstance(param, TyperOption) and not param.hidden
    ]
    spellings = [name for param in own for name in (*param.opts, *param.secondary_opts)]
    close = difflib.get_close_matches(flag, [*spellings, *pack_flags], n=1, cutoff=0.6)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    owners = _subcommands_taking(ctx, flag)
    if owners:
        where = ", ".join(f"`{ctx.command_path} {name}`" for name in owners)
        hint = f" It is an option of {where}: give it after the command's name."
    listed = ", ".join("/".join([*sorted(p.opts, key=len), *p.secondary_opts]) for p in own)
    packs = f"; component options: {', '.join(pack_flags)}" if pack_flags else ""
    return f"Unknown option `{flag}` for `{ctx.command_path}`.{hint} Its options: {listed}{packs}."


def _subcommands_taking(ctx: Context, flag: str) -> list[str]:
    subcommands = getattr(ctx.command, "commands", {})
    return [
        name
        for name, command in subcommands.items()
        if any(flag in (*p.opts, *p.secondary_opts) for p in command.params)
    ]


def _arguments(command: Any, ctx: Context) -> list[TyperArgument]:
    return [param for param in command.get_params(ctx) if isinstance(param, TyperArgument)]
