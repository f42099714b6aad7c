"""The `aegis` command line: parse, call the engine, print. Heavy imports stay inside commands.

Every command runs inside one error boundary (`_Boundary.invoke`): an `AegisError` becomes
one message and its exit code, an interruption exit code 130 or 143, and anything else an
"internal error" whose traceback goes to a log file (or to the terminal with --debug).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from aegis.errors import INTERNAL_ERROR, AegisError, Interrupted, InvalidOption

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from typer._click.core import Context as ClickContext

    from aegis.catalog import Catalog
    from aegis.confined import ProjectFiles
    from aegis.engine import Outcome
    from aegis.pack import Pack


class _Boundary(TyperGroup):
    """The one place where errors become messages and exit codes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from aegis.cli_coercion import plain_coercion

        super().__init__(*args, **kwargs)
        plain_coercion(self)

    def invoke(self, ctx: ClickContext) -> Any:
        with _boundary(ctx):
            return super().invoke(ctx)


app = typer.Typer(
    name="aegis",
    cls=_Boundary,
    help="Generate Python services (FastAPI + Flet + Typer) and grow them with components.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
diff_app = typer.Typer(
    help="Show, as a unified diff, what add or remove would change. Exit code 1 if anything "
    "would change, 0 if nothing would.",
    no_args_is_help=True,
)
app.add_typer(diff_app, name="diff")
pack_app = typer.Typer(help="Write your own packs.", no_args_is_help=True)
app.add_typer(pack_app, name="pack")

WITH_OPTIONS = {"allow_extra_args": True, "ignore_unknown_options": True}
OPTIONS_HELP = (
    "Component options are given as --<component>-<option> VALUE (see `aegis components`)."
)

PathOption = Annotated[
    Path, typer.Option("--path", "-p", help="The project, or a folder inside it.", file_okay=False)
]


def main() -> None:
    app()


@app.callback()
def _options(
    ctx: typer.Context,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="On an internal error (a bug), show the traceback instead of "
            "writing it to a log file.",
        ),
    ] = False,
) -> None:
    ctx.obj = {"debug": debug}


@contextmanager
def _boundary(ctx: ClickContext) -> Iterator[None]:
    previous = _raise_on_sigterm()
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):  # Typer reports these itself
        raise
    except AegisError as error:
        _error("Error: ", str(error))
        raise typer.Exit(error.exit_code) from None
    except Interrupted as interrupted:
        _error("Interrupted: ", str(interrupted))
        raise typer.Exit(interrupted.exit_code) from None
    except KeyboardInterrupt:
        _error("Interrupted: ", "stopped before writing anything; the project is as it was.")
        raise typer.Exit(128 + signal.SIGINT) from None
    except Exception:
        debug = bool((ctx.obj or {}).get("debug")) or bool(os.environ.get("AEGIS_DEBUG"))
        _error("Internal error: ", _internal_error(debug))
        raise typer.Exit(INTERNAL_ERROR) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _raise_on_sigterm() -> Any:
    """SIGTERM outside a transaction stops the command like Ctrl-C (a transaction defers
    it until it can roll back)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(
            signum, "stopped (SIGTERM) before writing anything; the project is as it was."
        )

    try:
        return signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread
        return None


def _internal_error(debug: bool) -> str:
    """Describe an unexpected exception; its traceback goes to a log file (or the terminal)."""
    import platform
    import tempfile
    import traceback

    from aegis import __version__

    details = traceback.format_exc()
    error = sys.exc_info()[1]
    summary = f"{type(error).__name__}: {error}"
    if debug:
        sys.stderr.write(details)
        return f"{summary}. This is a bug in Aegis; the traceback is above."
    try:
        fd, log = tempfile.mkstemp(prefix="aegis-crash-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(
                f"aegis {__version__}, Python {platform.python_version()}, "
                f"{platform.platform()}\ncommand: {' '.join(sys.argv)}\n\n{details}"
            )
    except OSError:  # no log file: the traceback is the report
        sys.stderr.write(details)
        return f"{summary}. This is a bug in Aegis; the traceback is above."
    return (
        f"{summary}. This is a bug in Aegis. The details are in {log}: please attach that "
        "file to a bug report (or run again with --debug to see them)."
    )


def _error(label: str, message: str) -> None:
    typer.secho(label, fg="red", bold=True, err=True, nl=False)
    typer.echo(message, err=True)


def _note(message: str) -> None:
    """A message about the project's state (a recovery, a wait), on stderr."""
    typer.secho(message, fg="yellow", err=True)


