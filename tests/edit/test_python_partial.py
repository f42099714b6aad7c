"""The partial path (`PartialModule`) gives exactly the bytes of a whole libcst module.

A property test draws modules with the layouts people write (comments at any indentation,
decorators, compound statements, continuations, inline and exploded lists, imports in every
form) and random edits, and runs every edit on both paths. Explicit tests cover big modules
and a module whose anchors sit among unusual constructs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import libcst as cst
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from aegis import documents
from aegis.edit import python as py
from aegis.edit.base import Placement
from aegis.edit.outline import PartialModule, element_identity, open_body

MODULES = [
    "app",
    "app.core.health",
    "app.core.health2",
    "app.core.health10",
    "app.core.Health",
    "app.services.system_health",
    "app.components.redis",
]
NAMES = ["check_cpu", "check_disk", "LIMIT", "Health", "feature_2", "feature_10", "x"]
ALIASES = [None, None, "renamed", "check_cpu"]
LISTS = ["ROUTERS", "HEALTH_CHECKS", "HOOKS"]
ELEMENTS = [
    "check_cpu",
    "check_disk",
    "feature_2",
    "Health.OK",
    "*extra",
    "(wrapped)",
    "f(1)",
    "'é'",
]
ITEMS = [e for e in ELEMENTS if not e.startswith("*")]
ITEMS += ["typer.Typer(name='db', help='x')", "a_very_long_name_" * 5, "new_item"]
CODES = [
    'redis_url: str = "redis://localhost:6379/0"',
    "\n# Worker\nworker_jobs: int = 2",
    "# a note\n\nflag: bool = True",
    "port: int = 9000",
    "port: int = 8000",
    "app_name: str = 'x'",
    "print(name)",
    "# build it\nprint('x')",
    "app.include_router(\n    router,\n    prefix='/x',\n)",
    '\n\nasync def close_redis() -> None:\n    """Close it."""\n    await pool.aclose()',
    "def helper(self) -> int:\n    if self:\n        return 1\n    return 2",
    "if TYPE_CHECKING:\n    import os",
    "a = 1\nb = 2",  # two statements: refused
]
SCOPES = ["", "Settings", "Settings", "Settings.describe", "get_settings", "Other", "Missing"]
GAP_INDENTS = ["", "  ", "    ", "        ", "            "]


# -- modules ---------------------------------------------------------------------------


@st.composite
def gaps(draw: st.DrawFn, most: int = 3) -> str:
    """Blank, whitespace-only and comment lines at any indentation."""
    lines = draw(
        st.lists(
            st.one_of(
                st.just("\n"),
                st.sampled_from(["    \n", "  \n"]),
                st.builds(
                    lambda indent, text: f"{indent}# {text}\n",
                    st.sampled_from(GAP_INDENTS),
                    st.sampled_from(["note", "é ü", "end of block"]),
                ),
            ),
            max_size=most,
        )
    )
    return "".join(lines)


@st.composite
def imports(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["inline", "inline", "exploded", "other"]))
    module = draw(st.sampled_from(MODULES))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    aliased = [f"{n} as {n}_alias" if draw(st.booleans()) and n != "x" else n for n in names]
    comment = draw(st.sampled_from(["", "  # why"]))
    if kind == "inline":
        return f"from {module} import {', '.join(aliased)}{comment}\n"
    if kind == "exploded":
        body = "".join(f"    {name},{draw(st.sampled_from(['', '  # c']))}\n" for name in aliased)
        if draw(st.booleans()):
            body = body.rstrip(",\n") + "\n"  # no trailing comma
        return f"from {module} import ({comment}\n{body})\n"
    return draw(
        st.sampled_from(["import os\n", "from . import sibling\n", "from app.core import *\n"])
    )


@st.composite
def lists(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(LISTS))
    annotation = draw(st.sampled_from(["", ": list[Any]"]))
    elements = draw(st.lists(st.sampled_from(ELEMENTS), max_size=6, unique=True))
    layout = draw(st.sampled_from(["inline", "exploded", "exploded", "hanging"]))
    if layout == "inline" or not elements:
        inside = ", ".join(elements)
        if elements and draw(st.booleans()):
            inside += ","
        return f"{name}{annotation} = [{inside}]\n"
    if layout == "hanging":
        rest = ",\n    ".join(elements[1:])
        return f"{name} = [{elements[0]},\n    {rest}]\n" if rest else f"{name} = [{elements[0]}]\n"
    lines = [f"{name}{annotation} = [{draw(st.sampled_from(['', '  # all']))}\n"]
    for element in elements:
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(st.sampled_from(["    # group\n", "\n", "        # deeper\n"])))
        if element == "f(1)" and draw(st.booleans()):
            element = "f(\n        1,\n    )"
        lines.append(f"    {element},{draw(st.sampled_from(['', '', '  # mine', '  # ü']))}\n")
    if draw(st.booleans()):
        lines[-1] = lines[-1].replace(",", "", 1) if "#" not in lines[-1] else lines[-1]
    if draw(st.booleans()):
        lines.append("    # end of list\n")
    lines.append("]\n")
    return "".join(lines)


@st.composite
def methods(draw: st.DrawFn, name: str) -> str:
    decorator = draw(st.sampled_from(["", "    @property\n", "    @cached(\n        1,\n    )\n"]))
    body = "        name = self.app_name\n"
    if draw(st.booleans()):
        body += "        if name:\n            return name\n"
        body += draw(st.sampled_from(["", "            # inside the if\n", "        # after\n"]))
        if draw(st.booleans()):
            body += "        else:\n            pass\n"
    body += "        return name\n"
    return f"{decorator}    def {name}(self) -> str:\n{body}"


@st.composite
def classes(draw: st.DrawFn) -> str:
    header = draw(
        st.sampled_from(
            [
                "class Settings(BaseSettings):\n",
                "class Settings:  # the settings\n",
                "@dataclass\nclass Settings(\n    Base,\n):\n",
            ]
        )
    )
    members = draw(
        st.lists(
            st.one_of(
                st.sampled_from(
                    [
                        '    """Settings."""\n',
                        "    app_name: str = 'x'\n",
                        "    port: int = 8000\n",
                        "    a = 1; b = 2\n",
                        "    model_config = SettingsConfigDict(\n        env_file='.env',\n    )\n",
                    ]
                ),
                methods("describe"),
                methods("other"),
            ),
            min_size=1,
            max_size=5,
        )
    )
    if draw(st.booleans()):
        members.insert(draw(st.integers(0, len(members))), draw(methods("describe")))
    body = "".join(draw(gaps(2)) + member for member in members)
    return header + body


COMPOUND = [
    "if TYPE_CHECKING:\n    from app.core.health import Health\n",
    "try:\n    import fast\nexcept ImportError:\n    fast = None\n",
    "for i in range(3):\n    pass\nelse:\n    pass\n",
    "if a:\n    pass\nelif b:\n    pass\n",
    "with open('f') as f:\n    pass\n",
    "while False:\n    break\n",
    "if x: y = 1\n",
    "class Other: pass\n",
    "@lru_cache\ndef get_settings() -> Settings:\n    return Settings()\n",
    "async def get_settings() -> Settings:\n    # build\n    return Settings()\n",
]
SIMPLE = [
    "TIMEOUT: float = 5.0\n",
    "LIMIT = 10\n",
    "total = 1 + \\\n    2\n",
    'text = """\nmulti\n  line\n"""\n',
    "print('é')\n",
    "a = 1; b = 2\n",
    "x = y = 3\n",
    "(\n    call(1)\n)  # parenthesized\n",
    "value = 1;  # semicolon\n",
]


@st.composite
def python_modules(draw: st.DrawFn) -> str:
    """A module with the anchors edits look for (mostly), among other statements."""
    anchors = ["import", "list", "class"] if draw(st.integers(0, 4)) else []
    anchors += draw(st.lists(st.sampled_from(["import", "list", "function", "value"]), max_size=3))
    strategies = {
        "import": imports(),
        "list": lists(),
        "class": classes(),
        "function": st.sampled_from(COMPOUND[-2:]),
        "value": st.sampled_from(["TIMEOUT: float = 5.0\n", "LIMIT = 10\n", "LIMIT = [] \n"]),
    }
    others = st.one_of(imports(), lists(), st.sampled_from(COMPOUND), st.sampled_from(SIMPLE))
    statements = [draw(strategies[anchor]) for anchor in anchors]
    statements += draw(st.lists(others, min_size=0 if statements else 1, max_size=5))
    statements = draw(st.permutations(statements))
    text = draw(st.sampled_from(["", '"""A module."""\n', "#!/usr/bin/env python\n"]))
    text += "".join(draw(gaps()) + statement for statement in statements) + draw(gaps())
    return text


# -- edits -----------------------------------------------------------------------------


INVERSE = {
    "add_import": "remove_import",
    "add_list_item": "remove_list_item",
    "add_statement": "remove_statement",
}


@st.composite
def edit(draw: st.DrawFn) -> tuple[str, tuple[Any, ...]]:
    kind = draw(
        st.sampled_from(
            [
                "add_import",
                "remove_import",
                "add_list_item",
                "remove_list_item",
                "add_statement",
                "remove_statement",
                "replace_value",
                "read_again",
            ]
        )
    )
    rank = (draw(st.integers(0, 4)), draw(st.integers(0, 2)))
    if kind in ("add_import", "remove_import"):
        name = draw(st.sampled_from(NAMES))
        return kind, (draw(st.sampled_from(MODULES)), name, draw(st.sampled_from(ALIASES)))
    if kind in ("add_list_item", "remove_list_item"):
        args = (draw(st.sampled_from([*LISTS, *LISTS, "TIMEOUT"])), draw(st.sampled_from(ITEMS)))
        return kind, (*args, rank) if kind == "add_list_item" else args
    if kind in ("add_statement", "remove_statement"):
        scope, code = draw(st.sampled_from(SCOPES)), draw(st.sampled_from(CODES))
        if kind == "remove_statement":
            return kind, (scope, code)
        after = draw(st.sampled_from([None, "app_name", "port", "LIMIT", "describe", "name"]))
        return kind, (scope, code, rank, after)
    if kind == "replace_value":
        target = draw(st.sampled_from(["TIMEOUT", "LIMIT", "ROUTERS", "MISSING"]))
        values = ["5.0", "10", "10.0", "[]"]
        return kind, (target, draw(st.sampled_from(values)), draw(st.sampled_from(values)))
    return kind, ()


def inverse(kind: str, args: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """The edit that takes `kind` out again (as `remove` does)."""
    if kind == "add_import":
        return "remove_import", args
    return INVERSE[kind], args[:2]


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, tuple[Any, ...]]]:
    """Random edits, then the inverses of some of them in reverse order."""
    done = draw(st.lists(edit(), min_size=1, max_size=8))
    undone = [inverse(*step) for step in done if step[0] in INVERSE and draw(st.booleans())]
    middle = draw(st.sampled_from([[], [("read_again", ())]]))
    return [*done, *middle, *reversed(undone)]


def rank_table(draw: st.DrawFn) -> dict[str, tuple[int, int]]:
    """Ranks for some of the elements edits insert, as the engine gives them."""
    identities = [py.expression_identity(item) for item in ITEMS]
    identities += [py.statement_identity(code) for code in CODES[:-1]]
    ranked = draw(st.lists(st.sampled_from(identities), unique=True))
    return {identity: (draw(st.integers(0, 4)), draw(st.integers(0, 2))) for identity in ranked}


def apply(module: Any, kind: str, args: tuple[Any, ...], ranks: dict) -> Any:
    if kind == "read_again":  # as the next command would
        if isinstance(module, cst.Module):
            return cst.parse_module(module.code)
        return documents.parse("python", "module.py", module.code)
    if kind == "add_list_item":
        name, item, rank = args
        return py.add_list_item(module, name, item, Placement(rank, ranks.get))
    if kind == "add_statement":
        scope, code, rank, after = args
        return py.add_statement(module, scope, code, Placement(rank, ranks.get), after)
    function: Callable[..., Any] = getattr(py, kind)
    return function(module, *args)


def outcome(module: Any, kind: str, args: tuple[Any, ...], ranks: dict) -> tuple[Any, str]:
    """The module after the edit, and the error it raised ("" when none)."""
    try:
        return apply(module, kind, args, ranks), ""
    except Exception as error:  # the two paths must fail alike
        return module, f"{type(error).__name__}: {error}"


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_the_partial_path_gives_the_bytes_of_libcst(data: st.DataObject) -> None:
    source = data.draw(python_modules(), label="module")
    steps = data.draw(edits(), label="edits")
    ranks = rank_table(data.draw)
    whole: Any = cst.parse_module(source)
    assume(whole.code == source)  # see test_bytes_libcst_loses_are_kept
    partial: Any = PartialModule.read(source)  # the drawn layouts are all read partially
    for kind, args in steps:
        before = partial.code
        whole, whole_error = outcome(whole, kind, args, ranks)
        partial, partial_error = outcome(partial, kind, args, ranks)
        assert partial_error == whole_error, (kind, args)
        if partial_error:
            assert partial.code == before  # a failed edit changes nothing
        assert partial.code == whole.code, (kind, args)


def test_bytes_libcst_loses_are_kept() -> None:
    """libcst drops the blank lines before a last line of spaces; the partial path keeps
    every byte it does not edit (the property test above leaves such modules out)."""
    source = "from app import check_cpu\n\n    \n"
    assert cst.parse_module(source).code != source
    module = py.add_import(PartialModule.read(source), "app", "check_disk")
    assert module.code == "from app import check_cpu, check_disk\n\n    \n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(python_modules())
def test_the_cut_is_libcst_s(source: str) -> None:
    """Module header and footer, each statement's leading lines and code (in classes too),
    and the default indentation are where libcst puts them."""
    whole = cst.parse_module(source)
    assume(whole.code == source)
    partial = PartialModule.read(source)
    code = whole.code_for_node
    assert partial.default_indent == whole.default_indent
    assert partial.block.head == "".join(code(line) for line in whole.header)
    assert len(partial.block.members) == len(whole.body)
    for member, statement in zip(partial.block.members, whole.body, strict=True):
        assert member.leading == "".join(code(line) for line in statement.leading_lines)
        assert member.code == code(statement.with_changes(leading_lines=()))
        if isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            block = open_body(member, "class")
            assert len(block.members) == len(statement.body.body)
            for inner, node in zip(block.members, statement.body.body, strict=True):
                printed = py._printed(node, block.indent, whole.default_indent)
                assert (inner.leading, inner.code) == printed
    assert partial.block.foot == "".join(code(line) for line in whole.footer)


# -- pieces of the partial path --------------------------------------------------------


# Module names with digits and letters, ASCII or not (`²` is a digit to `str.isdigit` and
# none to ASCII; `K`, the Kelvin sign, lowers to an ASCII `k`), often sharing a package.
_NAME_PART = r"[a-zA-Z_\u00e9\u212a]{1,3}(\.[a-zA-Z0-9_\u00e9\u00b2\u0663]{1,6}){0,3}"
_MODULE_NAMES = st.one_of(
    st.from_regex(_NAME_PART, fullmatch=True),
    st.from_regex(r"app\.api\.[a-z_]{0,3}[0-9]{0,3}[a-z_]{0,2}", fullmatch=True),
)


@given(_MODULE_NAMES, st.lists(_MODULE_NAMES))
@example("app.api.a9", ["app.api.a10", "app.api.a8", "app.api.b", "app.api.a9x"])
@example("app.api.feature_10", ["app.api.feature_9", "app.api.feature_0010", "app.api.f"])
@example("app.api.x\u00b2", ["app.api.x\u00b3", "app.api.x1", "app.api.\u212a"])
def test_the_quick_import_order_is_the_natural_order(module: str, others: list[str]) -> None:
    imports = [(index, name, [("x", None)]) for index, name in enumerate(others)]
    key = py._import_key(module, ("y", None))
    expected = next(
        (index for index, name, _ in imports if py._import_key(name, ("x", None)) > key), None
    )
    assert py._first_later(imports, module, key) == expected


@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True))
def test_the_quick_identity_of_a_name_is_its_dump(name: str) -> None:
    node = ast.parse(name, mode="eval").body
    assert element_identity(node) == py.expression_identity(name)


@pytest.mark.parametrize(
    "source",
    [
        "x = 1\r\ny = 2\n",  # mixed line endings
        "class A:\n\tx = 1\n",  # tab indentation
        "x = 1\n\f\ny = 2\n",  # form feed
        "# only a comment\n",  # no statement
        "x = 1\ny = 2",  # no newline at the end
        "x = 1 \\\n\ny = 2\n",  # a continuation into an empty line
        "match x:\n    case 1:\n        pass\n",  # match statements
    ],
)
def test_layouts_the_partial_reading_does_not_model_are_edited_whole(source: str) -> None:
    document = documents.parse("python", "module.py", source)
    assert isinstance(document, cst.Module)
    assert document.code == source


# -- big modules -----------------------------------------------------------------------


def routing(count: int) -> str:
    names = [f"feature_{number:05d}" for number in range(count)]
    imports = "".join(f"from app.api.{name} import router as {name}_router\n" for name in names)
    items = "".join(f"    {name}_router,\n" for name in names)
    return (
        '"""Every router."""\n\nfrom fastapi import APIRouter\n\n'
        f"{imports}from app.api.health import router as health_router\n\n"
        f"ROUTERS: list[APIRouter] = [\n    health_router,\n{items}]\n"
    )


def settings_module(lines: int) -> str:
    fields = "".join(
        f"    # Feature {number}: whether it is on\n    feature_{number}_enabled: bool = True\n"
        for number in range(lines // 2)
    )
    return (
        '"""Settings."""\n\nfrom functools import lru_cache\n\n'
        "from pydantic_settings import BaseSettings\n\n\n"
        "class Settings(BaseSettings):\n"
        '    """Every setting."""\n\n'
        f"    port: int = 8000\n\n{fields}\n\n"
        "@lru_cache\ndef get_settings() -> Settings:\n    return Settings()\n"
    )


def big_edits(module: Any, remove: bool) -> Any:
    """A pack's edits of both big modules (as `add worker` makes them), or their inverses."""
    placement = Placement((40, 0), {py.expression_identity("worker_router"): (40, 0)}.get)
    fields = [f"worker_{number}: int = {number}" for number in range(8)]
    if remove:
        module = py.remove_list_item(module, "ROUTERS", "worker_router")
        module = py.remove_import(module, "app.api.worker", "router", "worker_router")
        for field in fields:
            module = py.remove_statement(module, "Settings", field)
        return module
    module = py.add_import(module, "app.api.worker", "router", "worker_router")
    module = py.add_list_item(module, "ROUTERS", "worker_router", placement)
    for field in fields:
        module = py.add_statement(module, "Settings", field, Placement((40, 1), lambda _: None))
    return module


