"""Which projects the contract is checked on: sets of packs a project can hold, with every
combination of their options, and the orders and removals worth trying on each.

`invariant_cases` are cheap (in-process): the whole catalogue gets every allowed set; a single
pack gets a covering selection around it (alone, with each other pack, the largest sets).
`generated_cases` are for what is expensive (installing and running generated projects): for
the catalogue the core, every pack alone, every pair and the largest sets, so that each pack
meets every other one at least once; for one pack, alone and in the largest sets.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from aegis.catalog import Catalog


@dataclass(frozen=True)
class Case:
    """A project: the packs asked for (closed under requires) and its option values."""

    components: frozenset[str]
    options: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    catalog: Catalog | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def ordered(self) -> list[str]:
        assert self.catalog is not None
        return self.catalog.sort(self.components)

    @property
    def label(self) -> str:
        names = self.ordered or ["core"]
        extra = [f"{k}={v}" for k, v in sorted(self.options.items())]
        return "+".join(names) + (f"[{','.join(extra)}]" if extra else "")

    def own_options(self, name: str) -> dict[str, str]:
        """The options of pack `name`."""
        assert self.catalog is not None
        pack = self.catalog[name]
        keys = {pack.option_key(option) for option in pack.options}
        return {k: v for k, v in self.options.items() if k in keys}

    def brought_options(self, name: str, present: set[str]) -> dict[str, str]:
        """The options of `name` and of the requirements adding it brings (those not in
        `present`): a service added before the component it requires brings it with them."""
        assert self.catalog is not None
        brought = closure(self.catalog, [name]) - present
        return {k: v for other in brought for k, v in self.own_options(other).items()}

    def without(self, name: str) -> Case:
        """This project without pack `name` (and its options)."""
        mine = self.own_options(name)
        options = {k: v for k, v in self.options.items() if k not in mine}
        return Case(self.components - {name}, options, self.catalog)

    def removable(self) -> list[str]:
        """Members no other member requires."""
        assert self.catalog is not None
        catalog = self.catalog
        return [
            name
            for name in self.ordered
            if not any(name in catalog[other].requires for other in self.components)
        ]

    def add_orders(self, limit: int = 8) -> list[tuple[str, ...]]:
        """Every order for small sets; for larger ones `limit` orders spread over them."""
        orders = list(itertools.permutations(self.ordered))
        if len(orders) <= limit:
            return orders
        step = len(orders) // limit
        return orders[::step][:limit]


def closure(catalog: Catalog, names: Iterable[str]) -> frozenset[str]:
    """`names` and everything they require."""
    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(catalog[name].requires)
    return frozenset(found)


def allowed_sets(catalog: Catalog) -> list[frozenset[str]]:
    """Every set of selectable packs a project can have: closed under requires, no conflict."""
    selectable = [pack.name for pack in catalog.selectable]
    found = set()
    for size in range(len(selectable) + 1):
        for combination in itertools.combinations(selectable, size):
            chosen = frozenset(combination)
            if closure(catalog, chosen) == chosen and _compatible(catalog, chosen):
                found.add(chosen)
    return sorted(found, key=lambda s: (len(s), catalog.sort(s)))


def _compatible(catalog: Catalog, chosen: frozenset[str]) -> bool:
    return not any(other in catalog[name].conflicts for name in chosen for other in chosen)


def option_variants(catalog: Catalog, components: Iterable[str]) -> list[dict[str, str]]:
    """Every combination of option values of the given packs."""
    choices = [
        [(pack.option_key(option), value) for value in option.choices]
        for name in catalog.sort(components)
        for pack in [catalog[name]]
        for option in pack.options
    ]
    return [dict(combination) for combination in itertools.product(*choices)]


def _with_options(catalog: Catalog, sets: Iterable[frozenset[str]]) -> list[Case]:
    return [
        Case(components, options, catalog)
        for components in sets
        for options in option_variants(catalog, components)
    ]


def invariant_cases(catalog: Catalog, pack: str | None = None) -> list[Case]:
    """Every allowed set (the whole catalogue), or the covering sets around `pack`."""
    if pack is None:
        return _with_options(catalog, allowed_sets(catalog))
    return covering_cases(catalog, pack)


def generated_cases(catalog: Catalog, pack: str | None = None) -> list[Case]:
    """Projects to install and run: for the whole catalogue the covering cases; for one pack,
    the pack alone and each largest allowed set with it (every pack it can meet at once)."""
    if pack is None:
        return covering_cases(catalog)
    allowed = [s for s in allowed_sets(catalog) if pack in s]
    largest = [s for s in allowed if not any(s < other for other in allowed)]
    chosen = list(dict.fromkeys([closure(catalog, [pack]), *largest]))
    return _with_options(catalog, chosen)


def covering_cases(catalog: Catalog, pack: str | None = None) -> list[Case]:
    """The core, each pack alone, each compatible pair, and each largest allowed set
    (those containing `pack` when given), with every option combination."""
    allowed = allowed_sets(catalog)
    selectable = [p.name for p in catalog.selectable]
    wanted: list[frozenset[str]] = [frozenset()]
    wanted += [closure(catalog, [name]) for name in selectable]
    wanted += [closure(catalog, pair) for pair in itertools.combinations(selectable, 2)]
    wanted += [s for s in allowed if not any(s < other for other in allowed)]
    chosen = [s for s in dict.fromkeys(wanted) if s in allowed]
    if pack is not None:
        chosen = [s for s in chosen if pack in s]
    return _with_options(catalog, sorted(chosen, key=lambda s: (len(s), catalog.sort(s))))
