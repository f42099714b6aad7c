"""The declaration of a component pack: what it is, what it needs, what it edits."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from aegis.edits import Edit

Options = Mapping[str, str]
"""Project options, keyed `<pack>_<option>` (e.g. `database_engine`)."""

Kind = Literal["component", "service", "integration"]


@dataclass(frozen=True)
class Option:
    """A choice a pack offers, given as `--<pack>-<name> VALUE` on the command line."""

    name: str
    choices: tuple[str, ...]
    default: str
    help: str


@dataclass(frozen=True)
class Pack:
    """One component, service or integration under `transforms/<name>/`."""

    name: str
    kind: Kind
    summary: str
    order: int
    requires: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    integrates: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    edits: Callable[[Options], Sequence[Edit]] | Sequence[Edit] = ()
    files_when: Callable[[str, Options], bool] | None = None
    root: Path = field(default=Path(), compare=False)

    @property
    def files_dir(self) -> Path:
        return self.root / "files"

    @property
    def selectable(self) -> bool:
        """Integrations are applied by the engine, never asked for by name."""
        return self.kind != "integration"

    def edits_for(self, options: Options) -> list[Edit]:
        declared = self.edits(options) if callable(self.edits) else self.edits
        return list(declared)

    def option_key(self, option: Option) -> str:
        return f"{self.name}_{option.name}"

    def wants_file(self, relative_path: str, options: Options) -> bool:
        return self.files_when is None or self.files_when(relative_path, options)
