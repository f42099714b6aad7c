"""The `aegis` command line: parse, call the engine, print. Heavy imports stay inside commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aegis.errors import AegisError, InvalidOption

if TYPE_CHECKING:
    from rich.table import Table

    from aegis.catalog import Catalog
    from aegis.engine import Outcome
    from aegis.pack import Pack

app = typer.Typer(
    name="aegis",
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
    Path, typer.Option("--path", "-p", help="The project directory.", file_okay=False)
]


def main() -> None:
    app()


def _fail(error: AegisError) -> typer.Exit:
    typer.secho("Error: ", fg="red", bold=True, err=True, nl=False)
    typer.echo(str(error), err=True)
    return typer.Exit(error.exit_code)


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
        bool, typer.Option(help="Write into a non-empty folder (other files are kept).")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Never ask questions.")] = False,
) -> None:
    """Create a new project: the core, plus the components and services you name."""
    from aegis import engine

    try:
        catalog = _catalog()
        options = _parse_options(ctx.args)
        names = [
            *_of_kind(catalog, _split(components), "component", "--components"),
            *_of_kind(catalog, _split(services), "service", "--services"),
        ]
        if not names and not yes and _interactive():
            names = _ask_components(catalog)
        target = output_dir / name
        outcome = engine.init(catalog, name, target, names, options, force=force)
        outcome.changes.apply()
    except AegisError as error:
        raise _fail(error) from None
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

    try:
        names, options = _names_and_options([*names, *ctx.args])
        outcome = engine.add(_catalog(), path, names, options)
        _finish(outcome, dry_run, "Added")
    except AegisError as error:
        raise _fail(error) from None


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

    try:
        outcome = engine.remove(_catalog(), path, names, with_dependents, force)
        _finish(outcome, dry_run, "Removed")
    except AegisError as error:
        raise _fail(error) from None


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

    try:
        names, options = _names_and_options([*names, *ctx.args])
        outcome = engine.add(_catalog(), path, names, options, per_pack=True)
    except AegisError as error:
        raise _fail(error) from None
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

    try:
        outcome = engine.remove(_catalog(), path, names, with_dependents, force, per_pack=True)
    except AegisError as error:
        raise _fail(error) from None
    _show_diff(outcome, stat, color)


@app.command()
def components(path: PathOption = Path(".")) -> None:
    """List the available components and services, what they require, and their options."""
    from aegis import manifest

    try:
        catalog = _catalog()
    except AegisError as error:
        raise _fail(error) from None
    pyproject = path / manifest.PYPROJECT
    installed: tuple[str, ...] = ()
    if pyproject.is_file():
        try:
            installed = manifest.read(path, pyproject.read_text(encoding="utf-8")).components
        except AegisError:
            installed = ()
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
    from aegis.new_pack import new_pack

    try:
        changes = new_pack(_catalog(), name, output_dir, summary)
        changes.apply()
    except AegisError as error:
        raise _fail(error) from None
    target = output_dir / f"aegis-{name.replace('_', '-')}"
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


def _finish(outcome: Outcome, dry_run: bool, verb: str) -> None:
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
    outcome.changes.apply()
    _print_stat(outcome)
    _say(f"{verb} {', '.join(outcome.plan.names)}.", "green")


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


def _stdout():  # noqa: ANN202 - rich is imported lazily
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)
