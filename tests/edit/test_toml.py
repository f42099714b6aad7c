"""TOML edit primitives on pyproject.toml."""

from __future__ import annotations

import itertools

import pytest
import tomlkit

from aegis.edit import toml
from aegis.edit.base import AnchorNotFound, Placement
from tests.edit.support import placements

PYPROJECT = """[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "my-service"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "fastapi>=0.115",  # the web framework
    # dashboard
    "flet[all]>=1.0",
    "pydantic-settings>=2.4",
    "typer>=0.12",
]

[project.optional-dependencies]
dev = [
    "pytest>=8",
    "ruff",
]

[project.scripts]
my-service = "app.cli.main:app"

[tool.aegis]
version = "0.1.0"
components = []
"""

REQUIREMENTS = ["sqlmodel>=0.0.22", "apscheduler>=3.11,<4", "redis>=5", "arq>=0.28"]
RANKS = {toml.dependency_identity(r): (10 * (i + 1), 0) for i, r in enumerate(REQUIREMENTS)}
placement = placements(RANKS)


def dep_placement(requirement: str) -> Placement:
    return placement(toml.dependency_identity(requirement))


@pytest.mark.parametrize("extra", [None, "dev"])
def test_dependencies_in_any_order_give_the_same_bytes_and_remove_back(extra) -> None:  # noqa: ANN001
    results = set()
    for order in itertools.permutations(REQUIREMENTS):
        doc = tomlkit.parse(PYPROJECT)
        for requirement in order:
            toml.add_dependency(doc, requirement, dep_placement(requirement), extra)
            before = tomlkit.dumps(doc)
            toml.add_dependency(doc, requirement, dep_placement(requirement), extra)
            assert tomlkit.dumps(doc) == before
        results.add(tomlkit.dumps(doc))
        reparsed = tomlkit.parse(tomlkit.dumps(doc))
        for requirement in order:
            toml.remove_dependency(reparsed, requirement, extra)
        assert tomlkit.dumps(reparsed) == PYPROJECT
    assert len(results) == 1
    result = results.pop()
    if extra is None:
        assert (
            '    "typer>=0.12",\n    "sqlmodel>=0.0.22",\n    "apscheduler>=3.11,<4",\n'
            '    "redis>=5",\n    "arq>=0.28",\n]\n' in result
        )
        assert '    "fastapi>=0.115",  # the web framework\n    # dashboard\n' in result
    else:
        assert '    "ruff",\n    "sqlmodel>=0.0.22",\n' in result


def test_existing_entry_of_the_same_name_is_kept_as_written() -> None:
    user = PYPROJECT.replace(
        '    "typer>=0.12",\n', '    "typer>=0.12",\n    "Redis[hiredis] >= 5.2",\n'
    )
    doc = tomlkit.parse(user)
    toml.add_dependency(doc, "redis>=5", dep_placement("redis>=5"))
    assert tomlkit.dumps(doc) == user
    toml.remove_dependency(doc, "redis>=5")
    assert tomlkit.dumps(doc) == user
    # Our own requirement, with other spacing and case, is recognised for removal.
    ours = PYPROJECT.replace('    "typer>=0.12",\n', '    "typer>=0.12",\n    "Redis >=5",\n')
    doc = tomlkit.parse(ours)
    toml.remove_dependency(doc, "redis>=5")
    assert tomlkit.dumps(doc) == PYPROJECT


def test_dependency_identity_normalizes_the_name() -> None:
    assert toml.dependency_identity("Flet_Web[all] >= 1.0 ; python_version >= '3.11'") == "flet-web"


def test_empty_array_round_trip() -> None:
    source = '[project]\nname = "x"\ndependencies = []\n'
    doc = tomlkit.parse(source)
    toml.add_dependency(doc, "redis>=5", dep_placement("redis>=5"))
    assert tomlkit.dumps(doc) == '[project]\nname = "x"\ndependencies = ["redis>=5"]\n'
    toml.remove_dependency(doc, "redis>=5")
    assert tomlkit.dumps(doc) == source


