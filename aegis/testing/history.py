"""What an Aegis version generated, from git history: that commit's sources (`git archive`)
run in a subprocess, with this environment's libraries, over every combination of packs and
options it allowed (or a chosen few). Used to write the archives of `aegis.released` and to
check them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from aegis.released import combination

# Runs under the old sources: only APIs every released version has (Catalog.load,
# selectable, requires, conflicts, options, option_key, sort, engine.init, changes.apply).
_DRIVER = r"""
import itertools, json, sys
from pathlib import Path
from aegis import __version__, engine
from aegis.catalog import Catalog

name, out, scratch = sys.argv[1:4]
wanted = json.loads(sys.argv[4])
catalog = Catalog.load()
selectable = [pack.name for pack in catalog.selectable]

def closure(names):
    found, pending = set(), list(names)
    while pending:
        one = pending.pop()
        if one not in found:
            found.add(one)
            pending.extend(catalog[one].requires)
    return frozenset(found)

def variants(chosen):
    choices = [
        [(pack.option_key(option), value) for value in option.choices]
        for pack in (catalog[n] for n in catalog.sort(chosen))
        for option in pack.options
    ]
    return [dict(combo) for combo in itertools.product(*choices)]

results = []
for size in range(len(selectable) + 1):
    for combo in itertools.combinations(selectable, size):
        chosen = frozenset(combo)
        if closure(chosen) != chosen:
            continue
        if any(other in catalog[n].conflicts for n in chosen for other in chosen):
            continue
        for options in variants(chosen):
            key = [sorted(chosen), options]
            if wanted is not None and key not in wanted:
                continue
            target = Path(scratch) / str(len(results)) / name
            engine.init(catalog, name, target, catalog.sort(chosen), options).changes.apply()
            files = {
                path.relative_to(target).as_posix(): path.read_bytes().decode("utf-8")
                for path in sorted(target.rglob("*"))
                if path.is_file() and "__pycache__" not in path.parts
            }
            results.append({"components": sorted(chosen), "options": options, "files": files})
Path(out).write_text(json.dumps({"version": __version__, "results": results}))
"""


class MissingHistory(RuntimeError):
    """The repository's git history does not hold the commit asked for."""


def sources(commit: str, into: Path, repository: Path) -> Path:
    """`commit`'s tree, extracted into `into`."""
    known = subprocess.run(
        ["git", "-C", str(repository), "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
    )
    if known.returncode != 0:
        raise MissingHistory(
            f"Commit {commit} is not in the git history of {repository}: clone the "
            "repository with its full history (git fetch --unshallow)."
        )
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(repository), "archive", "--format=tar", commit],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def generate(
    commit: str,
    name: str,
    repository: Path,
    only: Iterable[tuple[Iterable[str], dict[str, str]]] | None = None,
) -> tuple[str, dict[str, dict[str, str]]]:
    """(version, {combination: {path: text}}) as `commit`'s sources generate for a project
    `name`: every combination they allow, or `only` those (packs, options)."""
    with tempfile.TemporaryDirectory(prefix="aegis-history-") as scratch:
        root = sources(commit, Path(scratch) / "src", repository)
        return run(root, name, only)


def run(
    root: Path,
    name: str,
    only: Iterable[tuple[Iterable[str], dict[str, str]]] | None = None,
) -> tuple[str, dict[str, dict[str, str]]]:
    """The same, with the sources of the checkout at `root`."""
    wanted = None if only is None else [[sorted(packs), dict(opts)] for packs, opts in only]
    with tempfile.TemporaryDirectory(prefix="aegis-history-") as scratch:
        out = Path(scratch) / "out.json"
        environment = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
        result = subprocess.run(
            [sys.executable, "-c", _DRIVER, name, str(out), str(Path(scratch) / "projects")]
            + [json.dumps(wanted)],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"generating from {root} failed:\n{result.stderr}")
        data = json.loads(out.read_text())
    return data["version"], {
        combination(result["components"], result["options"]): result["files"]
        for result in data["results"]
    }
