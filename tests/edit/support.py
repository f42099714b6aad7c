"""Helpers shared by the edit-primitive tests: placements and real ruff runs."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from aegis.edit.base import Placement, Rank

RUFF = str(Path(sys.executable).with_name("ruff"))


def placements(ranks: dict[str, Rank]) -> Callable[[str], Placement]:
    """A function giving the placement of the element of identity `name`, as the engine
    would: its own rank and the ranks of every element packs may put on the anchor."""

    def placement(name: str) -> Placement:
        return Placement(ranks[name], ranks.get)

    return placement


def every_order(items: Sequence[Any]) -> Iterable[tuple[Any, ...]]:
    return itertools.permutations(items)


def ruff(*args: str, source: str, filename: str = "app/module.py") -> subprocess.CompletedProcess:
    """Run the real ruff on `source` (line length 88, `app` first-party)."""
    command = [
        RUFF,
        *args,
        "--isolated",
        "--line-length",
        "88",
        "--stdin-filename",
        filename,
        "-",
    ]
    if args[0] == "check":
        command[2:2] = ["--config", "lint.isort.known-first-party = ['app']"]
    return subprocess.run(command, input=source, capture_output=True, text=True)


def assert_ruff_clean(source: str, select: str = "E,I,UP,B,SIM") -> None:
    """`ruff format --check` and `ruff check --select <select>` both pass on `source`.

    F is left out by default: fixtures are fragments of modules (names from elsewhere).
    """
    formatted = ruff("format", "--check", source=source)
    assert formatted.returncode == 0, (
        f"ruff format would change:\n{source}\n{formatted.stdout}{formatted.stderr}"
    )
    checked = ruff("check", "--select", select, source=source)
    assert checked.returncode == 0, f"ruff check fails:\n{source}\n{checked.stdout}{checked.stderr}"