def test_big_modules_before_after_before_and_the_bytes_of_libcst() -> None:
    source = routing(1000) + settings_module(2000).split('"""Settings."""\n', 1)[1]
    partial = big_edits(PartialModule.read(source), remove=False)
    whole = big_edits(cst.parse_module(source), remove=False)
    assert partial.code == whole.code
    assert "    feature_00999_router,\n    worker_router,\n]\n" in partial.code
    assert partial.code.count("from app.api.worker import router as worker_router\n") == 1
    assert big_edits(PartialModule.read(partial.code), remove=True).code == source


def test_a_module_of_megabytes_before_after_before() -> None:
    """A module of 1.4 MB: its 15001-element list is edited through a few elements."""
    source = routing(15000)
    assert len(source) > 1_300_000
    module = PartialModule.read(source)
    py.add_import(module, "app.api.worker", "router", "worker_router")
    py.add_list_item(module, "ROUTERS", "worker_router", Placement((40, 0), lambda _: None))
    after = module.code
    health = "from app.api.health import router as health_router\n"
    assert after == source.replace(
        health, health + "from app.api.worker import router as worker_router\n"
    ).replace("    feature_14999_router,\n]", "    feature_14999_router,\n    worker_router,\n]")
    module = PartialModule.read(after)
    py.remove_list_item(module, "ROUTERS", "worker_router")
    py.remove_import(module, "app.api.worker", "router", "worker_router")
    assert module.code == source


