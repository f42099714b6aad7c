"""`aegis pack new NAME`: an installable pack package whose own tests pass out of the box."""

from __future__ import annotations

import keyword
import re
from pathlib import Path

from aegis import __version__
from aegis.catalog import Catalog
from aegis.changes import ChangeSet
from aegis.confined import ProjectFiles
from aegis.errors import InvalidName, TargetExists
from aegis.render import render_folder
from aegis.tree import VirtualTree

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
_PACK_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def distribution_name(name: str) -> str:
    """The distribution of the pack `name`: `aegis-<name>` (`_` written `-`)."""
    return f"aegis-{name.replace('_', '-')}"


def new_pack(catalog: Catalog, name: str, files: ProjectFiles, summary: str = "") -> ChangeSet:
    """The files of the package of pack `name` in `files` (its empty folder), to write."""
    if not _PACK_NAME.match(name) or keyword.iskeyword(name) or name.endswith("_"):
        raise InvalidName(
            f"`{name}` cannot name a pack: use lower-case letters, digits and `_`, starting "
            "with a letter (it names settings, modules and options), e.g. `sentry`."
        )
    if name in catalog:
        raise InvalidName(f"A pack called `{name}` exists already ({catalog[name].origin}).")
    distribution = distribution_name(name)
    target = files.root
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise TargetExists(f"{target} already exists. Choose another name or --output-dir.")
    package = f"aegis_{name}"
    context = {
        "name": name,
        "title": " ".join(word.capitalize() for word in name.split("_")),
        "summary": summary or f"the {name} integration",
        "distribution": distribution,
        "package": package,
        "aegis_version": __version__,
    }
    tree = VirtualTree(files)
    tree.begin("pack")
    for path, text in render_folder(SCAFFOLD, context).items():
        tree.write(path.replace("PACKAGE", package).replace("NAME", name), text)
    return ChangeSet(tree)
