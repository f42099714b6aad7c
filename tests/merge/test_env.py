"""Three-way merge of dotenv files: variables by name, managed blocks by their marker key."""

from __future__ import annotations

import pytest

from aegis.merge import Merged, NodeConflict, merge3
from aegis.merge.env import Unsupported, parse

EXAMPLE = """# Copy to .env and adjust.
APP_NAME="Demo"
LOG_LEVEL=INFO

# Dashboard refresh interval (seconds)
DASHBOARD_REFRESH_SECONDS=5.0

# aegis:begin database
# Database URL for local runs
DATABASE_URL=sqlite:///data/app.db
# aegis:end database

# aegis:begin redis
REDIS_URL=redis://localhost:6379/0
# aegis:end redis
"""

# What a newer Aegis makes of it: the blocks in another order, one rewritten, one added.
NEWER = """# Copy to .env and adjust.
APP_NAME="Demo"
LOG_LEVEL=INFO

# Largest request body accepted (bytes)
MAX_REQUEST_BODY_BYTES=1048576

# Dashboard refresh interval (seconds)
DASHBOARD_REFRESH_SECONDS=5.0

# aegis:begin redis
# Redis
# URL of the Redis server.
REDIS_URL=redis://localhost:6379/0
# aegis:end redis

# aegis:begin cache
CACHE_PREFIX=cache:
# aegis:end cache

# aegis:begin database
# Database URL for local runs
DATABASE_URL=sqlite:///data/app.db
# aegis:end database
"""


def merged(base: str, mine: str, theirs: str, path: str = ".env.example") -> str:
    assert len({base, mine, theirs}) == 3, "each side changes the base its own way"
    result = merge3(path, base, mine, theirs)
    assert result.conflicts == (), result.conflicts
    parse(result.text)
    return result.text


def test_a_variable_appended_by_the_owner_survives_moved_blocks() -> None:
    mine = EXAMPLE + "\nBETA_FEATURES=false\n"
    text = merged(EXAMPLE, mine, NEWER)
    assert text.replace("\nBETA_FEATURES=false\n", "", 1) == NEWER
    # after the node it followed in the owner's file: the end of the `redis` block
    assert text.index("BETA_FEATURES") > text.index("# aegis:end redis")


def test_a_changed_value_merges_with_a_rewritten_block_around_it() -> None:
    mine = EXAMPLE.replace("redis://localhost:6379/0", "redis://cache.internal:6379/1")
    text = merged(EXAMPLE, mine, NEWER)
    assert text == NEWER.replace("redis://localhost:6379/0", "redis://cache.internal:6379/1")


def test_a_variable_added_inside_a_block_stays_in_it() -> None:
    mine = EXAMPLE.replace(
        "DATABASE_URL=sqlite:///data/app.db\n",
        "DATABASE_URL=sqlite:///data/app.db\n# ours\nDATABASE_ECHO=true\n",
    )
    text = merged(EXAMPLE, mine, NEWER)
    assert text == NEWER.replace(
        "DATABASE_URL=sqlite:///data/app.db\n",
        "DATABASE_URL=sqlite:///data/app.db\n# ours\nDATABASE_ECHO=true\n",
    )


def test_the_owners_comment_and_the_new_value_of_one_variable_both_land() -> None:
    mine = EXAMPLE.replace("LOG_LEVEL=INFO\n", "# ours: DEBUG in staging\nLOG_LEVEL=INFO\n")
    theirs = NEWER.replace("LOG_LEVEL=INFO", "LOG_LEVEL=WARNING")
    text = merged(EXAMPLE, mine, theirs)
    assert text == theirs.replace(
        "LOG_LEVEL=WARNING\n", "# ours: DEBUG in staging\nLOG_LEVEL=WARNING\n"
    )


def test_the_same_variable_changed_differently_is_a_conflict_named_by_its_key() -> None:
    mine = EXAMPLE.replace("LOG_LEVEL=INFO", "LOG_LEVEL=DEBUG")
    theirs = NEWER.replace("LOG_LEVEL=INFO", "LOG_LEVEL=WARNING")
    result = merge3(".env.example", EXAMPLE, mine, theirs)
    assert result.conflicts == (NodeConflict("LOG_LEVEL", "LOG_LEVEL=DEBUG", "LOG_LEVEL=WARNING"),)
    assert result.text == theirs.replace("LOG_LEVEL=WARNING", "LOG_LEVEL=DEBUG")
    taken = merge3(".env.example", EXAMPLE, mine, theirs, prefer="theirs")
    assert taken.text == theirs
    assert "<<<<<<<" not in result.text


def test_a_value_inside_a_block_both_changed_is_a_conflict_of_that_variable() -> None:
    mine = EXAMPLE.replace("sqlite:///data/app.db", "sqlite:///data/ours.db")
    theirs = NEWER.replace("sqlite:///data/app.db", "sqlite:///data/new.db")
    result = merge3(".env", EXAMPLE, mine, theirs)
    assert [conflict.element for conflict in result.conflicts] == ["DATABASE_URL"]


def test_a_block_the_owner_removed_and_the_new_version_kept_stays_removed() -> None:
    start = EXAMPLE.index("# aegis:begin redis")
    mine = EXAMPLE[: start - 1]  # the blank line above the block goes with it
    theirs = EXAMPLE.replace("LOG_LEVEL=INFO\n", "LOG_LEVEL=INFO\nDEBUG=false\n")
    assert merged(EXAMPLE, mine, theirs) == mine.replace(
        "LOG_LEVEL=INFO\n", "LOG_LEVEL=INFO\nDEBUG=false\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        EXAMPLE,
        NEWER,
        "",
        "# only a comment\n",
        "export A=1\nB = 2\n# trailing\n",
        "A=1",  # no newline at the end
    ],
)
def test_nothing_changed_and_one_side_changed_give_that_text_back(text: str) -> None:
    for path in (".env", ".env.example"):
        assert merge3(path, text, text, text) == Merged(text, ())
        changed = text + "OWNER=1\n"
        assert merge3(path, text, changed, text) == Merged(changed, ())
        assert merge3(path, text, text, changed) == Merged(changed, ())
        assert merge3(path, text, changed, changed) == Merged(changed, ())


def test_the_cut_gives_back_the_text_byte_for_byte() -> None:
    for text in (EXAMPLE, NEWER, "export A=1\n\n\n# end\n", "A=1"):
        assert parse(text).text == text


@pytest.mark.parametrize(
    "text",
    [
        'A="two\nlines"\n',
        "# aegis:begin x\nA=1\n",
        "A=1\n# aegis:end x\n",
        "# aegis:begin x\n# aegis:begin y\n# aegis:end y\n# aegis:end x\n",
    ],
)
def test_what_the_cut_does_not_follow_is_merged_line_by_line(text: str) -> None:
    with pytest.raises(Unsupported):
        parse(text)
    mine = "OWNER=1\n" + text
    theirs = text + "NEW=1\n"
    result = merge3(".env", text, mine, theirs)
    assert result == Merged("OWNER=1\n" + text + "NEW=1\n", ())
