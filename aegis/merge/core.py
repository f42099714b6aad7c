"""The three-way merge of keyed sequences, shared by every format.

A file is a tree of nodes; the children of a node are a sequence in which each child has an
identity (its key). Merging three versions of a sequence decides each key on its own (equal
on both sides, changed by one side, changed the same way, or changed differently: a
conflict), then lays the result out in the order of one side, called the skeleton: the new
version's, unless only the owner reordered what the base had. A child only the other side
has goes after the child that precedes it there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

Prefer = Literal["mine", "theirs"] | None

Item = TypeVar("Item")

DELETED = "(deleted)"


@dataclass(frozen=True)
class NodeConflict:
    """A node both sides changed differently."""

    element: str
    mine: str
    theirs: str


@dataclass(frozen=True)
class Merged:
    """The merged text, and the conflicts met (the text took the preferred side there)."""

    text: str
    conflicts: tuple[NodeConflict, ...]


@dataclass
class Context:
    """What one merge collects: the side conflicts resolve to, and the conflicts."""

    prefer: Prefer
    conflicts: list[NodeConflict] = field(default_factory=list)

    def conflict(self, element: str, mine: str | None, theirs: str | None) -> bool:
        """Record a conflict; True when the text takes the owner's side."""
        self.conflicts.append(NodeConflict(element, _shown(mine), _shown(theirs)))
        return self.prefer != "theirs"


def _shown(text: str | None) -> str:
    if text is None:
        return DELETED
    lines = text.strip("\n").splitlines()
    margin = min((len(x) - len(x.lstrip(" ")) for x in lines if x.strip()), default=0)
    shown = "\n".join(x[margin:] for x in lines)
    return shown if len(shown) <= 2000 else shown[:2000] + "\n..."


def merge_atom(element: str, base: str, mine: str, theirs: str, context: Context) -> str:
    """Three-way merge of an indivisible text."""
    return merge_choice(element, base, mine, theirs, str, context)


def merge_choice(
    element: str,
    base: Item,
    mine: Item,
    theirs: Item,
    text: Callable[[Item], str],
    context: Context,
) -> Item:
    """Three-way merge of an indivisible node, compared by its text."""
    chosen = pick(base, mine, theirs, text)
    if chosen is not None:
        return chosen
    return mine if context.conflict(element, text(mine), text(theirs)) else theirs


def pick(base: Item, mine: Item, theirs: Item, text: Callable[[Item], str]) -> Item | None:
    """The side to take when at most one side changed, or both the same way; else None."""
    if text(mine) == text(theirs) or text(mine) == text(base):
        return theirs
    if text(theirs) == text(base):
        return mine
    return None


def keyed(items: Sequence[Item], key: Callable[[Item], str]) -> dict[str, Item]:
    """The items by key; a repeated key is told apart by its occurrence."""
    seen: dict[str, int] = {}
    result: dict[str, Item] = {}
    for item in items:
        name = key(item)
        count = seen.get(name, 0)
        seen[name] = count + 1
        result[name if count == 0 else f"{name}#{count + 1}"] = item
    return result