@app.command(context_settings=WITH_OPTIONS, epilog=OPTIONS_HELP)
def init(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Project name; also its console-script name.")],
    components: Annotated[
        str, typer.Option("--components", "-c", help="Comma-separated components to add.")
    ] = "",
    services: Annotated[
        str,
        typer.Option(
            "--services", "-s", help="Comma-separated services to add (they bring what they need)."
        ),
    ] = "",
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Where to create the project folder.")
    ] = Path("."),
    force: Annotated[
        bool,
        typer.Option(help="Write into a non-empty folder (never overwriting a file there)."),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Never ask questions.")] = False,
) -> None:
    """Create a new project: the core, plus the components and services you name."""
    from aegis import engine, workspace
    from aegis.names import validate_project_name

    catalog = _catalog()
    validate_project_name(name, catalog, output_dir)
    options = _parse_options(ctx.args)
    names = [
        *_of_kind(catalog, _split(components), "component", "--components"),
        *_of_kind(catalog, _split(services), "service", "--services"),
    ]
    if not names and not yes and _interactive():
        names = _ask_components(catalog)
    target = output_dir / name
    command = _command("init", name, *names)
    with workspace.open_target(target, command, _note) as files:
        outcome = engine.init(catalog, name, files, names, options, force=force)
        outcome.changes.apply(command)
    _report_plan(outcome)
    _say(f"Created {target} ({len(outcome.changes.changes)} files).", "green")
    _say(
        f"Next: cd {target}, then `pip install -e '.[dev]'` (or `uv pip install -e "
        f"'.[dev]'`), `{_slug(name)} health`, `make serve`. Generating needed no network; "
        "installing the dependencies does."
    )


@app.command(context_settings=WITH_OPTIONS, epilog=OPTIONS_HELP)
def add(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(help="Components or services to add.")],
    path: PathOption = Path("."),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show which files would change; write nothing.")
    ] = False,
) -> None:
    """Add components or services to an existing project."""
    from aegis import engine

    names, options = _names_and_options([*names, *ctx.args])
    catalog = _catalog()
    command = _command("add", *names)
    with _project(path, command, write=not dry_run) as files:
        outcome = engine.add(catalog, files, names, options)
        _finish(outcome, dry_run, "Added", command)


@app.command(context_settings=WITH_OPTIONS)
def remove(
    names: Annotated[list[str], typer.Argument(help="Components or services to remove.")],
    path: PathOption = Path("."),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show which files would change; write nothing.")
    ] = False,
    with_dependents: Annotated[
        bool, typer.Option(help="Also remove the components that require these.")
    ] = False,
    force: Annotated[
        bool, typer.Option(help="Delete component files even if you changed them.")
    ] = False,
) -> None:
    """Take components or services out of a project: the exact inverse of `add`."""
    from aegis import engine

    catalog = _catalog()
    command = _command("remove", *names)
    with _project(path, command, write=not dry_run) as files:
        outcome = engine.remove(catalog, files, names, with_dependents, force)
        _finish(outcome, dry_run, "Removed", command)


@diff_app.command("add", context_settings=WITH_OPTIONS, epilog=OPTIONS_HELP)
def diff_add(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(help="Components or services to add.")],
    path: PathOption = Path("."),
    stat: Annotated[bool, typer.Option("--stat", help="Only a summary per file.")] = False,
    color: Annotated[
        bool, typer.Option(help="Colour the diff (default: on a terminal).")
    ] = sys.stdout.isatty(),
) -> None:
    """The changes `aegis add` would make."""
    from aegis import engine

    names, options = _names_and_options([*names, *ctx.args])
    catalog = _catalog()
    with _project(path, _command("diff add", *names), write=False) as files:
        outcome = engine.add(catalog, files, names, options, per_pack=True)
    _show_diff(outcome, stat, color)


