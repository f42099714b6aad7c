"""Project names: valid distribution names that also work as a console-script name and a
folder name, on every platform, and do not collide with what the project installs."""

from __future__ import annotations

import os
import re
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from aegis.errors import InvalidName

if TYPE_CHECKING:
    from aegis.catalog import Catalog

_VALID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")  # PEP 508
# Names a project cannot take, and what each would clash with.
_RESERVED = {
    "aegis": "Aegis itself (the `aegis` command and package)",
    "app": "the generated project's own package, `app/`",
    "test": "Python's own `test` package (the standard library's regression tests)",
    "tests": "the generated project's test package, `tests/`",
    "pip": "the `pip` installer in the project's environment",
    "python": "the `python` command in the project's environment",
    "setuptools": "the `setuptools` package that builds many dependencies",
}
_DEVICES = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
# Room left in a folder name for what tools derive from the project name, such as the
# `<name>-<version>.dist-info` folder an install writes or a wheel's file name.
_DERIVED_NAMES_ROOM = 32


def normalize(name: str) -> str:
    """The PEP 503 form of a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def validate_project_name(
    name: str, catalog: Catalog | None = None, where: Path | None = None
) -> None:
    """Raise InvalidName with a readable reason when `name` cannot name a project.

    `catalog`: also refuse the dependencies it can add; `where`: the folder the project goes
    in, whose file system limits the length of the name."""
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise InvalidName(
            f"`{name}` is a path, not a name. Give a plain name and choose the folder "
            "with --output-dir."
        )
    limit = _longest_name(where) - _DERIVED_NAMES_ROOM
    if len(name.encode()) > limit:
        raise InvalidName(
            f"The name is {len(name)} characters long; at most {limit} fit on this file "
            "system (as a folder name, with room for the names tools derive from it). "
            "Choose a shorter name."
        )
    if not _VALID.match(name):
        raise InvalidName(
            f"`{name}` is not a valid project name: use letters, digits, `-`, `_` and `.`, "
            "starting and ending with a letter or digit (for example `my-service`)."
        )
    lowered = re.sub(r"[-_.]+", "_", name).lower()
    clash = _RESERVED.get(lowered) or (
        f"the `{lowered}` module of Python's standard library"
        if lowered in sys.stdlib_module_names
        else None
    )
    if clash:
        raise InvalidName(
            f"`{name}` is reserved: as a console script or an import it would clash with "
            f"{clash}. Choose another name, for example `my-{name}`."
        )
    if name.split(".")[0].lower() in _DEVICES:
        raise InvalidName(
            f"`{name}` is a device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9): "
            "no file or folder can have it there. Choose another name."
        )
    if catalog is not None and normalize(name) in dependency_names(catalog):
        raise InvalidName(
            f"`{name}` is the name of a package the generated project installs "
            f"(`{normalize(name)}`): the project could not be installed next to it. "
            "Choose another name, for example `my-" + normalize(name) + "`."
        )


@cache
def dependency_names(catalog: Catalog) -> frozenset[str]:
    """Every distribution a generated project may install: what the core and each pack
    (with every choice of its options) declare, and what those pull in.

    What Aegis's own packs declare is in the installed closure already (`test_cli_errors`
    checks it), so only another catalogue renders the core and every pack's edits."""
    if catalog.shipped:
        return _installed_closure()
    return frozenset(_declared(catalog)) | _installed_closure()


def _declared(catalog: Catalog) -> set[str]:
    import tomllib

    from aegis.edits import Dependency
    from aegis.render import project_context, render_folder
    from aegis.resources import base_project_dir

    core = render_folder(
        base_project_dir(),
        project_context("placeholder", {}),
        lambda path: path == "pyproject.toml",
    )
    project = tomllib.loads(core["pyproject.toml"])["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    defaults = catalog.default_options(p.name for p in catalog)
    for pack in catalog:
        variants: list[dict[str, str]] = [{}] + [
            {pack.option_key(option): choice}
            for option in pack.options
            for choice in option.choices
        ]
        for variant in variants:
            for edit in pack.edits_for(defaults | variant):
                if isinstance(edit, Dependency):
                    requirements.append(edit.requirement)
    return {_requirement_name(text) for text in requirements}


def _requirement_name(requirement: str) -> str:
    match = _REQUIREMENT_NAME.match(requirement.strip())
    if match is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    return normalize(match.group())


@cache
def _installed_closure() -> frozenset[str]:
    listing = Path(__file__).with_name("dependency_names.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in listing.splitlines() if line.strip() and not line.startswith("#")
    )


def _longest_name(where: Path | None) -> int:
    """NAME_MAX of the file system holding `where` (its nearest existing folder)."""
    folder = (where or Path.cwd()).absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255
