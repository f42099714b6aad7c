"""Laws of the merge, over the files Aegis really generates (the core project's version of a
file as the base, the version with every component as the new one, random owner edits)."""

from __future__ import annotations

import ast
import functools
import tempfile
from pathlib import Path

import libcst as cst
import pytest
import tomlkit
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from aegis.merge import Merged, merge3, merge_nodes
from aegis.merge.core import Context
from aegis.merge.python import statement_key
from tests.aegis_helpers import allowed_sets, init

Versions = tuple[str, str, str]  # path, the core's version (else the full one), the full one

_OWNER_LINES = {
    ".py": ["OWNER_SETTING = 1\n", "# the owner's note\n", "import owner_module\n"],
    ".toml": ["owner_key = 1\n", "# the owner's note\n", "[tool.owner]\n"],
    ".yml": ["owner: 1\n", "# the owner's note\n", "  owner_nested: true\n"],
    ".yaml": ["owner: 1\n", "# the owner's note\n", "  - owner-item\n"],
}


@functools.cache
def _generated() -> tuple[Versions, ...]:
    with tempfile.TemporaryDirectory(prefix="aegis-merge-") as parent:
        full = init(Path(parent) / "full", sorted(max(allowed_sets(), key=len)))
        core = init(Path(parent) / "core", [])
        files = []
        for file in sorted(full.rglob("*")):
            if not file.is_file():
                continue
            path = str(file.relative_to(full))
            before = core / path
            new = file.read_text()
            files.append((path, before.read_text() if before.exists() else new, new))
    return tuple(files)


def _suffix(path: str) -> str:
    return Path(path).suffix


@st.composite
def edited(draw: st.DrawFn, text: str, path: str) -> str:
    """`text` after a few edits of whole lines, such as an owner makes."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines)))
        kind = draw(st.sampled_from(["insert", "delete", "copy", "change"]))
        if kind == "insert" or not lines:
            owner = _OWNER_LINES.get(_suffix(path), ["the owner's line\n"])
            lines.insert(at, draw(st.sampled_from(owner)))
        elif kind == "delete":
            del lines[min(at, len(lines) - 1)]
        elif kind == "copy":
            lines.insert(at, draw(st.sampled_from(lines)))
        else:
            index = min(at, len(lines) - 1)
            lines[index] = lines[index].replace("1", "2").replace("a", "o")
    return "".join(lines)


def _parses(path: str, text: str) -> bool:
    try:
        merge_nodes(path, text, text, text, Context(None))
    except Exception:
        return False
    return True


def _valid(path: str, text: str) -> None:
    """The text is valid in its file's format."""
    suffix = _suffix(path)
    if suffix == ".py":
        ast.parse(text)
    elif suffix == ".toml":
        tomlkit.parse(text)
    elif suffix in (".yml", ".yaml"):
        list(YAML().load_all(text))


LAWS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@LAWS
@given(data=st.data())
def test_trivial_laws_hold_byte_for_byte(data: st.DataObject) -> None:
    generated = _generated()
    path, base, theirs = data.draw(st.sampled_from(generated))
    mine = data.draw(edited(base, path))
    assert merge3(path, base, base, theirs) == Merged(theirs, ())
    assert merge3(path, base, mine, base) == Merged(mine, ())
    assert merge3(path, base, mine, mine) == Merged(mine, ())
    assert merge3(path, base, theirs, theirs, prefer="theirs") == Merged(theirs, ())


@LAWS
@given(data=st.data())
def test_the_node_merge_itself_keeps_the_laws(data: st.DataObject) -> None:
    """Without the shortcuts of `merge3`: cutting a file into nodes and joining them back
    loses not a byte, whichever side the nodes come from."""
    generated = _generated()
    path, base, theirs = data.draw(st.sampled_from(generated))
    mine = data.draw(edited(base, path))
    assume(all(_parses(path, text) for text in (base, mine, theirs)))
    for b, m, t, expected in [
        (base, base, theirs, theirs),
        (base, mine, base, mine),
        (base, mine, mine, mine),
        (base, theirs, theirs, theirs),
    ]:
        context = Context(None)
        assert merge_nodes(path, b, m, t, context) == expected
        assert context.conflicts == []


