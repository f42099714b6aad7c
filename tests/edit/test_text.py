"""Managed text blocks (.env.example, Makefile, README.md)."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aegis.edit import text
from aegis.edit.base import EditError, Placement
from tests.edit.support import placements

ENV = "# Application\nAPP_NAME=my-service\nLOG_LEVEL=info\n"
README = "# My Service\n\nA service.\n\n## Components\n"
BLOCKS = {
    "database": "DATABASE_URL=sqlite:///./data/app.db",
    "redis": "# Redis\nREDIS_URL=redis://localhost:6379/0\n",
    "worker": "WORKER_CONCURRENCY=10",
}
placement = placements({"database": (10, 0), "redis": (30, 0), "worker": (40, 0)})


@pytest.mark.parametrize(("source", "style"), [(ENV, "hash"), (README, "html"), ("", "hash")])
def test_blocks_in_any_order_give_the_same_bytes_and_remove_back(source: str, style: str) -> None:
    results = set()
    for order in itertools.permutations(BLOCKS):
        result = source
        for key in order:
            result = text.add_block(result, key, BLOCKS[key], placement(key), style)
            assert text.add_block(result, key, "changed", placement(key), style) == result
        results.add(result)
        for removal in (order, order[::-1]):
            back = result
            for key in removal:
                back = text.remove_block(back, key, style)
            assert back == source
    assert len(results) == 1
    expected_blocks = "\n".join(text.block_text(key, BLOCKS[key], style) for key in BLOCKS)
    assert results.pop() == (source + "\n" if source else "") + expected_blocks


def test_block_markers() -> None:
    assert (
        text.block_text("redis", "A=1\n", "hash") == "# aegis:begin redis\nA=1\n# aegis:end redis\n"
    )
    assert text.block_text("redis", "Hi", "html") == (
        "<!-- aegis:begin redis -->\nHi\n<!-- aegis:end redis -->\n"
    )


def test_user_content_around_blocks_is_kept() -> None:
    source = text.add_block(ENV, "database", BLOCKS["database"], placement("database"))
    source += "\n# mine\nSECRET_KEY=change-me\n"
    result = text.add_block(source, "redis", BLOCKS["redis"], placement("redis"))
    assert "# aegis:end database\n\n# aegis:begin redis\n# Redis\n" in result
    assert result.endswith("# aegis:end redis\n\n# mine\nSECRET_KEY=change-me\n")
    assert text.remove_block(result, "redis") == source
    # A block with no ranked neighbour goes at the end, after one blank line.
    unranked = text.add_block(source, "other", "X=1", Placement((99,), lambda _: None))
    assert unranked == source + "\n# aegis:begin other\nX=1\n# aegis:end other\n"
    assert text.remove_block(unranked, "other") == source


def test_user_edits_inside_a_block_do_not_duplicate_it() -> None:
    result = text.add_block(ENV, "redis", BLOCKS["redis"], placement("redis"))
    edited = result.replace("localhost", "cache.internal")
    assert text.add_block(edited, "redis", BLOCKS["redis"], placement("redis")) == edited
    assert text.remove_block(edited, "redis") == ENV


@pytest.mark.parametrize("source", ["A=1", "A=1\n\n\n", "\n", "A=1\n\n"])
def test_the_end_of_a_file_comes_back_exactly(source: str) -> None:
    """No final newline, or several: add then remove (in any order) gives the bytes back."""
    once = text.add_block(source, "redis", "B=2", placement("redis"))
    assert "\n# aegis:begin redis\nB=2\n# aegis:end redis" in once
    assert once.endswith("\n") == source.endswith("\n")
    assert text.remove_block(once, "redis") == source
    both = text.add_block(once, "worker", "C=3", placement("worker"))
    other_way = text.add_block(
        text.add_block(source, "worker", "C=3", placement("worker")),
        "redis",
        "B=2",
        placement("redis"),
    )
    assert both == other_way
    for first, second in (("redis", "worker"), ("worker", "redis")):
        assert text.remove_block(text.remove_block(both, first), second) == source


def test_unterminated_block_is_an_error() -> None:
    with pytest.raises(EditError, match="`redis` has no end marker"):
        text.add_block("# aegis:begin redis\nA=1\n", "x", "B=2", placement("redis"))


# -- generated secrets ------------------------------------------------------------------

SECRET_LINES = "# aegis:secret SECRET_KEY (random; .env is git-ignored, never commit it)\n"


@pytest.mark.parametrize("source", ["", "\n", "DEBUG=true\n", "# mine\nA=1\n\nB=2\n"])
def test_a_secret_is_added_once_and_removed_exactly(source: str) -> None:
    added = text.add_secret(source, "SECRET_KEY", "s3cr3t")
    assert added.endswith(SECRET_LINES + "SECRET_KEY=s3cr3t\n")
    assert text.add_secret(added, "SECRET_KEY", "other") == added
    assert text.remove_secret(added, "SECRET_KEY") == (source if source.strip() else "")
    assert text.remove_secret(source, "SECRET_KEY") == source


@pytest.mark.parametrize(
    "owner", ["SECRET_KEY=mine\n", "export SECRET_KEY=mine\n", "X=1\n  SECRET_KEY = mine\n"]
)
def test_the_owners_value_is_never_replaced_nor_removed(owner: str) -> None:
    assert text.add_secret(owner, "SECRET_KEY", "new") == owner
    assert text.remove_secret(owner, "SECRET_KEY") == owner
    assert text.add_secret(owner, "OTHER_KEY", "v").startswith(owner)


def test_the_generated_line_is_removed_even_after_its_value_changed() -> None:
    added = text.add_secret("A=1\n", "SECRET_KEY", "first")
    rotated = added.replace("SECRET_KEY=first", "SECRET_KEY=rotated") + "\nB=2\n"
    assert text.remove_secret(rotated, "SECRET_KEY") == "A=1\n\nB=2\n"


@pytest.mark.parametrize("nbytes", [1, 2, 3, 16, 32, 33])
def test_a_random_token_is_made_as_secrets_makes_it(nbytes: int) -> None:
    """The same random bytes give the token `secrets.token_urlsafe` gives."""
    import os
    import secrets

    source = bytes(range(7, 7 + nbytes))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "urandom", lambda n: source[:n])
        patch.setattr(secrets, "token_bytes", lambda n: source[:n])
        assert text.random_token(nbytes) == secrets.token_urlsafe(nbytes)
    assert text.random_token(32) != text.random_token(32)


def test_two_secrets_come_and_go_independently() -> None:
    both = text.add_secret(text.add_secret("A=1\n", "ONE", "1"), "TWO", "2")
    assert text.remove_secret(text.remove_secret(both, "ONE"), "TWO") == "A=1\n"
    assert text.remove_secret(text.remove_secret(both, "TWO"), "ONE") == "A=1\n"


LAYOUT = (
    "# My Service\n\n## Layout\n\n- `app/`: the code\n\n<!-- aegis:region layout -->\n\n"
    "More text.\n\n## Components\n\n<!-- aegis:begin redis -->\nRedis\n<!-- aegis:end redis -->\n"
)
region_placement = placements(
    {"layout:database": (10, 1), "layout:worker": (40, 1), "database": (10, 0), "redis": (30, 0)}
)


def test_region_blocks_go_at_their_marker_in_any_order_and_remove_back() -> None:
    """Blocks of a region are ordered among themselves before its marker; the blocks of
    no region stay at the end and keep their own order."""
    keys = ("layout:database", "layout:worker", "database")
    results = set()
    for order in itertools.permutations(keys):
        result = LAYOUT
        for key in order:
            region = "layout" if key.startswith("layout:") else ""
            result = text.add_block(result, key, f"- {key}", region_placement(key), "html", region)
        results.add(result)
        for removal in (order, order[::-1]):
            back = result
            for key in removal:
                back = text.remove_block(back, key, "html")
            assert back == LAYOUT
    assert results == {
        LAYOUT.replace(
            "<!-- aegis:region layout -->",
            text.block_text("layout:database", "- layout:database", "html")
            + "\n"
            + text.block_text("layout:worker", "- layout:worker", "html")
            + "\n<!-- aegis:region layout -->",
        ).replace(
            "<!-- aegis:begin redis -->",
            text.block_text("database", "- database", "html") + "\n<!-- aegis:begin redis -->",
        )
    }


def test_a_region_without_its_marker_is_a_missing_anchor() -> None:
    from aegis.edit.base import AnchorNotFound

    with pytest.raises(AnchorNotFound, match="aegis:region layout"):
        text.add_block(
            README, "layout:database", "- x", region_placement("layout:database"), "html", "layout"
        )


END = "# aegis:end redis"


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from([END, "# aegis:end redis2", "x", " ", "\t", "\n", "\r", "#"])).map(
        "".join
    ),
    st.integers(0, 12),
)
def test_the_end_marker_is_found_where_the_line_pattern_finds_it(source: str, start: int) -> None:
    pattern = re.compile(rf"^{re.escape(END)}[ \t]*(\n|\Z)", re.M)
    found = pattern.search(source, start)
    assert text._line_end_after(source, END, start) == (found.end() if found else None)