# -- anchors among unusual constructs --------------------------------------------------

UNUSUAL = '''\
#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""Routers, with everything people put around them."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from app.api.health import (  # the core
    router as health_router,
)
from app.api.items import router as items_router; import sys

if TYPE_CHECKING:
    from app.api.types import Router
    # a comment inside the block

  # a comment indented less than the block
# a comment at column 0

@decorator(
    "x",
)
# between the decorator and the function
def helper(  # a comment in the signature
    value: int,
) -> int:
    """A helper, é."""
    if value:
        return value
        # deep comment after the if body
    # comment after the function body
    return 0
            # odd comment, deeper than the body


TOTAL = 1 + \\
    2

ROUTERS: list[Router] = [  # every router
    health_router,
    # user routers
    items_router,  # items
    (
        wrapped_router
    ),
    *extra_routers,
]


class Settings(BaseSettings):  # defined after the list
    """Settings."""

    model_config = SettingsConfigDict(
        env_file=".env",
    )

    @property
    def name(self) -> str:
        return "x"
        # trailing comment in the method

    port: int = 8000
    # the end of the class
'''


def unusual_edits(module: Any, remove: bool) -> Any:
    steps: list[tuple[str, tuple[Any, ...]]] = [
        ("add_import", ("app.api.worker", "router", "worker_router")),
        ("add_import", ("app.api.health", "extra", None)),
        ("add_import", ("app.api.aaa", "first", None)),
        ("add_list_item", ("ROUTERS", "worker_router", (40, 0))),
        ("add_list_item", ("ROUTERS", "cache_router", (20, 0))),
        ("add_statement", ("Settings", '\n# Redis\nredis_url: str = "x"', (30, 0), None)),
        ("add_statement", ("Settings", "workers: int = 2", (40, 0), "model_config")),
        ("add_statement", ("Settings.name", "print(self)", (40, 0), None)),
        ("add_statement", ("helper", "log(value)", (40, 0), None)),
        ("add_statement", ("", "\n\ndef close() -> None:\n    pass", (40, 0), None)),
    ]
    ranks = {py.expression_identity("worker_router"): (40, 0)}
    ranks[py.expression_identity("cache_router")] = (20, 0)
    for kind, args in reversed(steps) if remove else steps:
        if remove:
            kind = kind.replace("add_", "remove_")
            args = args if kind == "remove_import" else args[:2]
        module = apply(module, kind, args, ranks)
    return module


