"""The `aegis` command line: parse, call the engine, print. Heavy imports stay inside commands.

Every command runs inside one error boundary (`_Boundary.invoke`): an `AegisError` becomes
one message and its exit code, an interruption exit code 130 or 143, and anything else an
"internal error" whose traceback goes to a log file (or to the terminal with --debug).

No `from __future__ import annotations` here: Typer reads every command's annotations on
every run, and evaluated ones cost nothing where strings are compiled and evaluated each
time (a few milliseconds of `--help`). Names imported only for type checking are quoted.

A command is declared with `cls=Command` (or `WithPackOptions` when it takes the packs'
options) and one to three `examples(...)`; tests/test_cli_help.py parses every example.
"""

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aegis.errors import INTERNAL_ERROR, AegisError, Interrupted, InvalidOption
from aegis.usage import Command, Group, WithPackOptions, examples, pack_flag, unknown_flag

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from typer._click.core import Context as ClickContext

    from aegis.catalog import Catalog
    from aegis.confined import ProjectFiles
    from aegis.engine import Outcome
    from aegis.manifest import Manifest
    from aegis.pack import Pack


class _Boundary(Group):
    """The one place where errors become messages and exit codes."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from aegis.cli_coercion import plain_coercion

        plain_coercion(self)  # once the tree is complete (Typer adds the completion options last)
        return super().main(*args, **kwargs)

    def invoke(self, ctx: "ClickContext") -> Any:
        with _boundary(ctx):
            return super().invoke(ctx)


app = typer.Typer(
    name="aegis",
    cls=_Boundary,
    help="Generate Python services (FastAPI + Flet + Typer) and grow them with components.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
diff_app = typer.Typer(
    help="Show, as a unified diff, what add or remove would change. Exit code 1 if anything "
    "would change, 0 if nothing would.",
    cls=Group,
    no_args_is_help=True,
)
app.add_typer(diff_app, name="diff")
pack_app = typer.Typer(help="Write your own packs.", cls=Group, no_args_is_help=True)
app.add_typer(pack_app, name="pack")

WITH_OPTIONS = {"allow_extra_args": True, "ignore_unknown_options": True}

PathOption = Annotated[
    Path,
    typer.Option(
        "--path", "-p", help="The project, or a folder inside it.", file_okay=False, metavar="DIR"
    ),
]
COLOR_DEFAULT = sys.stdout.isatty()
ColorOption = Annotated[
    bool,
    typer.Option(
        help="Colour the diff (default: when the output is a terminal).", show_default=False
    ),
]


def main() -> None:
    app()


def _version(value: bool) -> None:
    if value:
        from aegis import __version__

        typer.echo(f"aegis {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the Aegis version and exit.", is_eager=True, callback=_version
        ),
    ] = False,
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
def _boundary(ctx: "ClickContext") -> Iterator[None]:
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


@app.command(
    cls=WithPackOptions,
    context_settings=WITH_OPTIONS,
    epilog=examples(
        "aegis init my-service                    # on a terminal: asks what to add",
        "aegis init my-service -c worker,database --yes",
        "aegis init shop -s auth --database-engine postgresql -o ~/src --install",
    ),
)
def init(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="Project name; also its console-script name.", metavar="NAME")
    ],
    components: Annotated[
        str,
        typer.Option(
            "--components", "-c", help="Comma-separated components to add.", metavar="a,b"
        ),
    ] = "",
    services: Annotated[
        str,
        typer.Option(
            "--services",
            "-s",
            help="Comma-separated services to add (they bring what they need).",
            metavar="a,b",
        ),
    ] = "",
    output_dir: Annotated[
        Path,
        typer.Option(
            "--output-dir", "-o", help="Where to create the project folder.", metavar="DIR"
        ),
    ] = Path("."),
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Write into a non-empty folder (never overwriting a file there)."
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Never ask questions.")] = False,
    install: Annotated[
        bool,
        typer.Option(
            "--install",
            help="Then create the project's .venv and install it with its dev tools "
            "(uv when available, else pip; needs the network).",
        ),
    ] = False,
) -> None:
    """Create a new project: the core, plus the components and services you name."""
    from aegis import engine, workspace
    from aegis.names import validate_project_name

    catalog = _catalog()
    validate_project_name(name, catalog, output_dir)
    extra, options = _names_and_options(ctx, ctx.args, catalog)
    if extra:
        raise InvalidOption(f"Unexpected argument `{extra[0]}`.")
    names = [
        *_of_kind(catalog, _split(components), "component", "--components"),
        *_of_kind(catalog, _split(services), "service", "--services"),
    ]
    chosen_interactively = not names and not yes and _interactive()
    if chosen_interactively:
        from aegis import interactive

        names, options = interactive.choose(catalog, name, options, _stdout())
    elif not names:
        _say(
            "Creating the core only: no --components or --services given (`aegis components` "
            "lists them; `aegis add` adds them later)."
        )
    target = output_dir / name
    command = _command("init", name, *names)
    with workspace.open_target(target, command, _note) as files:
        outcome = engine.init(catalog, name, files, names, options, force=force)
        outcome.changes.apply(command)
    if not chosen_interactively:  # the confirmed plan already said what came along and why
        _report_plan(outcome)
    _say(f"Created {target} ({len(outcome.changes.changes)} files).", "green")
    if install:
        from aegis.install import install_project

        install_project(target, _stdout())
        _say(f"Next: cd {target}, then `{_slug(name)} health`, `make serve`.")
        return
    _say(
        f"Next: cd {target}, then `pip install -e '.[dev]'` (or `uv pip install -e "
        f"'.[dev]'`, or `aegis init --install` next time), `{_slug(name)} health`, "
        "`make serve`. Generating needed no network; installing the dependencies does."
    )


def _complete_names(incomplete: str) -> list[str]:
    """Shell completion of component and service names."""
    return [p.name for p in _catalog().selectable if p.name.startswith(incomplete)]


NamesArgument = Annotated[
    list[str],
    typer.Argument(
        help="Components or services to add.", metavar="NAME", autocompletion=_complete_names
    ),
]
RemovedArgument = Annotated[
    list[str],
    typer.Argument(
        help="Components or services to remove.", metavar="NAME", autocompletion=_complete_names
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show which files would change; write nothing.")
]
WithDependentsOption = Annotated[
    bool,
    typer.Option("--with-dependents", help="Also remove the components that require these."),
]
StatOption = Annotated[bool, typer.Option("--stat", help="Only a summary per file.")]


@app.command(
    cls=WithPackOptions,
    context_settings=WITH_OPTIONS,
    epilog=examples(
        "aegis add scheduler",
        "aegis add worker cache                   # worker brings redis",
        "aegis add database --database-engine postgresql --dry-run",
    ),
)
def add(
    ctx: typer.Context,
    names: NamesArgument,
    path: PathOption = Path("."),
    dry_run: DryRunOption = False,
) -> None:
    """Add components or services to an existing project."""
    from aegis import engine

    catalog = _catalog()
    names, options = _names_and_options(ctx, [*names, *ctx.args], catalog)
    command = _command("add", *names)
    with _project(path, command, write=not dry_run) as files:
        outcome = engine.add(catalog, files, names, options)
        _finish(outcome, dry_run, "Added", command)


@app.command(
    cls=Command,
    epilog=examples(
        "aegis remove scheduler",
        "aegis remove redis --with-dependents     # also worker and cache",
        "aegis remove cache --dry-run",
    ),
)
def remove(
    names: RemovedArgument,
    path: PathOption = Path("."),
    dry_run: DryRunOption = False,
    with_dependents: WithDependentsOption = False,
    force: Annotated[
        bool, typer.Option("--force", help="Delete component files even if you changed them.")
    ] = False,
) -> None:
    """Take components or services out of a project: the exact inverse of `add`."""
    from aegis import engine

    catalog = _catalog()
    command = _command("remove", *names)
    with _project(path, command, write=not dry_run) as files:
        outcome = engine.remove(catalog, files, names, with_dependents, force)
        _finish(outcome, dry_run, "Removed", command)


@app.command(
    cls=Command,
    epilog=examples(
        "aegis update --dry-run   # the diff it would apply",
        "aegis update --keep-mine # where you and the new version differ, keep yours",
        "aegis update --set database_engine=postgresql   # swap the implementation",
    ),
)
def update(
    path: PathOption = Path("."),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the changes as a diff; write nothing.")
    ] = False,
    keep_mine: Annotated[
        bool, typer.Option("--keep-mine", help="On a conflict, keep your version.")
    ] = False,
    take_new: Annotated[
        bool, typer.Option("--take-new", help="On a conflict, take the new version.")
    ] = False,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Change an option of a component, e.g. database_engine=postgresql.",
            metavar="KEY=VALUE",
        ),
    ] = None,
) -> None:
    """Bring the project to what this Aegis generates, keeping your changes (exit 3 on a
    conflict, with nothing written)."""
    from aegis import update as updating

    catalog = _catalog()
    resolve = updating.resolution(keep_mine, take_new)
    command = _command("update")
    with _project(path, command, write=not dry_run) as files:
        changed = updating.parse_settings(settings or [])
        outcome = updating.update(catalog, files, resolve, changed)
        if dry_run:
            sys.stdout.write(outcome.changes.diff())
            return
        _finish(outcome, False, "Updated", command)


@app.command(cls=Command, epilog=examples("aegis check   # in CI: fails when out of date"))
def check(path: PathOption = Path(".")) -> None:
    """Exit 1 when `aegis update` would change anything, 0 when the project is up to date."""
    from aegis import update as updating

    catalog = _catalog()
    with _project(path, _command("check"), write=False) as files:
        outcome = updating.update(catalog, files, "new")
    if outcome.changes:
        _say("`aegis update` would change:")
        _print_stat(outcome)
        raise typer.Exit(1)
    _say("Up to date.")


@app.command(cls=Command, epilog=examples("aegis doctor"))
def doctor(path: PathOption = Path(".")) -> None:
    """Check what must agree across the project's files; exit 1 naming each broken one."""
    from aegis import doctor as checks

    catalog = _catalog()
    with _project(path, _command("doctor"), write=False) as files:
        found = checks.problems(catalog, files)
    for problem in found:
        _say(problem, "red")
    if found:
        raise typer.Exit(1)
    _say("Everything agrees.")