@LAWS
@given(data=st.data())
def test_owner_edits_merge_into_the_new_version_validly(data: st.DataObject) -> None:
    """Whatever the owner did, the merge gives a valid file, and a file that neither version
    had conflicts in takes the side asked for."""
    generated = _generated()
    path, base, theirs = data.draw(st.sampled_from(generated))
    mine = data.draw(edited(base, path))
    for prefer in ("mine", "theirs", None):
        result = merge3(path, base, mine, theirs, prefer=prefer)  # type: ignore[arg-type]
        if _parses(path, mine) and _parses(path, theirs):
            _valid(path, result.text)
        assert "<<<<<<<" not in result.text
        if not result.conflicts:
            assert result == merge3(path, base, mine, theirs)


@pytest.mark.parametrize("suffix", [".py", ".toml", ".yml"])
def test_an_owner_addition_at_the_end_survives_every_new_version(suffix: str) -> None:
    generated = _generated()
    appended = {
        ".py": "\n\nOWNER_SETTING = 1\n",
        ".toml": "\n[tool.owner]\nkey = 1\n",
        ".yml": "owner-key: 1\n",
    }[suffix]
    cases = [(p, b, t) for p, b, t in generated if _suffix(p) == suffix and b != t]
    assert cases
    for path, base, theirs in cases:
        result = merge3(path, base, base + appended, theirs)
        assert result.conflicts == (), path
        assert result.text == theirs + appended, path
        _valid(path, result.text)


@LAWS
@given(data=st.data())
def test_versions_that_parse_are_merged_node_by_node(data: st.DataObject) -> None:
    """The whole file is one node only when a version does not parse: the node merge never
    fails on what parses, and what it gives is valid; conflicts are the same both ways."""
    generated = _generated()
    path, base, theirs = data.draw(st.sampled_from(generated))
    mine = data.draw(edited(base, path))
    assume(all(_parses(path, text) for text in (base, mine, theirs)))
    context = Context(None)
    text = merge_nodes(path, base, mine, theirs, context)
    _valid(path, text)
    assert _parses(path, text)
    swapped = Context(None)
    merge_nodes(path, base, theirs, mine, swapped)
    assert sorted(c.element for c in swapped.conflicts) == sorted(
        c.element for c in context.conflicts
    )


@LAWS
@given(data=st.data())
def test_statement_edits_on_both_sides_all_land(data: st.DataObject) -> None:
    """On a real module, the owner adds a statement after one statement and removes
    another while the new version adds one after a third: the merge is exactly both."""
    generated = _generated()
    modules = [(path, text) for path, _, text in generated if path.endswith(".py")]
    path, text = data.draw(st.sampled_from(modules))
    module = cst.parse_module(text)
    assume(len(module.body) >= 2)
    count = len(module.body)
    keys = [statement_key(statement) for statement in module.body]
    mine_at = data.draw(st.integers(0, count - 1), label="owner adds after")
    theirs_at = data.draw(st.integers(0, count - 1), label="new version adds after")
    removable = [i for i in range(count) if i != mine_at and keys.count(keys[i]) == 1]
    removed = data.draw(st.sampled_from([None, *removable]), label="owner removes")
    mine_statement = cst.parse_statement("OWNER_ADDED = 1\n")
    theirs_statement = cst.parse_statement("NEW_ADDED = 2\n")

    def edited(added: dict[int, list[cst.BaseStatement]], without: int | None) -> str:
        body: list[cst.BaseStatement] = []
        for index, statement in enumerate(module.body):
            if index != without:
                body.append(statement)
            body += added.get(index, [])
        return module.with_changes(body=body).code

    mine = edited({mine_at: [mine_statement]}, removed)
    theirs = edited({theirs_at: [theirs_statement]}, None)
    both: dict[int, list[cst.BaseStatement]] = {theirs_at: [theirs_statement]}
    both.setdefault(mine_at, []).append(mine_statement)
    result = merge3(path, text, mine, theirs)
    assert result.conflicts == ()
    assert result.text == edited(both, removed)
