"""The declaration of a pack: what it is, what it needs, what it edits.

A pack is a page of declarations: `PACK = Pack(...)` and one function `edits(options)` that
yields its edits (most of them through the helpers of `aegis.anchors`). Nothing here touches
files: the engine places, previews, applies and reverts what a pack declares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias

from aegis.plain import Plain, field

if TYPE_CHECKING:
    from aegis.edits import Edit
    from aegis.migrations import Migration

PACK_API = 1
"""The version of the pack interface this Aegis offers (`Pack.api`)."""

Options: TypeAlias = Mapping[str, str]
"""Project options, keyed `<pack>_<option>` (e.g. `database_engine`)."""

Kind: TypeAlias = Literal["component", "service", "integration"]
KINDS: tuple[Kind, ...] = ("component", "service", "integration")

Declared: TypeAlias = "Edit | Iterable[Edit]"
EditsFunction: TypeAlias = Callable[[Options], Iterable[Declared]]
"""A pack's edits: a function of the options returning edits, or tuples of edits (what the
helpers of `aegis.anchors` return), in order."""
FilesWhen: TypeAlias = Callable[[str, Options], bool]


class Option(Plain):
    """A choice a pack offers, given as `--<pack>-<name> VALUE` on the command line."""

    name: str
    choices: tuple[str, ...]
    default: str
    help: str


class Origin(Plain):
    """Where a pack comes from: built into Aegis, or an installed distribution."""

    distribution: str = ""
    version: str = ""

    @property
    def builtin(self) -> bool:
        return not self.distribution

    def __str__(self) -> str:
        return "built in" if self.builtin else f"{self.distribution} {self.version}".strip()


def no_edits(options: Options) -> Iterable[Declared]:
    """For a pack that only owns files."""
    return ()


class Pack(Plain):
    """One component, service or integration.

    `edits` is a function of the project's options (keyed `<pack>_<option>`, over every
    pack's defaults) returning the pack's edits in order: the index of an edit is part of
    its canonical rank, and `remove` reverts them in reverse order. Files under `files/`
    beside the pack's module are owned by the pack (`files_when` may leave some out).
    `migrations` change projects an earlier version made where an edit swap cannot (a file
    moved, a setting renamed): see `aegis.migrations`.
    """

    name: str
    kind: Kind
    summary: str
    requires: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    integrates: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    edits: EditsFunction = no_edits
    files_when: FilesWhen | None = None
    migrations: tuple[Migration, ...] = ()
    api: int = PACK_API
    requires_aegis: str = ""
    root: Path = field(default=Path(), compare=False)
    origin: Origin = field(default=Origin(), compare=False)

    @property
    def files_dir(self) -> Path:
        return self.root / "files"

    @property
    def selectable(self) -> bool:
        """Integrations are applied by the engine, never asked for by name."""
        return self.kind != "integration"

    @property
    def needs(self) -> tuple[str, ...]:
        """The packs that are always present when this one is (required or integrated)."""
        return (*self.requires, *self.integrates)

    def edits_for(self, options: Options) -> list[Edit]:
        """The declared edits, flattened, in order."""
        from aegis.edits import Edit

        found: list[Edit] = []
        for declared in self.edits(options):
            if isinstance(declared, Edit):
                found.append(declared)
            else:
                found.extend(declared)
        return found

    def option_key(self, option: Option) -> str:
        return f"{self.name}_{option.name}"

    def wants_file(self, relative_path: str, options: Options) -> bool:
        return self.files_when is None or self.files_when(relative_path, options)
