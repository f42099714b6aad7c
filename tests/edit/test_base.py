"""Canonical placement: the same set of elements in any insertion order, same result."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aegis.edit.base import AnchorNotFound, EditError, Placement, insertion_index


def insert_all(core: list[str], ranks: dict[str, tuple[int, ...]], order: list[str]) -> list[str]:
    """Insert `order` into `core` one by one, as the primitives do (default: end)."""
    siblings = list(core)
    for name in order:
        placement = Placement(ranks[name], ranks.get)
        siblings.insert(insertion_index(siblings, placement, len(siblings)), name)
    return siblings


def test_rules_in_order() -> None:
    ranks = {"a": (10, 0), "b": (20, 0), "c": (30, 0)}
    placement = Placement(ranks["b"], ranks.get)
    assert insertion_index(["core", "a", "user", "c"], placement, 4) == 2  # after a
    assert insertion_index(["core", "c", "user"], placement, 3) == 1  # before c
    assert insertion_index(["core", "user"], placement, 1) == 1  # default


@given(
    core=st.lists(st.sampled_from(["core1", "core2", "user"]), max_size=3, unique=True),
    rank_list=st.lists(
        st.tuples(st.integers(0, 100), st.integers(0, 5)),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    data=st.data(),
)
def test_any_insertion_order_gives_the_same_sequence(
    core: list[str], rank_list: list[tuple[int, int]], data: st.DataObject
) -> None:
    ranks = {f"p{i}": rank for i, rank in enumerate(rank_list)}
    names = sorted(ranks)
    order = data.draw(st.permutations(names))
    expected = insert_all(core, ranks, names)
    assert insert_all(core, ranks, order) == expected
    # Pack elements sit together after the core ones, sorted by rank.
    assert expected[: len(core)] == core
    assert [ranks[name] for name in expected[len(core) :]] == sorted(ranks[n] for n in names)


def test_anchor_not_found_message_is_the_description() -> None:
    error = AnchorNotFound("the list `HEALTH_CHECKS`")
    assert isinstance(error, EditError)
    assert str(error) == "the list `HEALTH_CHECKS`" and error.what == str(error)


def _insertion_index_by_definition(
    identities: list[str], placement: Placement, default: int
) -> int:
    """The rules as written: after the last sibling ranked lower; else before the first
    ranked higher; else `default`."""
    ranks = [placement.rank_of(identity) for identity in identities]
    lower = [i for i, rank in enumerate(ranks) if rank is not None and rank < placement.rank]
    if lower:
        return lower[-1] + 1
    for i, rank in enumerate(ranks):
        if rank is not None and rank > placement.rank:
            return i
    return default


@given(
    identities=st.lists(st.sampled_from([f"e{i}" for i in range(12)]), max_size=40),
    ranks=st.dictionaries(
        st.sampled_from([f"e{i}" for i in range(12)]),
        st.lists(st.integers(0, 3), max_size=2).map(tuple),  # () too: a rank that is falsy
        max_size=12,
    ),
    rank=st.lists(st.integers(0, 3), max_size=2).map(tuple),
    default=st.integers(0, 40),
)
def test_insertion_index_follows_its_definition(
    identities: list[str], ranks: dict[str, tuple[int, ...]], rank: tuple[int, ...], default: int
) -> None:
    """The index found by picking out the ranked siblings is the rules' index, whether no
    sibling, some or all have a rank (no rank at all: the default, unchanged)."""
    placement = Placement(rank, ranks.get)
    expected = _insertion_index_by_definition(identities, placement, default)
    assert insertion_index(identities, placement, default) == expected
    if not any(identity in ranks for identity in identities):
        assert expected == default
