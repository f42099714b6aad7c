"""What a new user reads: `--version`, every command's help (plain metavars, examples that
really parse, the catalogue's options under the commands that take them), unknown flags
answered with a suggestion and the command's real flags, and shell completion."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperOption
from typer.testing import CliRunner

from aegis import __version__, cli
from aegis.catalog import Catalog
from aegis.pack import Option, Pack
from aegis.usage import Command, WithPackOptions
from tests.aegis_helpers import CATALOG, init

runner = CliRunner()
ROOT = typer.main.get_command(cli.app)
PACK_FLAGS = [
    f"--{pack.option_key(option).replace('_', '-')}"
    for pack in CATALOG.selectable
    for option in pack.options
]


def leaves(command: Any = ROOT, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command that runs something, with its words (`("diff", "add")`)."""
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [(path, command)]
    return [leaf for name, sub in subcommands.items() for leaf in leaves(sub, (*path, name))]


LEAVES = leaves()
IDS = [" ".join(path) for path, _ in LEAVES]


def help_of(path: tuple[str, ...]) -> str:
    result = runner.invoke(cli.app, [*path, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.output


def examples_of(path: tuple[str, ...]) -> list[str]:
    _, _, tail = help_of(path).partition("\nExamples:\n")
    return [line.strip() for line in tail.splitlines() if line.strip()]


def parse(argv: list[str]) -> tuple[Any, Any]:
    """The leaf command and its context for `argv`, as Click parses them (no callback runs)."""
    command: Any = ROOT
    ctx = command.make_context("aegis", argv)
    while getattr(command, "commands", None):
        name, command, rest = command.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
        ctx = command.make_context(name, rest, parent=ctx)
    return command, ctx


def test_version_flag_and_command_agree():
    for args in (["--version"], ["version"]):
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 0, result.output
        assert result.output == f"aegis {__version__}\n"


def test_version_flag_in_a_real_process():
    out = subprocess.run(
        [sys.executable, "-m", "aegis", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout == f"aegis {__version__}\n"


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=IDS)
def test_every_command_has_one_to_three_examples_that_parse(path: tuple[str, ...], command):
    assert isinstance(command, Command), f"`aegis {' '.join(path)}` is not a usage.Command"
    found = examples_of(path)
    assert 1 <= len(found) <= 3, found
    for example in found:
        words = shlex.split(re.split(r"\s[#>]", example)[0])
        assert words[0] == "aegis"
        if words[1:] == ["--version"]:  # eager: it prints and exits while parsing
            continue
        leaf, ctx = parse(words[1:])
        assert leaf is command, f"{example!r} runs `{leaf.name}`, not `{' '.join(path)}`"
        if isinstance(command, WithPackOptions):  # the extras must be real pack options
            cli._names_and_options(ctx, [*(ctx.params.get("names") or []), *ctx.args], CATALOG)


@pytest.mark.parametrize("path", [path for path, _ in LEAVES], ids=IDS)
def test_help_shows_plain_metavars_and_no_contradicting_defaults(path: tuple[str, ...]):
    text = help_of(path)
    for noise in ("<str>", "<list", "<path>", "<dir>", "{", "[default: no-color]", "/ --no-force"):
        assert noise not in text, f"{noise!r} in the help of {path}:\n{text}"
    usage = text.splitlines()[0]
    assert re.fullmatch(r"Usage: aegis [a-z ]+ \[OPTIONS\]( [A-Z]+(\.\.\.)?)*", usage), usage


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=IDS)
def test_component_options_are_listed_under_the_commands_that_take_them(path, command):
    text = help_of(path)
    takes_them = isinstance(command, WithPackOptions)
    assert ("Component options:" in text) == takes_them
    for flag in PACK_FLAGS:
        assert (flag in text) == takes_them, (flag, path)


def test_a_new_pack_s_options_appear_without_edits(monkeypatch: pytest.MonkeyPatch, tmp_path):
    probe = Pack(
        name="probe",
        kind="component",
        summary="A probe",
        options=(Option("flavour", ("mild", "hot"), "mild", "How hot the probe is."),),
        root=tmp_path,
    )
    monkeypatch.setattr(cli, "_catalog", lambda: Catalog([*CATALOG, probe]))
    for path, command in LEAVES:
        if isinstance(command, WithPackOptions):
            text = " ".join(help_of(path).split())
            assert "--probe-flavour FLAVOUR" in text
            assert "With probe: mild|hot. How hot the probe is. [default: mild]" in text
    refused = runner.invoke(cli.app, ["init", "x", "--probe-flavor", "hot"])
    assert "Did you mean `--probe-flavour`?" in refused.output


def mistyped(flag: str) -> str:
    """`--dry-run` as `--dry-rn`: the last letter of its longest word left out."""
    words = flag.split("-")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    words[longest] = words[longest][:-2] + words[longest][-1]
    return "-".join(words)


FLAGS = [
    (path, name)
    for path, command in LEAVES
    for param in command.params
    if isinstance(param, TyperOption)
    for name in param.opts
    if name.startswith("--") and len(name) > 6
]


@pytest.mark.parametrize(("path", "flag"), FLAGS, ids=[f"{' '.join(p)} {f}" for p, f in FLAGS])
def test_a_mistyped_flag_is_suggested_with_the_real_flags(tmp_path, path, flag):
    args = {"init": ["demo"], "pack new": ["probe"]}.get(" ".join(path), ["database"])
    args = [*args, "-p" if "-p" in _own_flags(path) else "-o", str(tmp_path)]
    if "-p" not in _own_flags(path) and "-o" not in _own_flags(path):
        args = args[:-2]
    result = runner.invoke(cli.app, [*path, *args, mistyped(flag)])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert f"Unknown option `{mistyped(flag)}` for `aegis {' '.join(path)}`." in message
    assert f"Did you mean `{flag}`?" in message
    for own in _own_flags(path):
        assert own in message
    assert list(tmp_path.iterdir()) == []


def _own_flags(path: tuple[str, ...]) -> list[str]:
    command = dict(LEAVES)[path]
    return [n for p in command.params if isinstance(p, TyperOption) for n in p.opts]


@pytest.mark.parametrize(
    ("args", "expected", "not_expected"),
    [
        (["diff", "add", "cache", "--dry-run"], "Its options: -p/--path, --stat", "needs a value"),
        (["init", "zz", "--compnents", "database"], "Did you mean `--components`?", "Options:"),
        (["init", "zz", "--database-engine"], "needs a value: one of sqlite, postgresql", "Unk"),
        (["--versoin"], "Unknown option `--versoin` for `aegis`. Did you mean `--version`?", "{"),
        (["diff", "--stat"], "It is an option of `aegis diff add`, `aegis diff remove`", "{"),
    ],
)
def test_the_defects_of_the_issue(tmp_path, monkeypatch, args, expected, not_expected):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert expected in message
    assert not_expected not in message
    if args[:2] == ["diff", "add"]:
        assert "component options: --database-engine" in message
    assert list(tmp_path.iterdir()) == []


def test_a_reserved_name_says_what_it_would_clash_with(tmp_path: Path):
    for name, clash in (("test", "Python's own `test` package"), ("json", "standard library")):
        result = runner.invoke(cli.app, ["init", name, "-o", str(tmp_path), "--yes"])
        assert result.exit_code == 2
        assert clash in " ".join(result.output.split())
        assert f"it would clash with `{name}`" not in result.output


def test_components_shows_the_options_a_project_uses(tmp_path: Path):
    pack = next(p for p in CATALOG.selectable if p.options)
    option = pack.options[0]
    value = next(choice for choice in option.choices if choice != option.default)
    project = init(tmp_path, [pack.name], {pack.option_key(option): value})
    result = runner.invoke(cli.app, ["components", "-p", str(project)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith(f"│ {pack.name} "))
    flag = f"--{pack.option_key(option).replace('_', '-')}"
    assert f"{flag} {value}" in row
    assert "|".join(option.choices) not in row


def complete(words: str) -> list[str]:
    env = {
        **os.environ,
        "_AEGIS_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    out = subprocess.run([AEGIS], env=env, capture_output=True, text=True, check=True)
    return out.stdout.split()


AEGIS = str(Path(sys.executable).parent / "aegis")


def test_shell_completion_of_commands_flags_and_component_names():
    assert "--install-completion" in help_of(())
    assert complete("aegis ini") == ["init"]
    assert complete("aegis init demo --comp") == ["--components"]
    leaf = next(p.name for p in CATALOG.selectable if p.requires)
    assert leaf in complete(f"aegis add {leaf[:-1]}")
    script = subprocess.run(
        [AEGIS, "--show-completion", "bash"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "_AEGIS_COMPLETE=complete_bash" in script.stdout