@diff_app.command(
    "add",
    cls=WithPackOptions,
    context_settings=WITH_OPTIONS,
    epilog=examples(
        "aegis diff add scheduler",
        "aegis diff add worker --stat",
        "aegis diff add cache --no-color > cache.patch   # then: git apply cache.patch",
    ),
)
def diff_add(
    ctx: typer.Context,
    names: NamesArgument,
    path: PathOption = Path("."),
    stat: StatOption = False,
    color: ColorOption = COLOR_DEFAULT,
) -> None:
    """The changes `aegis add` would make."""
    from aegis import engine

    catalog = _catalog()
    names, options = _names_and_options(ctx, [*names, *ctx.args], catalog)
    with _project(path, _command("diff add", *names), write=False) as files:
        outcome = engine.add(catalog, files, names, options, per_pack=True)
    _show_diff(outcome, stat, color)


@diff_app.command(
    "remove",
    cls=Command,
    epilog=examples(
        "aegis diff remove cache",
        "aegis diff remove redis --with-dependents --stat",
    ),
)
def diff_remove(
    names: RemovedArgument,
    path: PathOption = Path("."),
    with_dependents: WithDependentsOption = False,
    force: Annotated[bool, typer.Option("--force", help="As for `aegis remove --force`.")] = False,
    stat: StatOption = False,
    color: ColorOption = COLOR_DEFAULT,
) -> None:
    """The changes `aegis remove` would make."""
    from aegis import engine

    catalog = _catalog()
    with _project(path, _command("diff remove", *names), write=False) as files:
        outcome = engine.remove(catalog, files, names, with_dependents, force, per_pack=True)
    _show_diff(outcome, stat, color)


