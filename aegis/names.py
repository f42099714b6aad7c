"""Project names: valid distribution names that also work as a console-script name."""

from __future__ import annotations

import re
import sys

from aegis.errors import InvalidName

_VALID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_RESERVED = {"aegis", "app", "test", "tests", "pip", "python", "setuptools", "site"}


def validate_project_name(name: str) -> None:
    """Raise InvalidName with a readable reason when `name` cannot name a project."""
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise InvalidName(
            f"`{name}` is a path, not a name. Give a plain name and choose the folder "
            "with --output-dir."
        )
    if not _VALID.match(name):
        raise InvalidName(
            f"`{name}` is not a valid project name: use letters, digits, `-`, `_` and `.`, "
            "starting and ending with a letter or digit (for example `my-service`)."
        )
    lowered = re.sub(r"[-_.]+", "_", name).lower()
    if lowered in _RESERVED or lowered in sys.stdlib_module_names:
        raise InvalidName(
            f"`{name}` is reserved (it would clash with `{lowered}`). Choose another name."
        )
