"""The distribution name of a requirement, read without `packaging` for the simple forms,
is the one `packaging` reads; anything else still goes through `packaging`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from aegis.edit.base import EditError
from aegis.edit.identity import _SIMPLE_REQUIREMENT, dependency_identity

# Each list starts with the pieces of valid simple requirements; the rest is a mistake, or
# a form only `packaging` reads.
NAMES = ["arq", "Flet_Web", "ruamel.yaml", "a", "1a", "a-", "-a", "a..b", "\u00e9", ""]
BLANKS = ["", " ", "\t", "\n", "\r", "\u00a0"]
OPERATORS = [">=", "<=", ">", "<", "==", "!=", "~=", "===", "=", ""]
VERSIONS = [
    "0",
    "1",
    "0.28",
    "01.2",
    "1.*",
    "1.0.*",
    "0.51b0",
    "1rc2",
    ".*",
    "1.0b1.*",
    "1.0.post1",
    "2.0A1",
    "\u0661",
]
TAILS = ["", ",", ";python_version>'3'", " @ https://example.com/a.whl", "]", ")"]


@st.composite
def requirements(draw: st.DrawFn) -> str:
    """Requirements built like the simple forms, each piece most often a valid one."""

    def piece(pieces: list[str], valid: int) -> str:
        return draw(st.sampled_from(pieces[:valid] if draw(st.integers(0, 5)) else pieces))

    def blank() -> str:
        return piece(BLANKS, 3)

    text = piece(NAMES, 5) + blank()
    if draw(st.booleans()):
        extras = [piece(NAMES, 5) for _ in range(draw(st.integers(0, 3)))]
        text += "[" + blank() + (blank() + "," + blank()).join(extras) + blank() + "]" + blank()
    bounds = [
        piece(OPERATORS, 7) + blank() + piece(VERSIONS, 8) for _ in range(draw(st.integers(0, 3)))
    ]
    return text + (blank() + "," + blank()).join(bounds) + piece(TAILS, 1)


def packaging_name(requirement: str) -> str | None:
    try:
        return canonicalize_name(Requirement(requirement).name)
    except InvalidRequirement:
        return None


@settings(max_examples=2000, deadline=None)
@given(requirements())
def test_names_are_those_packaging_reads(requirement: str) -> None:
    expected = packaging_name(requirement)
    if _SIMPLE_REQUIREMENT.fullmatch(requirement):
        assert expected is not None, f"{requirement!r} read as simple, packaging refuses it"
    if expected is None:
        with pytest.raises(EditError):
            dependency_identity.__wrapped__(requirement)
    else:
        assert dependency_identity.__wrapped__(requirement) == expected


def test_the_simple_forms_are_read_without_packaging() -> None:
    for requirement in ["arq>=0.28", "uvicorn[standard]>=0.54,<1", "Flet_Web==1.0.*", "x~=1.2"]:
        assert _SIMPLE_REQUIREMENT.fullmatch(requirement), requirement
    assert _SIMPLE_REQUIREMENT.fullmatch("opentelemetry-instrumentation-fastapi>=0.51b0")
    for requirement in ["a>=1.0.post1", "a; python_version<'3.12'", "a @ https://x/a.whl"]:
        assert not _SIMPLE_REQUIREMENT.fullmatch(requirement), requirement
