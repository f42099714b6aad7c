"""Where the shipped data lives: inside the installed package, or beside it in a checkout."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aegis.pack import Pack

_PACKAGE = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Aegis data folder `{name}` is missing from the installation")


def transforms_dir() -> Path:
    return _locate("transforms")


def base_project_dir() -> Path:
    return _locate("base_project")


def template_folders(packs: Iterable[Pack]) -> list[Path]:
    """The core's template folder, then that of each of `packs` that has files."""
    return [base_project_dir(), *(pack.files_dir for pack in packs if pack.files_dir.is_dir())]


def releases_dir() -> Path:
    """What earlier versions generated (see `aegis.released`)."""
    return _locate("releases")
