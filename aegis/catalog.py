"""The catalogue: every pack, built in (under transforms/) or installed (the `aegis.packs`
entry-point group), validated when it loads, in canonical order.

The canonical order is derived, not declared: packs come after what they require or
integrate, and otherwise by name. Adding a pack never changes the relative order of the
others, so where a pack's elements go in a file does not depend on what else is installed.
"""

from __future__ import annotations

import heapq
import importlib.util
import itertools
from collections.abc import Iterable, Iterator
from functools import cache, cached_property
from pathlib import Path

from aegis.edit.base import Rank
from aegis.errors import CatalogError, InvalidOption, UnknownComponent
from aegis.pack import KINDS, PACK_API, Option, Options, Origin, Pack
from aegis.plain import replace
from aegis.resources import transforms_dir

RankTable = dict[tuple[str, ...], dict[str, Rank]]

ENTRY_POINT_GROUP = "aegis.packs"


class Catalog:
    """All packs, in canonical order."""

    def __init__(self, packs: Iterable[Pack], shipped: bool = False) -> None:
        """`shipped`: the packs are exactly the ones Aegis ships, which its own tests check
        (`test_catalog`); checking them again on every command took a tenth of an `add`."""
        found: dict[str, Pack] = {}
        for pack in packs:
            if pack.name in found:
                raise CatalogError(
                    f"Two packs are named `{pack.name}`: one from {_source(found[pack.name])}, "
                    f"one from {_source(pack)}. Uninstall one of them."
                )
            found[pack.name] = pack
        self.shipped = shipped
        if not shipped:
            _check_declarations(found)
        self._packs = {name: found[name] for name in _canonical_order(found)}
        self.position = {name: index for index, name in enumerate(self._packs)}
        self._ranks: dict[tuple[tuple[str, str], ...], RankTable] = {}
        if not shipped:
            for options in self.option_variants():
                _check_elements(self, options)

    @classmethod
    def load(cls, root: Path | None = None, installed: bool = True) -> Catalog:
        """The built-in packs (from `root`, by default Aegis's own `transforms/`), and with
        `installed` the packs of installed distributions."""
        builtin = [
            _load_folder(folder)
            for folder in sorted((root or transforms_dir()).iterdir())
            if (folder / "pack.py").is_file()
        ]
        others = installed_packs() if installed else []
        return cls([*builtin, *others], shipped=root is None and not others)

    def __iter__(self) -> Iterator[Pack]:
        return iter(self._packs.values())

    def __len__(self) -> int:
        return len(self._packs)

    def __contains__(self, name: object) -> bool:
        return name in self._packs

    def __getitem__(self, name: str) -> Pack:
        return self._packs[name]

    @cached_property
    def selectable(self) -> list[Pack]:
        return [pack for pack in self if pack.selectable]

    @cached_property
    def integrations(self) -> list[Pack]:
        return [pack for pack in self if not pack.selectable]

    def get(self, name: str) -> Pack:
        """The selectable pack called `name`, or an error that suggests the closest name."""
        pack = self._packs.get(name)
        if pack is not None and pack.selectable:
            return pack
        names = [p.name for p in self.selectable]
        import difflib  # only for a name that is not known

        close = difflib.get_close_matches(name, names, n=1)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        available = "; ".join(
            f"{kind}s: {', '.join(p.name for p in self.selectable if p.kind == kind)}"
            for kind in dict.fromkeys(p.kind for p in self.selectable)
        )
        raise UnknownComponent(
            f"Unknown component `{name}`.{hint} Available {available} (see `aegis components`)."
        )

    def sort(self, names: Iterable[str]) -> list[str]:
        """Names in canonical order."""
        wanted = set(names)
        return [name for name in self._packs if name in wanted]

    def default_options(self, names: Iterable[str]) -> dict[str, str]:
        return {
            pack.option_key(option): option.default
            for name in names
            for pack in [self._packs[name]]
            for option in pack.options
        }

    def option(self, key: str) -> tuple[Pack, Option]:
        for pack in self:
            for option in pack.options:
                if pack.option_key(option) == key:
                    return pack, option
        known = [pack.option_key(o) for pack in self for o in pack.options]
        flags = ", ".join(f"--{k.replace('_', '-')}" for k in known) or "none"
        raise InvalidOption(f"Unknown option `--{key.replace('_', '-')}`. Options: {flags}.")

    def check_options(self, options: Options) -> None:
        for key, value in options.items():
            _, option = self.option(key)
            if value not in option.choices:
                raise InvalidOption(
                    f"`--{key.replace('_', '-')}` must be one of "
                    f"{', '.join(option.choices)} (got `{value}`)."
                )

    def ranks(self, options: Options) -> RankTable:
        """For every anchor, the canonical rank of each element any pack may put there."""
        key = tuple(sorted(options.items()))
        table = self._ranks.get(key)
        if table is None:
            table = self._ranks[key] = {}
            for pack in self:
                for index, edit in enumerate(pack.edits_for(options)):
                    rank = (self.position[pack.name], index)
                    table.setdefault(edit.anchor(), {})[edit.identity(pack.name)] = rank
        return table

    def owned_paths(self, pack: Pack, options: Options) -> list[str]:
        """The project paths of the files `pack` owns with these options."""
        from aegis.render import template_targets

        if not pack.files_dir.is_dir():
            return []
        return [path for path in template_targets(pack.files_dir) if pack.wants_file(path, options)]

    def closure(self, name: str) -> set[str]:
        """`name` and every pack it needs (requires or integrates), transitively."""
        found: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current not in found:
                found.add(current)
                pending.extend(self._packs[current].needs)
        return found

    def option_variants(self) -> list[dict[str, str]]:
        """Every combination of every pack's option values."""
        choices = [
            [(pack.option_key(option), value) for value in option.choices]
            for pack in self
            for option in pack.options
        ]
        return [dict(combination) for combination in itertools.product(*choices)]


