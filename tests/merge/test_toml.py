"""Three-way merge of TOML: tables, keys, and array items (dependencies by name)."""

from __future__ import annotations

import tomlkit

from aegis.merge import NodeConflict, merge3

PYPROJECT = """[project]
name = "demo-svc"
version = "0.1.0"
# runtime dependencies
dependencies = [
    "fastapi>=0.115",
    "redis>=5",  # the cache
    "typer>=0.12",
]

[tool.ruff]
line-length = 88

[tool.aegis]
components = ["redis"]
"""


def merged(base: str, mine: str, theirs: str) -> str:
    assert len({base, mine, theirs}) == 3, "each side changes the base its own way"
    result = merge3("pyproject.toml", base, mine, theirs)
    assert result.conflicts == ()
    tomlkit.parse(result.text)
    return result.text


def test_version_bump_and_owner_dependency_both_survive() -> None:
    mine = PYPROJECT.replace('    "typer>=0.12",\n', '    "typer>=0.12",\n    "httpx>=0.27",\n')
    theirs = PYPROJECT.replace('"fastapi>=0.115"', '"fastapi>=0.120"')
    assert merged(PYPROJECT, mine, theirs) == mine.replace('"fastapi>=0.115"', '"fastapi>=0.120"')


def test_dependency_identified_by_name_not_text() -> None:
    mine = PYPROJECT.replace('"redis>=5",  # the cache', '"redis[hiredis]>=5",  # the cache')
    theirs = PYPROJECT.replace('    "typer>=0.12",\n', "")
    assert merged(PYPROJECT, mine, theirs) == mine.replace('    "typer>=0.12",\n', "")


def test_both_bumped_the_same_dependency_differently() -> None:
    mine = PYPROJECT.replace('"fastapi>=0.115"', '"fastapi>=0.118"')
    theirs = PYPROJECT.replace('"fastapi>=0.115"', '"fastapi>=0.120"')
    result = merge3("pyproject.toml", PYPROJECT, mine, theirs)
    assert result.conflicts == (
        NodeConflict("[project] dependencies: fastapi", '"fastapi>=0.118",', '"fastapi>=0.120",'),
    )
    assert result.text == mine
    assert merge3("pyproject.toml", PYPROJECT, mine, theirs, prefer="theirs").text == theirs


def test_keys_and_tables_of_both_sides() -> None:
    mine = PYPROJECT.replace("line-length = 88\n", "line-length = 100\n") + (
        "\n[tool.mypy]\nstrict = true\n"
    )
    theirs = PYPROJECT.replace('version = "0.1.0"', 'version = "0.2.0"').replace(
        'components = ["redis"]', 'components = ["redis", "worker"]'
    )
    assert merged(PYPROJECT, mine, theirs) == theirs.replace(
        "line-length = 88\n", "line-length = 100\n"
    ) + ("\n[tool.mypy]\nstrict = true\n")


def test_comments_of_untouched_parts_stay() -> None:
    mine = PYPROJECT.replace("# runtime dependencies", "# what the service needs")
    theirs = PYPROJECT.replace('"redis>=5",  # the cache', '"redis>=6",  # the cache')
    text = merged(PYPROJECT, mine, theirs)
    assert "# what the service needs\n" in text and '"redis>=6",  # the cache' in text


def test_an_item_without_comma_gets_one_when_another_follows() -> None:
    base = 'x = [\n    "a",\n    "b"\n]\n'
    mine = 'x = [\n    "a",\n    "b",\n    "c"\n]\n'
    theirs = 'x = [\n    "z",\n    "a",\n    "b"\n]\n'
    assert merged(base, mine, theirs) == 'x = [\n    "z",\n    "a",\n    "b",\n    "c"\n]\n'


def test_same_key_set_differently_is_a_conflict() -> None:
    mine = PYPROJECT.replace("line-length = 88", "line-length = 100")
    theirs = PYPROJECT.replace("line-length = 88", "line-length = 120")
    result = merge3("pyproject.toml", PYPROJECT, mine, theirs)
    assert result.conflicts == (
        NodeConflict("[tool.ruff] line-length", "line-length = 100", "line-length = 120"),
    )


def test_invalid_toml_is_a_conflict_on_the_whole_file() -> None:
    result = merge3("pyproject.toml", PYPROJECT, PYPROJECT + "[broken\n", PYPROJECT + "a = 1\n")
    assert [c.element for c in result.conflicts] == ["the whole file"]
    assert "<<<<<<<" not in result.text


def test_one_line_arrays_are_merged_by_item() -> None:
    base = '[tool.ruff.lint]\nselect = ["E", "F", "I"]  # the rules\n'
    mine = base.replace('"I"]', '"I", "B"]')
    theirs = base.replace('"E", ', "")
    assert merged(base, mine, theirs) == '[tool.ruff.lint]\nselect = ["F", "I", "B"]  # the rules\n'


def test_one_line_dependency_arrays_are_identified_by_name() -> None:
    base = '[project]\ndependencies = ["fastapi>=0.115", "redis>=5"]\n'
    mine = '[project]\ndependencies = ["fastapi>=0.115", "redis>=5", "httpx"]\n'
    theirs = '[project]\ndependencies = ["fastapi>=0.120", "redis>=5"]\n'
    expected = '[project]\ndependencies = ["fastapi>=0.120", "redis>=5", "httpx"]\n'
    assert merged(base, mine, theirs) == expected


def test_an_empty_array_both_sides_filled() -> None:
    base = "[tool.aegis]\ncomponents = []\n"
    mine = '[tool.aegis]\ncomponents = ["redis"]\n'
    theirs = '[tool.aegis]\ncomponents = ["worker"]\n'
    assert merged(base, mine, theirs) == '[tool.aegis]\ncomponents = ["worker", "redis"]\n'


def test_arrays_of_tables_are_told_apart_by_position() -> None:
    base = '[[tool.mypy.overrides]]\nmodule = "a"\n\n[[tool.mypy.overrides]]\nmodule = "b"\n'
    mine = base.replace('module = "b"\n', 'module = "b"\nstrict = false\n')
    theirs = base.replace('module = "a"', 'module = "a.*"')
    assert merged(base, mine, theirs) == theirs.replace(
        'module = "b"\n', 'module = "b"\nstrict = false\n'
    )


def test_a_table_both_sides_added_is_merged_key_by_key() -> None:
    mine = PYPROJECT + '\n[tool.mypy]\nstrict = true\nplugins = ["pydantic.mypy"]\n'
    theirs = PYPROJECT + '\n[tool.mypy]\nstrict = true\nfiles = ["app"]\n'
    assert merged(PYPROJECT, mine, theirs) == theirs + 'plugins = ["pydantic.mypy"]\n'
    clash = PYPROJECT + "\n[tool.mypy]\nstrict = false\n"
    result = merge3("pyproject.toml", PYPROJECT, clash, theirs)
    assert [c.element for c in result.conflicts] == ["[tool.mypy] strict"]


def test_a_file_without_its_last_newline() -> None:
    assert merged("a = 1", "a = 1\nb = 2", "a = 3") == "a = 3\nb = 2"
    assert merged("a = 1", "a = 1\nb = 2\n", "a = 3") == "a = 3\nb = 2\n"