@dataclass
class SequenceMerge(Generic[Item]):
    """How the items of one kind of sequence are identified, compared and merged."""

    key: Callable[[Item], str]
    text: Callable[[Item], str]
    label: Callable[[Item], str]
    # Merge of an item both sides changed differently (base, mine, theirs), or None when
    # that item cannot be merged inside (a conflict on the whole item).
    deeper: Callable[[Item, Item, Item, Context], Item | None] | None = None
    # An empty node like the given one: the base of a node both sides added, so that
    # their additions inside it are merged (None: such a node is merged whole).
    empty: Callable[[Item], Item | None] | None = None
    # Items kept in sorted runs (imports): (sort key, whether the item starts a run), or None
    # for an item of no run. An item one side added goes to its sorted place in its run.
    sorted_run: Callable[[Item], tuple[str, bool] | None] | None = None

    def merge(
        self,
        base: Sequence[Item],
        mine: Sequence[Item],
        theirs: Sequence[Item],
        context: Context,
    ) -> tuple[list[Item], bool]:
        """The merged items, and whether the skeleton was the owner's version."""
        b, m, t = keyed(base, self.key), keyed(mine, self.key), keyed(theirs, self.key)
        mine_skeleton = not _reordered(t, b) and _reordered(m, b)
        skeleton, other = (m, t) if mine_skeleton else (t, m)
        texts: dict[int, str] = {}  # an item's text is compared several times: made once

        def text(item: Item | None) -> str | None:
            if item is None:
                return None
            if id(item) not in texts:
                texts[id(item)] = self.text(item)
            return texts[id(item)]

        chosen: dict[str, Item] = {}
        for name in dict.fromkeys([*skeleton, *other, *b]):
            item = self._decide(b.get(name), m.get(name), t.get(name), text, context)
            if item is not None:
                chosen[name] = item
        for name, mine_run, theirs_run in _rewritten(b, m, t):
            mine_text = "".join(text(m[n]) or "" for n in mine_run)
            theirs_text = "".join(text(t[n]) or "" for n in theirs_run)
            keep_mine = context.conflict(self.label(b[name]), mine_text, theirs_text)
            for dropped in theirs_run if keep_mine else mine_run:
                chosen.pop(dropped, None)
        order = _order(list(skeleton), list(other), b, chosen)
        placed = set(order)
        order += [name for name in b if name in chosen and name not in placed]
        # one side's addition, among what the other side added at the same place (sorted
        # imports); nothing the base had moves, so one side's own layout is kept
        added = {name for name in skeleton if name not in b}
        for name in other:
            if name in placed and name not in skeleton and added and self.sorted_run:
                position = order.index(name)
                order.pop(position)
                order.insert(self._in_run(order, chosen, added, position, name), name)
        return [chosen[name] for name in order], mine_skeleton

    def _in_run(
        self, order: list[str], chosen: dict[str, Item], added: set[str], position: int, name: str
    ) -> int:
        """`position` of `name`, an item one side added (not in `order`), moved to its sorted
        place among the items the other side `added` next to it, within their run."""
        assert self.sorted_run is not None
        run = self.sorted_run
        own = run(chosen[name])
        if own is None or own[1]:
            return position  # no run, or the item starts one where it is

        def passes(neighbour: str, later: bool) -> bool:
            place = run(chosen[neighbour])
            if neighbour not in added or place is None or place[1]:
                return False
            return place[0] < own[0] if later else place[0] > own[0]

        while position < len(order) and passes(order[position], True):
            position += 1
        while position > 0 and passes(order[position - 1], False):
            position -= 1
        return position

    def _decide(
        self,
        base: Item | None,
        mine: Item | None,
        theirs: Item | None,
        text: Callable[[Item | None], str | None],
        context: Context,
    ) -> Item | None:
        if text(mine) == text(theirs) or text(mine) == text(base):
            return theirs
        if text(theirs) == text(base):
            return mine
        if base is None and mine is not None and self.empty is not None:
            base = self.empty(mine)
        if base is not None and mine is not None and theirs is not None and self.deeper:
            merged = self.deeper(base, mine, theirs, context)
            if merged is not None:
                return merged
        element = self.label(next(i for i in (mine, theirs, base) if i is not None))
        return mine if context.conflict(element, text(mine), text(theirs)) else theirs


def _rewritten(
    base: Mapping[str, object], mine: Mapping[str, object], theirs: Mapping[str, object]
) -> list[tuple[str, list[str], list[str]]]:
    """Places where both sides removed what the base had and each put something else of its
    own: a node both changed differently (two new versions of a docstring, of a port), not
    two nodes to keep. Each as (the base's first name there, mine's names, theirs')."""
    mine_runs, theirs_runs = _runs(mine, base, theirs), _runs(theirs, base, mine)
    found = []
    seen: set[str | None] = set()
    previous: str | None = None
    for name in base:
        if name in mine or name in theirs:
            previous = name
            continue
        if previous in seen:
            continue
        mine_run, theirs_run = mine_runs.get(previous), theirs_runs.get(previous)
        if mine_run and theirs_run:
            seen.add(previous)
            found.append((name, mine_run, theirs_run))
    return found


def _runs(
    side: Mapping[str, object], base: Mapping[str, object], other: Mapping[str, object]
) -> dict[str | None, list[str]]:
    """The names only `side` has, by the last name before them that the base has too."""
    runs: dict[str | None, list[str]] = {}
    previous: str | None = None
    for name in side:
        if name in base:
            previous = name
        elif name not in other:
            runs.setdefault(previous, []).append(name)
    return runs


def _order(
    skeleton: list[str], other: list[str], base: Mapping[str, object], kept: Mapping[str, object]
) -> list[str]:
    """The `kept` names in the skeleton's order, with those only `other` has each after the
    name before it there (and after what the skeleton's side added at that place too)."""
    in_skeleton = set(skeleton)
    shared = in_skeleton.intersection(other)
    groups: dict[str | None, list[str]] = {}
    anchor: str | None = None
    for name in other:
        if name in in_skeleton:
            anchor = name
        elif name in kept:
            groups.setdefault(anchor, []).append(name)
    order: list[str] = []
    pending = groups.get(None, [])
    for name in skeleton:
        if pending and (name in base or name in shared):
            order += pending
            pending = []
        if name in kept:
            order.append(name)
        pending = pending + groups.get(name, [])
    return order + pending


def _reordered(side: Mapping[str, object], base: Mapping[str, object]) -> bool:
    """Whether `side` changed the order of the keys it shares with `base`."""
    return [n for n in side if n in base] != [n for n in base if n in side]