def test_missing_anchors_are_reported() -> None:
    doc = tomlkit.parse("[tool.x]\na = 1\n")
    with pytest.raises(AnchorNotFound, match=r"the table `\[project\]`"):
        toml.add_dependency(doc, "redis", dep_placement("redis"))
    doc = tomlkit.parse(PYPROJECT)
    with pytest.raises(AnchorNotFound, match="`docs` in `\\[project.optional-dependencies\\]`"):
        toml.add_dependency(doc, "redis", dep_placement("redis"), extra="docs")
    with pytest.raises(AnchorNotFound, match=r"`\[project.scripts\]`"):
        toml.add_script(
            tomlkit.parse('[project]\nname = "x"\n'),
            "w",
            "a:b",
            Placement((1,), {}.get),
        )


def test_malformed_toml_raises_the_parser_error() -> None:
    with pytest.raises(tomlkit.exceptions.ParseError):
        tomlkit.parse("[project\n")


SCRIPTS = {
    "my-service-worker": "app.entrypoints.worker:main",
    "my-service-scheduler": "app.entrypoints.scheduler:main",
}
SCRIPT_RANKS = {"my-service-scheduler": (20, 0), "my-service-worker": (40, 0)}


def test_scripts_in_any_order_give_the_same_bytes_and_remove_back() -> None:
    place = placements(SCRIPT_RANKS)
    results = set()
    for order in itertools.permutations(SCRIPTS):
        doc = tomlkit.parse(PYPROJECT)
        for name in order:
            toml.add_script(doc, name, SCRIPTS[name], place(name))
            before = tomlkit.dumps(doc)
            toml.add_script(doc, name, "other:target", place(name))
            assert tomlkit.dumps(doc) == before
        results.add(tomlkit.dumps(doc))
        reparsed = tomlkit.parse(tomlkit.dumps(doc))
        for name in order:
            toml.remove_script(reparsed, name, SCRIPTS[name])
        assert tomlkit.dumps(reparsed) == PYPROJECT
    assert results == {
        PYPROJECT.replace(
            'my-service = "app.cli.main:app"\n',
            'my-service = "app.cli.main:app"\n'
            'my-service-scheduler = "app.entrypoints.scheduler:main"\n'
            'my-service-worker = "app.entrypoints.worker:main"\n',
        )
    }


def test_script_before_a_higher_ranked_one_and_user_target_kept() -> None:
    place = placements(SCRIPT_RANKS)
    doc = tomlkit.parse(PYPROJECT)
    toml.add_script(
        doc,
        "my-service-worker",
        SCRIPTS["my-service-worker"],
        place("my-service-worker"),
    )
    toml.add_script(doc, "my-service-scheduler", "x:y", place("my-service-scheduler"))
    scripts = tomlkit.dumps(doc).split("[project.scripts]\n")[1].split("\n\n")[0]
    assert [line.split(" = ")[0] for line in scripts.splitlines()] == [
        "my-service",
        "my-service-scheduler",
        "my-service-worker",
    ]
    assert doc["project"]["scripts"]["my-service-scheduler"] == "x:y"
    changed = tomlkit.dumps(doc).replace("x:y", "mine:main")
    doc = tomlkit.parse(changed)
    toml.remove_script(doc, "my-service-scheduler", "x:y")
    assert tomlkit.dumps(doc) == changed


@pytest.mark.parametrize(
    "array",
    [
        '[\n    "typer>=0.12",  # cli\n]',
        '["typer", "rich"]',
        '[\n    "typer>=0.12"\n]',
        '[\n    "typer>=0.12",\n    # more to come\n]',
        '[\n    "rich",\n    "typer>=0.12"  # cli\n]',
    ],
)
def test_array_layouts_written_by_hand(array: str) -> None:
    source = f'[project]\nname = "x"\ndependencies = {array}\n'
    for requirement, rank in [("redis>=5", (30, 0)), ("aaa", (1, 0))]:
        doc = tomlkit.parse(source)
        toml.add_dependency(doc, requirement, Placement(rank, {}.get))
        added = tomlkit.dumps(doc)
        assert tomlkit.parse(added)["project"]["dependencies"][-1] == requirement
        if "\n" in array:
            assert f'\n    "{requirement}"' in added  # one entry per line
        doc = tomlkit.parse(added)
        toml.remove_dependency(doc, requirement)
        assert tomlkit.dumps(doc) == source