@diff_app.command("remove")
def diff_remove(
    names: Annotated[list[str], typer.Argument(help="Components or services to remove.")],
    path: PathOption = Path("."),
    with_dependents: Annotated[
        bool, typer.Option(help="Also remove the components that require these.")
    ] = False,
    force: Annotated[bool, typer.Option(help="As for `aegis remove --force`.")] = False,
    stat: Annotated[bool, typer.Option("--stat", help="Only a summary per file.")] = False,
    color: Annotated[
        bool, typer.Option(help="Colour the diff (default: on a terminal).")
    ] = sys.stdout.isatty(),
) -> None:
    """The changes `aegis remove` would make."""
    from aegis import engine

    catalog = _catalog()
    with _project(path, _command("diff remove", *names), write=False) as files:
        outcome = engine.remove(catalog, files, names, with_dependents, force, per_pack=True)
    _show_diff(outcome, stat, color)


@app.command()
def components(path: PathOption = Path(".")) -> None:
    """List the available components and services, what they require, and their options."""
    from aegis import manifest, workspace
    from aegis.errors import NotAnAegisProject
    from aegis.tree import VirtualTree

    catalog = _catalog()
    installed: tuple[str, ...] = ()
    try:
        workspace.find_root(path)
    except NotAnAegisProject:
        pass
    else:
        with _project(path, "aegis components", write=False) as files:
            text = VirtualTree(files).original(manifest.PYPROJECT)
            found = manifest.read(files.root, text)
            manifest.validate(found, catalog)
            installed = found.components
    console = _stdout()
    third_party = any(not pack.origin.builtin for pack in catalog)
    for kind, title in KIND_TITLES.items():
        packs = [pack for pack in catalog.selectable if pack.kind == kind]
        if packs:
            console.print(_pack_table(title, packs, installed, third_party))


KIND_TITLES = {
    "component": "Components: infrastructure (aegis init -c, aegis add)",
    "service": "Services: features built on components (aegis init -s, aegis add)",
}