# -- loading ----------------------------------------------------------------------------


def _load_folder(folder: Path) -> Pack:
    """A built-in pack: `<folder>/pack.py` defines `PACK`, named like the folder."""
    module_name = f"aegis_pack_{folder.name}"
    spec = importlib.util.spec_from_file_location(module_name, folder / "pack.py")
    if spec is None or spec.loader is None:
        raise CatalogError(f"Cannot load {folder / 'pack.py'}.")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pack = getattr(module, "PACK", None)
    if not isinstance(pack, Pack):
        raise CatalogError(f"{folder / 'pack.py'} does not define `PACK = Pack(...)`.")
    if pack.name != folder.name:
        raise CatalogError(f"Pack in folder `{folder.name}` is named `{pack.name}`.")
    return replace(pack, root=folder)


def installed_packs() -> list[Pack]:
    """Packs of installed distributions (entry-point group `aegis.packs`), by name.

    An entry point names a `Pack` object (`my_pack.pack:PACK`); its `files/` folder sits
    beside the module that defines it.
    """
    import sys

    if not _may_declare_packs():
        return []
    from importlib.metadata import entry_points

    packs = []
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
        distribution = entry.dist.name if entry.dist else "an unknown distribution"
        origin = Origin(distribution, entry.dist.version if entry.dist else "")
        try:
            pack = entry.load()
        except Exception as error:
            raise CatalogError(
                f"The pack `{entry.name}` of {origin} does not load ({error}). "
                f"Reinstall or uninstall {distribution}."
            ) from error
        if not isinstance(pack, Pack):
            raise CatalogError(
                f"The entry point `{entry.name}` of {origin} is not an `aegis.sdk.Pack`."
            )
        if pack.name != entry.name:
            raise CatalogError(
                f"The entry point `{entry.name}` of {origin} names a pack called `{pack.name}`."
            )
        module = sys.modules[entry.module]
        root = Path(module.__file__ or ".").resolve().parent
        packs.append(replace(pack, root=root, origin=origin))
    return packs


def _may_declare_packs() -> bool:
    """False when no distribution on `sys.path` names the entry-point group in its
    `entry_points.txt`: then `importlib.metadata` (its import costs as much as loading the
    whole catalogue) would find no pack. Anything this scan cannot see through (a zip on
    the path, another distribution finder) counts as a yes."""
    import os
    import sys
    from importlib.machinery import PathFinder

    if any(
        hasattr(finder, "find_distributions") and finder is not PathFinder
        for finder in sys.meta_path
    ):
        return True
    for entry in sys.path:
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return True
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                try:
                    with open(os.path.join(folder, name, "entry_points.txt"), "rb") as file:
                        if ENTRY_POINT_GROUP.encode() in file.read():
                            return True
                except OSError:
                    continue
    return False


def _source(pack: Pack) -> str:
    return "Aegis (built in)" if pack.origin.builtin else f"the distribution {pack.origin}"


# -- validation -------------------------------------------------------------------------


def _check_declarations(packs: dict[str, Pack]) -> None:
    from aegis import __version__

    for pack in packs.values():
        where = f"Pack `{pack.name}` ({_source(pack)})"
        if pack.api != PACK_API:
            raise CatalogError(
                f"{where} is written for pack API {pack.api}; this Aegis offers {PACK_API}. "
                "Install a version of the pack made for this Aegis."
            )
        if pack.requires_aegis:
            from packaging.specifiers import InvalidSpecifier, SpecifierSet

            try:
                accepted = SpecifierSet(pack.requires_aegis)
            except InvalidSpecifier as error:
                raise CatalogError(f"{where}: requires_aegis is not valid ({error}).") from error
            if __version__ not in accepted:
                raise CatalogError(
                    f"{where} requires Aegis {pack.requires_aegis}; this is Aegis {__version__}."
                )
        if pack.kind not in KINDS:
            raise CatalogError(f"{where} has kind `{pack.kind}`; use one of {', '.join(KINDS)}.")
        for other in (*pack.requires, *pack.conflicts, *pack.integrates):
            if other not in packs:
                raise CatalogError(f"{where} refers to unknown pack `{other}`.")
        _check_migrations(pack, where)
        if pack.kind == "integration" and len(pack.integrates) < 2:
            raise CatalogError(f"Integration `{pack.name}` must name the packs it joins.")
        if pack.kind != "integration" and pack.integrates:
            raise CatalogError(f"{where} integrates packs but is not an integration.")


