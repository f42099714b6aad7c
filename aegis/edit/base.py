"""Shared vocabulary of the edit primitives: ranks, canonical placement, errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Placement:
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
    ranks = [placement.rank_of(identity) for identity in identities]
    lower = [i for i, rank in enumerate(ranks) if rank is not None and rank < placement.rank]
    if lower:
        return lower[-1] + 1
    for i, rank in enumerate(ranks):
        if rank is not None and rank > placement.rank:
            return i
    return default
