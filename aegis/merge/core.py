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
        chosen: dict[str, Item] = {}
        for name in dict.fromkeys([*skeleton, *other, *b]):
            item = self._decide(b.get(name), m.get(name), t.get(name), context)
            if item is not None:
                chosen[name] = item
        order = [name for name in skeleton if name in chosen]
        for index, name in enumerate(other):
            if name not in chosen or name in order:
                continue
            before = [n for n in list(other)[:index] if n in order]
            position = order.index(before[-1]) + 1 if before else 0
            # after what the skeleton's side added there too: its additions come first
            while position < len(order) and order[position] not in b:
                if order[position] in other:
                    break
                position += 1
            order.insert(self._in_run(order, chosen, position, chosen[name]), name)
        for name in b:  # kept by a conflict, on neither side's list any more
            if name in chosen and name not in order:
                order.append(name)
        return [chosen[name] for name in order], mine_skeleton

    def _in_run(self, order: list[str], chosen: dict[str, Item], position: int, item: Item) -> int:
        """`position`, moved to the item's sorted place in the run of sorted items there."""
        run = self.sorted_run
        mine = run(item) if run is not None else None
        if run is None or mine is None or mine[1]:
            return position  # no run, or the item starts one where it is
        while position < len(order):
            after = run(chosen[order[position]])
            if after is None or after[1] or after[0] >= mine[0]:
                break
            position += 1
        while position > 0:
            before = run(chosen[order[position - 1]])
            if before is None or before[0] <= mine[0] or before[1]:
                break
            position -= 1
        return position

    def _decide(
        self, base: Item | None, mine: Item | None, theirs: Item | None, context: Context
    ) -> Item | None:
        text = self._text
        if text(mine) == text(theirs) or text(mine) == text(base):
            return theirs
        if text(theirs) == text(base):
            return mine
        if base is not None and mine is not None and theirs is not None and self.deeper:
            merged = self.deeper(base, mine, theirs, context)
            if merged is not None:
                return merged
        element = self.label(next(i for i in (mine, theirs, base) if i is not None))
        return mine if context.conflict(element, text(mine), text(theirs)) else theirs

    def _text(self, item: Item | None) -> str | None:
        return None if item is None else self.text(item)


def _reordered(side: Mapping[str, object], base: Mapping[str, object]) -> bool:
    """Whether `side` changed the order of the keys it shares with `base`."""
    return [n for n in side if n in base] != [n for n in base if n in side]