def _pack_table(
    title: str, packs: list[Pack], installed: tuple[str, ...], third_party: bool
) -> Table:
    """One table of packs; a `source` column when packs of other distributions are there."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    columns = ("name", "status", "requires", "options", "source", "summary")
    for column in columns if third_party else [c for c in columns if c != "source"]:
        table.add_column(column)
    for pack in packs:
        options = ", ".join(
            f"--{pack.option_key(o).replace('_', '-')} {'|'.join(o.choices)}" for o in pack.options
        )
        table.add_row(
            pack.name,
            "[green]installed[/]" if pack.name in installed else "available",
            ", ".join(pack.requires) or "-",
            options or "-",
            *([str(pack.origin)] if third_party else []),
            pack.summary,
        )
    return table


@pack_app.command("new")
def pack_new(
    name: Annotated[str, typer.Argument(help="The pack's name, e.g. `sentry`.")],
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Where to create `aegis-<name>/`.")
    ] = Path("."),
    summary: Annotated[str, typer.Option(help="One line: what the pack adds.")] = "",
) -> None:
    """Create an installable pack package whose tests (the pack contract) pass as is."""
    from aegis import workspace
    from aegis.new_pack import distribution_name, new_pack

    target = output_dir / distribution_name(name)
    command = _command("pack", "new", name)
    with workspace.open_target(target, command, _note) as files:
        changes = new_pack(_catalog(), name, files, summary)
        changes.apply(command)
    _say(f"Created {target} ({len(changes.changes)} files).", "green")
    _say(
        f"Next: cd {target}, `pip install -e '.[test]'`, then `aegis components` lists "
        f"`{name}` and `pytest` runs the contract every pack passes."
    )


@app.command()
def version() -> None:
    """Print the Aegis version."""
    from aegis import __version__

    typer.echo(f"aegis {__version__}")


# -- helpers ---------------------------------------------------------------------------


@contextmanager
def _project(path: Path, command: str, write: bool) -> Iterator[ProjectFiles]:
    """The project holding `path`, locked and recovered (see `aegis.workspace`)."""
    from aegis import workspace

    with workspace.open_project(path, command, write, _note) as files:
        yield files


def _command(*words: str) -> str:
    """The command as the lock file and the journal record it."""
    return " ".join(["aegis", *words])


def _catalog() -> Catalog:
    from aegis.catalog import Catalog

    return Catalog.load()


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _split(components: str) -> list[str]:
    return [name.strip() for name in components.split(",") if name.strip()]


def _of_kind(catalog: Catalog, names: list[str], kind: str, flag: str) -> list[str]:
    """`names`, each checked to be a known pack of `kind` (a service is not a component)."""
    for name in names:
        pack = catalog.get(name)
        if pack.kind != kind:
            other = "--services" if pack.kind == "service" else "--components"
            raise InvalidOption(f"`{name}` is a {pack.kind}, not a {kind}: pass it with {other}.")
    return names


def _parse_options(args: list[str]) -> dict[str, str]:
    names, options = _names_and_options(args)
    if names:
        raise InvalidOption(f"Unexpected argument `{names[0]}`.")
    return options


def _names_and_options(args: list[str]) -> tuple[list[str], dict[str, str]]:
    """Component names, and `--database-engine postgresql` (or `=postgresql`) options.

    Click hands options it does not know to a variadic argument, so both arrive mixed.
    """
    names: list[str] = []
    options: dict[str, str] = {}
    remaining = list(args)
    while remaining:
        flag = remaining.pop(0)
        if not flag.startswith("--"):
            names.append(flag)
            continue
        key, _, value = flag[2:].partition("=")
        if not value:
            if not remaining or remaining[0].startswith("--"):
                raise InvalidOption(f"`{flag}` needs a value.")
            value = remaining.pop(0)
        options[key.replace("-", "_")] = value
    return names, options


def _ask_components(catalog: Catalog) -> list[str]:
    from rich.prompt import Prompt

    console = _stdout()
    console.print("Components and services (each can also be added later with `aegis add`):")
    for pack in catalog.selectable:
        needs = f", brings {', '.join(pack.requires)}" if pack.requires else ""
        console.print(f"  [bold]{pack.name}[/]: {pack.summary} ({pack.kind}{needs})")
    answer = Prompt.ask("What to add, comma-separated (empty for none)", default="")
    return _split(answer)


def _finish(outcome: Outcome, dry_run: bool, verb: str, command: str) -> None:
    for name in outcome.plan.already_present:
        _say(f"`{name}` is already in this project; nothing to do for it.")
    if not outcome.changes:
        _say("Nothing to change.")
        return
    _report_plan(outcome)
    if dry_run:
        _say("Dry run: these files would change (nothing was written):", "yellow")
        _print_stat(outcome)
        return
    _warn_uncommitted(outcome)
    outcome.changes.apply(command)
    _print_stat(outcome)
    _say(f"{verb} {', '.join(outcome.plan.names)}.", "green")


def _warn_uncommitted(outcome: Outcome) -> None:
    from aegis import vcs

    edited = [c.path for c in outcome.changes.changes if c.before is not None]
    dirty = vcs.uncommitted(outcome.changes.root, edited)
    if dirty:
        _note(
            f"These files have changes not committed to git: {', '.join(dirty)}. Aegis keeps "
            "them and edits around them; commit first if you want git to undo its edits."
        )


def _report_plan(outcome: Outcome) -> None:
    for name, other in outcome.plan.implied.items():
        if outcome.plan.removing:
            _say(f"`{name}` goes too: it requires `{other}`.")
        else:
            _say(f"`{name}` comes too: `{other}` requires it.")


def _print_stat(outcome: Outcome) -> None:
    for change in outcome.changes.changes:
        added, removed = change.counts()
        typer.echo(f"  {change.kind:8} {change.path}  ", nl=False)
        typer.secho(f"+{added} ", fg="green", nl=False)
        typer.secho(f"-{removed}", fg="red")


def _show_diff(outcome: Outcome, stat: bool, color: bool) -> None:
    if stat:
        _print_stat(outcome)
    elif color:
        _print_colored(outcome.changes.diff())
    else:
        sys.stdout.write(outcome.changes.diff())
    raise typer.Exit(1 if outcome.changes else 0)


def _print_colored(patch: str) -> None:
    from rich.text import Text

    console = _stdout()
    styles = (
        ("# aegis:", "bold magenta"),
        ("diff --git", "bold"),
        ("+++", "bold"),
        ("---", "bold"),
        ("@@", "cyan"),
        ("+", "green"),
        ("-", "red"),
    )
    for line in patch.splitlines():
        style = next((s for prefix, s in styles if line.startswith(prefix)), "")
        console.print(Text(line, style=style), soft_wrap=True)


def _slug(name: str) -> str:
    from aegis.render import slugify

    return slugify(name)


def _say(text: str, color: str | None = None) -> None:
    """One line of output; Rich is kept for tables and diffs (it costs ~45 ms to import)."""
    typer.secho(text, fg=color)


def _stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)