@app.command(
    cls=Command,
    epilog=examples("aegis components", "aegis components -p ~/src/my-service"),
)
def components(path: PathOption = Path(".")) -> None:
    """List the available components and services, what they require, and their options
    (inside a project: which are installed, and the options it uses)."""
    from aegis import manifest, workspace
    from aegis.errors import NotAnAegisProject
    from aegis.tree import VirtualTree

    catalog = _catalog()
    found = manifest.Manifest(name="")
    try:
        workspace.find_root(path)
    except NotAnAegisProject:
        pass
    else:
        with _project(path, "aegis components", write=False) as files:
            text = VirtualTree(files).original(manifest.PYPROJECT)
            found = manifest.read(files.root, text)
            manifest.validate(found, catalog)
    console = _stdout()
    third_party = any(not pack.origin.builtin for pack in catalog)
    for kind, title in KIND_TITLES.items():
        packs = [pack for pack in catalog.selectable if pack.kind == kind]
        if packs:
            console.print(_pack_table(title, packs, found, third_party))


KIND_TITLES = {
    "component": "Components: infrastructure (aegis init -c, aegis add)",
    "service": "Services: features built on components (aegis init -s, aegis add)",
}


def _pack_table(title: str, packs: list["Pack"], found: "Manifest", third_party: bool) -> "Table":
    """One table of packs; a `source` column when packs of other distributions are there."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    columns = ("name", "status", "requires", "options", "source", "summary")
    for column in columns if third_party else [c for c in columns if c != "source"]:
        table.add_column(column)
    for pack in packs:
        installed = pack.name in found.components
        options = ", ".join(
            f"{pack_flag(key)} {found.options[key]}"
            if installed and key in found.options
            else f"{pack_flag(key)} {'|'.join(o.choices)}"
            for o in pack.options
            for key in [pack.option_key(o)]
        )
        table.add_row(
            pack.name,
            "[green]installed[/]" if installed else "available",
            ", ".join(pack.requires) or "-",
            options or "-",
            *([str(pack.origin)] if third_party else []),
            pack.summary,
        )
    return table


@pack_app.command(
    "new",
    cls=Command,
    epilog=examples('aegis pack new sentry --summary "Error reporting with Sentry"'),
)
def pack_new(
    name: Annotated[str, typer.Argument(help="The pack's name, e.g. `sentry`.", metavar="NAME")],
    output_dir: Annotated[
        Path,
        typer.Option("--output-dir", "-o", help="Where to create `aegis-<name>/`.", metavar="DIR"),
    ] = Path("."),
    summary: Annotated[
        str, typer.Option("--summary", help="One line: what the pack adds.", metavar="TEXT")
    ] = "",
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


@app.command(cls=Command, epilog=examples("aegis version", "aegis --version"))
def version() -> None:
    """Print the Aegis version."""
    from aegis import __version__

    typer.echo(f"aegis {__version__}")


# -- helpers ---------------------------------------------------------------------------


@contextmanager
def _project(path: Path, command: str, write: bool) -> Iterator["ProjectFiles"]:
    """The project holding `path`, locked and recovered (see `aegis.workspace`)."""
    from aegis import workspace

    with workspace.open_project(path, command, write, _note) as files:
        yield files


def _command(*words: str) -> str:
    """The command as the lock file and the journal record it."""
    return " ".join(["aegis", *words])


def _catalog() -> "Catalog":
    from aegis.catalog import Catalog

    return Catalog.load()


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _split(components: str) -> list[str]:
    return [name.strip() for name in components.split(",") if name.strip()]


def _of_kind(catalog: "Catalog", names: list[str], kind: str, flag: str) -> list[str]:
    """`names`, each checked to be a known pack of `kind` (a service is not a component)."""
    for name in names:
        pack = catalog.get(name)
        if pack.kind != kind:
            other = "--services" if pack.kind == "service" else "--components"
            raise InvalidOption(f"`{name}` is a {pack.kind}, not a {kind}: pass it with {other}.")
    return names


def _names_and_options(
    ctx: typer.Context, args: list[str], catalog: "Catalog"
) -> tuple[list[str], dict[str, str]]:
    """Component names, and pack options: `--database-engine postgresql` (or `=postgresql`).

    Click hands options it does not know to a variadic argument, so both arrive mixed; a
    flag that is no pack option is answered with the command's real flags.
    """
    pack_flags = {
        pack_flag(pack.option_key(option)): pack.option_key(option)
        for pack in catalog.selectable
        for option in pack.options
    }
    names: list[str] = []
    options: dict[str, str] = {}
    remaining = list(args)
    while remaining:
        flag = remaining.pop(0)
        if not flag.startswith("-") or flag == "-":
            names.append(flag)
            continue
        flag, _, value = flag.partition("=")
        if flag not in pack_flags:
            raise InvalidOption(unknown_flag(flag, ctx, list(pack_flags)))
        if not value:
            if not remaining or remaining[0].startswith("-"):
                raise InvalidOption(f"`{flag}` needs a value: one of {_choices(catalog, flag)}.")
            value = remaining.pop(0)
        options[pack_flags[flag]] = value
    return names, options


def _choices(catalog: "Catalog", flag: str) -> str:
    _, option = catalog.option(flag.removeprefix("--").replace("-", "_"))
    return ", ".join(option.choices)


def _finish(outcome: "Outcome", dry_run: bool, verb: str, command: str) -> None:
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


def _warn_uncommitted(outcome: "Outcome") -> None:
    from aegis import vcs

    edited = [c.path for c in outcome.changes.changes if c.before is not None]
    dirty = vcs.uncommitted(outcome.changes.root, edited)
    if dirty:
        _note(
            f"These files have changes not committed to git: {', '.join(dirty)}. Aegis keeps "
            "them and edits around them; commit first if you want git to undo its edits."
        )


def _report_plan(outcome: "Outcome") -> None:
    for name, other in outcome.plan.implied.items():
        if outcome.plan.removing:
            _say(f"`{name}` goes too: it requires `{other}`.")
        else:
            _say(f"`{name}` comes too: `{other}` requires it.")


def _print_stat(outcome: "Outcome") -> None:
    for change in outcome.changes.changes:
        added, removed = change.counts()
        typer.echo(f"  {change.kind:8} {change.path}  ", nl=False)
        typer.secho(f"+{added} ", fg="green", nl=False)
        typer.secho(f"-{removed}", fg="red")


def _show_diff(outcome: "Outcome", stat: bool, color: bool) -> None:
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


def _stdout() -> "Console":
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)
