"""Shared vocabulary of the edit primitives: ranks, canonical placement, errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from itertools import compress, count
from operator import is_not

from aegis.plain import Plain

Rank = tuple[int, ...]


class EditError(Exception):
    """An edit cannot be applied to a document."""


class AnchorNotFound(EditError):
    """The place an edit works on (a list, a class, a table, ...) is missing.

    ``what`` is a readable description such as "the list `HEALTH_CHECKS`"; the
    engine adds the file name (the message is the description alone).
    """

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class Placement(Plain):
    """Where an inserted element belongs among its siblings.

    ``rank`` is the rank of the element being inserted (pack order, index of the
    edit in the pack); ``rank_of`` gives the rank of an existing sibling from its
    identity, or None when no pack owns it (core or user elements never move).
    """

    rank: Rank
    rank_of: Callable[[str], Rank | None]


def insertion_index(identities: Sequence[str], placement: Placement, default: int) -> int:
    """After the last sibling ranked lower; else before the first ranked higher;
    else `default`."""
    ranks = list(map(placement.rank_of, identities))
    # Most siblings of a grown block are the owner's or the core's, without a rank: the
    # ranked ones are picked out without a Python step for each of the others.
    ranked = list(compress(count(), map(partial(is_not, None), ranks)))
    for i in reversed(ranked):
        lower = ranks[i]
        if lower is not None and lower < placement.rank:
            return i + 1
    for i in ranked:
        higher = ranks[i]
        if higher is not None and higher > placement.rank:
            return i
    return default