def _check_migrations(pack: Pack, where: str) -> None:
    """Ids unique in the pack (the ledger records them by id), versions PEP 440, paths
    relative and inside the project."""
    from packaging.version import InvalidVersion, Version

    from aegis.migrations import Migration, MoveFile

    seen: set[str] = set()
    for migration in pack.migrations:
        if not isinstance(migration, Migration):
            raise CatalogError(f"{where} declares {migration!r} as a migration; use Migration.")
        if not migration.id or migration.id != migration.id.strip() or " " in migration.id:
            raise CatalogError(f"{where}: migration id {migration.id!r} must be one word.")
        if migration.id in seen:
            raise CatalogError(
                f"{where} declares two migrations with the id `{migration.id}`; ids are "
                "recorded in the project's ledger, each must be unique in the pack."
            )
        seen.add(migration.id)
        try:
            Version(migration.version)
        except InvalidVersion as error:
            raise CatalogError(
                f"{where}: migration `{migration.id}` has version {migration.version!r}, not "
                "a version (PEP 440), e.g. 1.2.0."
            ) from error
        for step in migration.steps:
            if isinstance(step, MoveFile) and (_unsafe(step.source) or _unsafe(step.target)):
                raise CatalogError(
                    f"{where}: migration `{migration.id}` moves a file outside the project "
                    f"({step.describe()}); give relative paths inside it."
                )


def _check_elements(catalog: Catalog, options: dict[str, str]) -> None:
    """What the docs state as rules for packs, checked on their declarations.

    Only SDK edit types; no element (anchor and identity) or owned file declared by two
    packs that can be in a project together; an edit of a file another pack owns only when
    that pack is always present (required or integrated).
    """
    from aegis.edits import EDIT_TYPES
    from aegis.render import template_targets
    from aegis.resources import base_project_dir

    declared: dict[tuple[tuple[str, ...], str], str] = {}
    owners: dict[str, str] = {}
    core = set(template_targets(base_project_dir()))
    for pack in catalog:
        for path in catalog.owned_paths(pack, options):
            if path in core:
                raise CatalogError(
                    f"Pack `{pack.name}` has a file {path}, a file of the core project: a pack "
                    "changes core files only through edits."
                )
            other = owners.setdefault(path, pack.name)
            if other != pack.name and _can_coexist(catalog, other, pack.name):
                raise CatalogError(f"Packs `{other}` and `{pack.name}` both own the file {path}.")
    for pack in catalog:
        always = catalog.closure(pack.name)
        for edit in pack.edits_for(options):
            if EDIT_TYPES.get(type(edit).__name__) is not type(edit):
                raise CatalogError(
                    f"Pack `{pack.name}` declares {edit!r}, which is not an edit of "
                    "`aegis.sdk`; a pack changes a project only through those."
                )
            if _unsafe(edit.path):
                raise CatalogError(
                    f"Pack `{pack.name}` edits `{edit.path}`: give a relative path inside "
                    "the project."
                )
            owner = owners.get(edit.path)
            if owner is not None and owner not in always:
                raise CatalogError(
                    f"Pack `{pack.name}` edits {edit.path}, a file of `{owner}`, which it "
                    f"neither requires nor integrates. Add `{owner}` to its requires."
                )
            element = (edit.anchor(), edit.identity(pack.name))
            other = declared.setdefault(element, pack.name)
            if other != pack.name and _can_coexist(catalog, other, pack.name):
                raise CatalogError(
                    f"Packs `{other}` and `{pack.name}` both declare {edit.describe()} in "
                    f"{edit.path}: removing one would take it from the other. Keep it in "
                    "one pack (one may require the other)."
                )


def _can_coexist(catalog: Catalog, first: str, second: str) -> bool:
    packs = [catalog[name] for name in (first, second)]
    return not (first in packs[1].conflicts or second in packs[0].conflicts)


@cache  # checked for every combination of options
def _unsafe(path: str) -> bool:
    from pathlib import PurePosixPath

    parts = PurePosixPath(path).parts
    return not parts or path.startswith("/") or ".." in parts or "\\" in path


def _canonical_order(packs: dict[str, Pack]) -> list[str]:
    """After what it requires or integrates, otherwise by name (a stable topological order)."""
    waiting = {name: set(pack.needs) for name, pack in packs.items()}
    ready = [name for name, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        name = heapq.heappop(ready)
        order.append(name)
        for other, needs in waiting.items():
            if name in needs:
                needs.discard(name)
                if not needs:
                    heapq.heappush(ready, other)
    if len(order) < len(packs):
        cycle = sorted(set(packs) - set(order))
        raise CatalogError(f"The packs {', '.join(cycle)} require each other in a cycle.")
    return order
