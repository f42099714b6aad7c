"""From what the user asked for to an ordered plan: requires, conflicts, integrations."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from aegis.catalog import Catalog
from aegis.errors import ConflictingComponents, DependentsPresent, UnknownComponent
from aegis.pack import Pack
from aegis.plain import Plain, field


class Plan(Plain, frozen=False):
    """Packs to apply (or revert) in this order, and why each one is there."""

    packs: list[Pack]
    # add: name -> the pack that requires it; remove: name -> the pack it requires
    implied: dict[str, str] = field(default_factory=dict)
    already_present: list[str] = field(default_factory=list)
    removing: bool = False

    @property
    def names(self) -> list[str]:
        return [pack.name for pack in self.packs]


def active_integrations(catalog: Catalog, components: Collection[str]) -> list[str]:
    return [p.name for p in catalog.integrations if set(p.integrates) <= set(components)]


def plan_add(catalog: Catalog, present: Collection[str], requested: Iterable[str]) -> Plan:
    """Everything `requested` needs that is not `present`, integrations included."""
    requested = list(dict.fromkeys(requested))
    for name in requested:
        catalog.get(name)
    implied: dict[str, str] = {}
    wanted: list[str] = []
    pending = list(requested)
    while pending:
        name = pending.pop(0)
        if name in wanted:
            continue
        wanted.append(name)
        for required in catalog[name].requires:
            if required not in wanted and required not in requested:
                implied.setdefault(required, name)
            pending.append(required)
    new = [name for name in wanted if name not in present]
    after = set(present) | set(new)
    for name in new:
        for other in sorted(after - {name}):
            if other in catalog[name].conflicts or name in catalog[other].conflicts:
                raise ConflictingComponents(f"`{name}` cannot be used together with `{other}`.")
    integrations = [
        name
        for name in active_integrations(catalog, after)
        if name not in active_integrations(catalog, present)
    ]
    ordered = catalog.sort([*new, *integrations])
    return Plan(
        packs=[catalog[name] for name in ordered],
        implied={name: by for name, by in implied.items() if name in new},
        already_present=[name for name in requested if name in present],
    )


def plan_remove(
    catalog: Catalog,
    present: Collection[str],
    requested: Iterable[str],
    with_dependents: bool = False,
) -> Plan:
    """What to revert, in reverse canonical order; dependents refused unless asked for."""
    requested = list(dict.fromkeys(requested))
    for name in requested:
        catalog.get(name)
        if name not in present:
            raise UnknownComponent(f"`{name}` is not in this project, so it cannot be removed.")
    removing = set(requested)
    implied: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for name in catalog.sort(present):
            if name in removing:
                continue
            needs = removing.intersection(catalog[name].requires)
            if needs:
                if not with_dependents:
                    raise DependentsPresent(
                        f"`{name}` requires `{sorted(needs)[0]}`. Remove `{name}` first, "
                        "or pass --with-dependents to remove both."
                    )
                implied[name] = sorted(needs)[0]
                removing.add(name)
                changed = True
    remaining = set(present) - removing
    integrations = [
        name
        for name in active_integrations(catalog, present)
        if name not in active_integrations(catalog, remaining)
    ]
    ordered = catalog.sort([*removing, *integrations])
    return Plan(packs=[catalog[name] for name in reversed(ordered)], implied=implied, removing=True)
