"""The fast shape of Python source (ledger fingerprints) equals the standard library's
definition: `ast.dump` of the tree with cleaned docstrings, and the comments `tokenize` finds
(in the running interpreter's form of `ast.dump`; that every interpreter writes the shape
Aegis records as 3.11 does is `test_fingerprint_versions`).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aegis.pyshape import python_shape as shape_in_form
from aegis.pyshape import reference_shape

ROOT = Path(__file__).resolve().parent.parent
FORM = f"{sys.version_info[0]}.{sys.version_info[1]}"
pytestmark = pytest.mark.skipif(
    FORM not in ("3.11", "3.12", "3.13"), reason=f"no form of `ast.dump` for Python {FORM}"
)


def python_shape(source: str) -> str | None:
    return shape_in_form(source, FORM)  # type: ignore[arg-type]


# Statements where a quote or a hash is easy to misread, and docstrings at every depth;
# `{body}` is where a nested block goes.
FRAGMENTS = [
    'x = "#not a comment"  # a comment',
    "y = '''a\n# inside a string\n'''  # after",
    'z = ("a"  # between two parts\n     "b")',
    "w = '\\\\'  # after an escaped backslash",
    "v = '\\''  # an escaped quote",
    'u = """a""\\"b"""  # an escaped triple quote',
    "t = ''''a'''  # one quote then a triple one",
    's = r"\\"#"  # raw',
    "r = f'{x!r:>{w}}'  # f-string",
    "q = b'#' + rb\"\\\\#\"",
    "p = 'one' \\\n    'two'  # a continued line",
    "#: a comment alone\n#\n#    indented text",
    "o = '#' if x else \"#\"  ## two hashes",
    "'''  A module docstring?\n   Only when first.\n'''",
    'def f():\n    """  Doc\n      more\n    """\n    {body}',
    "class C:\n    '''  doc of C\n\n\t   tabbed'''\n    {body}",
    "async def g():\n    '  short  '\n    {body}",
    'if x:\n    """not a docstring\n    kept as is"""\n    {body}',
    "for i in x:\n    {body}\nelse:\n    {body}",
    "while x:\n    {body}",
    "with x as y:  # with\n    {body}",
    "try:\n    {body}\nexcept E:\n    {body}\nfinally:\n    {body}",
    "match x:\n    case 1:\n        {body}\n    case _:\n        {body}",
    "n = lambda: '''  not\n  a docstring'''",
    "pass",
]


@st.composite
def sources(draw: st.DrawFn, depth: int = 0) -> str:
    lines = []
    for fragment in draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=5)):
        if "{body}" in fragment:
            parts = fragment.split("{body}")
            text = parts[0]
            for part in parts[1:]:
                inner = draw(sources(depth + 1)) if depth < 2 else "pass"
                indent = text.rsplit("\n", 1)[-1]
                text = text.removesuffix(indent)
                text += textwrap.indent(inner, indent) + part
            fragment = text
        lines.append(fragment)
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(sources())
def test_the_shape_of_generated_sources_is_the_reference(source: str) -> None:
    assert python_shape(source) == reference_shape(source)


def test_the_shape_of_every_python_file_here_is_the_reference() -> None:
    files = [
        path
        for folder in ("aegis", "tests", "base_project", "transforms")
        for path in (ROOT / folder).rglob("*.py")
    ]
    assert len(files) > 100
    for path in files:
        source = path.read_text(encoding="utf-8")
        assert python_shape(source) == reference_shape(source), path


def test_unusual_line_ends_and_sources_that_do_not_parse() -> None:
    for source in ["x = 1  # a\r# b\n", "x = 1\f# c\n", "def (:\n", "x = 'open\n", "a\x00b\n"]:
        assert python_shape(source) == reference_shape(source), repr(source)
    assert python_shape("def (:\n") is None