def test_anchors_among_unusual_constructs() -> None:
    partial = PartialModule.read(UNUSUAL)
    after = unusual_edits(partial, remove=False)
    assert after.code == unusual_edits(cst.parse_module(UNUSUAL), remove=False).code
    assert "    *extra_routers,\n    cache_router,\n    worker_router,\n]" in after.code
    assert "from app.api.health import (  # the core\n    extra,\n" in after.code
    assert "    # the end of the class\n\n\ndef close() -> None:\n    pass\n" in after.code
    assert '    # Redis\n    redis_url: str = "x"\n' in after.code
    assert "            # odd comment, deeper than the body\n    log(value)\n" not in after.code
    again = PartialModule.read(after.code)
    assert unusual_edits(again, remove=True).code == UNUSUAL


def test_the_unusual_module_is_read_partially_with_libcst_s_cut() -> None:
    partial = PartialModule.read(UNUSUAL)
    whole = cst.parse_module(UNUSUAL)
    assert [m.code for m in partial.block.members] == [
        whole.code_for_node(s.with_changes(leading_lines=())) for s in whole.body
    ]
    # The `if` block keeps the comment indented like its body; the next statement gets the rest.
    assert partial.block.members[6].code.endswith("    # a comment inside the block\n")
    assert partial.block.members[7].leading == (
        "\n  # a comment indented less than the block\n# a comment at column 0\n\n"
    )
