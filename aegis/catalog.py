"""The catalogue: every pack found under transforms/, validated, in canonical order."""

from __future__ import annotations

import difflib
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from aegis.errors import CatalogError, InvalidOption, UnknownComponent
from aegis.pack import Option, Options, Pack
from aegis.resources import transforms_dir


class Catalog:
    """All packs, ordered by their declared `order` (the canonical order)."""

    def __init__(self, packs: Iterable[Pack]) -> None:
        self._packs = {pack.name: pack for pack in sorted(packs, key=_canonical)}
        self._validate()

    @classmethod
    def load(cls, root: Path | None = None) -> Catalog:
        root = root or transforms_dir()
        return cls(
            _load_pack(folder)
            for folder in sorted(root.iterdir())
            if (folder / "pack.py").is_file()
        )

    def __iter__(self) -> Iterator[Pack]:
        return iter(self._packs.values())

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
        return [name for name in self._packs if name in set(names)]

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
            pack, option = self.option(key)
            if value not in option.choices:
                raise InvalidOption(
                    f"`--{key.replace('_', '-')}` must be one of "
                    f"{', '.join(option.choices)} (got `{value}`)."
                )

    def _validate(self) -> None:
        orders: dict[int, str] = {}
        for pack in self:
            if pack.order in orders:
                raise CatalogError(
                    f"Packs `{orders[pack.order]}` and `{pack.name}` share order {pack.order}."
                )
            orders[pack.order] = pack.name
            for other in (*pack.requires, *pack.conflicts, *pack.integrates):
                if other not in self._packs:
                    raise CatalogError(f"Pack `{pack.name}` refers to unknown pack `{other}`.")
            if pack.kind == "integration" and len(pack.integrates) < 2:
                raise CatalogError(f"Integration `{pack.name}` must name the packs it joins.")


def _canonical(pack: Pack) -> tuple[int, str]:
    return (pack.order, pack.name)


def _load_pack(folder: Path) -> Pack:
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
