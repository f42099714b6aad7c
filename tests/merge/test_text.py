"""Three-way merge of plain text files, line by line, never with conflict markers."""

from __future__ import annotations

from aegis.merge import NodeConflict, merge3

MAKEFILE = "install:\n\tuv sync\n\ntest:\n\tpytest\n\nlint:\n\truff check .\n"


def test_changes_in_different_places_both_land() -> None:
    mine = MAKEFILE.replace("\tpytest\n", "\tpytest -x\n")
    theirs = MAKEFILE.replace("\truff check .\n", "\truff check .\n\truff format --check .\n")
    result = merge3("Makefile", MAKEFILE, mine, theirs)
    assert result == merge3("Makefile", MAKEFILE, mine, theirs, prefer="theirs")
    assert result.conflicts == ()
    assert result.text == mine.replace(
        "\truff check .\n", "\truff check .\n\truff format --check .\n"
    )


def test_overlapping_changes_name_the_lines_and_leave_no_markers() -> None:
    mine = MAKEFILE.replace("\tpytest\n", "\tpytest -x\n")
    theirs = MAKEFILE.replace("\tpytest\n", "\tpytest -q\n")
    result = merge3("Makefile", MAKEFILE, mine, theirs)
    assert result.conflicts == (NodeConflict("line 5", "\tpytest -x", "\tpytest -q"),)
    assert result.text == mine
    assert merge3("Makefile", MAKEFILE, mine, theirs, prefer="theirs").text == theirs
    assert "<<<<<<<" not in result.text and "=======" not in result.text
