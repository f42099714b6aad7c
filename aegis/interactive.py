"""`aegis init` on a terminal with nothing chosen: ask what to add and each option of it, show
the resolved plan (what comes along and why, the files and processes it adds), and confirm.

Invalid answers are asked again. Ctrl-C (or end of input) at any question ends the line and
stops the command before anything is written.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from aegis.errors import AegisError, Interrupted

if TYPE_CHECKING:
    from rich.console import Console

    from aegis.catalog import Catalog
    from aegis.pack import Pack
    from aegis.resolve import Plan


def choose(
    catalog: Catalog, name: str, given: dict[str, str], console: Console
) -> tuple[list[str], dict[str, str]]:
    """The packs to add and the options, as the user confirmed them."""
    with _leaving_cleanly(console):
        while True:
            names = _ask_packs(catalog, console)
            plan = _plan(catalog, names)
            options = {**given, **_ask_options(plan, given, console)}
            _show_plan(catalog, name, plan, options, console)
            if _confirm("Create it?", console):
                return names, options
            console.print("Then choose again (Ctrl-C stops without writing anything).")


def _ask_packs(catalog: Catalog, console: Console) -> list[str]:
    from rich.prompt import Prompt

    packs = catalog.selectable
    console.print("What to add (each can also be added or removed later):")
    for number, pack in enumerate(packs, 1):
        needs = f"; brings {', '.join(pack.requires)}" if pack.requires else ""
        console.print(f"  [bold]{number:>2}. {pack.name}[/] ({pack.kind}{needs}): {pack.summary}")
    while True:
        answer = Prompt.ask(
            "Numbers or names, separated by commas or spaces (Enter: the core only)",
            console=console,
            default="",
            show_default=False,
        )
        try:
            return _parse_choice(catalog, answer)
        except AegisError as error:
            console.print(f"[red]{error}[/] Try again.")


def _parse_choice(catalog: Catalog, answer: str) -> list[str]:
    """`1,3` or `database worker` (or both mixed) as pack names, checked."""
    packs = catalog.selectable
    names: list[str] = []
    for word in answer.replace(",", " ").split():
        if word.isdigit():
            if not 1 <= int(word) <= len(packs):
                raise AegisError(f"There is no number {word}: choose from 1 to {len(packs)}.")
            names.append(packs[int(word) - 1].name)
        else:
            names.append(catalog.get(word).name)
    _plan(catalog, names)  # conflicts are refused here, so that they can be asked again
    return list(dict.fromkeys(names))


def _plan(catalog: Catalog, names: list[str]) -> Plan:
    from aegis.resolve import plan_add

    return plan_add(catalog, (), names)


def _ask_options(plan: Plan, given: dict[str, str], console: Console) -> dict[str, str]:
    from rich.prompt import Prompt

    options: dict[str, str] = {}
    for pack in plan.packs:
        for option in pack.options:
            key = pack.option_key(option)
            if key not in given:
                options[key] = Prompt.ask(
                    f"{pack.name} {option.name} ({option.help})",
                    console=console,
                    choices=list(option.choices),
                    default=option.default,
                )
    return options


def _show_plan(
    catalog: Catalog, name: str, plan: Plan, options: dict[str, str], console: Console
) -> None:
    everything = {**catalog.default_options(plan.names), **options}
    console.print(f"\n[bold]{name}[/]: the core project", end="")
    console.print(", plus:" if plan.packs else " only.")
    for pack in plan.packs:
        console.print(f"  [bold]{pack.name}[/] ({_why(pack, plan)})")
        chosen = [f"{option.name} {everything[pack.option_key(option)]}" for option in pack.options]
        if chosen:
            console.print(f"      options: {', '.join(chosen)}")
        files = catalog.owned_paths(pack, everything)
        if files:
            console.print(f"      files: {_shorten(files)}")
        processes = _processes(pack, everything)
        if processes:
            console.print(f"      processes (compose services): {', '.join(processes)}")


def _why(pack: Pack, plan: Plan) -> str:
    if pack.name in plan.implied:
        return f"comes along: `{plan.implied[pack.name]}` requires it"
    if pack.kind == "integration":
        return f"joins {' and '.join(pack.integrates)}"
    return "chosen"


def _processes(pack: Pack, options: dict[str, str]) -> list[str]:
    from aegis.edits import ComposeService

    return [e.name for e in pack.edits_for(options) if isinstance(e, ComposeService)]


def _shorten(paths: list[str], shown: int = 6) -> str:
    more = len(paths) - shown
    return ", ".join(paths[:shown]) + (f" and {more} more" if more > 0 else "")


def _confirm(question: str, console: Console) -> bool:
    from rich.prompt import Confirm

    return Confirm.ask(question, console=console, default=True)


@contextmanager
def _leaving_cleanly(console: Console) -> Iterator[None]:
    """Ctrl-C or end of input at a question: end the line the prompt left open, then stop."""
    try:
        yield
    except (KeyboardInterrupt, EOFError):
        console.print()
        raise Interrupted(signal.SIGINT, "stopped at a question: nothing was written.") from None
