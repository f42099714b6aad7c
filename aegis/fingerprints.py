"""Ledger fingerprints: a digest of a file's content that a pure formatting change leaves
alone (see `fingerprint`).

The files Aegis ships as they are (every template that is not Jinja: most of them) have
their fingerprints worked out ahead of time, in `known_fingerprints.txt`, written by
`scripts/fingerprint-table.py`: parsing them took a third of an `init` with every component.
An entry is found by a digest of the text together with the source of the code that computes
fingerprints and the versions of the parsers it uses (Python's; ruamel.yaml's for YAML), so
any change to one of them makes the entries miss, never answer wrong: the fingerprint is then
computed as for any other text.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from functools import cache, lru_cache
from pathlib import Path, PurePosixPath

from aegis.pyshape import EARLIER, Form, python_shape

KNOWN = Path(__file__).with_name("known_fingerprints.txt")
# The code that decides a fingerprint: a change to either must make every known one miss.
_CODE = (Path(__file__), Path(__file__).with_name("pyshape.py"))
_PYTHON_FENCE = re.compile(r"^(```(?:python|py)[ \t]*\n)(.*?)(^```)", re.M | re.S)
_YAML_SUFFIXES = (".yml", ".yaml")


@lru_cache(maxsize=4096)
def fingerprint(path: str, text: str, form: Form = "3.11") -> str:
    """A digest of the file's content that a pure formatting change leaves alone.

    Python files: the syntax tree (docstrings with their indentation cleaned) and the text of
    each comment, so `ruff format` (quotes, line breaks, trailing commas, blank lines) keeps
    the fingerprint while any change of code or comments changes it. The tree is written as
    `ast.dump` of Python `form` writes it: 3.11's, whatever the running interpreter, so a
    project reads the same under every one (`as_recorded` also accepts earlier forms). The
    project's `pyproject.toml`: without `[tool.aegis]` (Aegis's own). Markdown: the text,
    with Python code blocks as Python files. TOML and YAML files: the data and the comment
    lines. Other files: the text. Line endings and a byte order mark never count.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if form == "3.11":
        known = _known().get(known_key(path, text))
        if known is not None:
            return known
    return computed(path, text, form)


def computed(path: str, text: str, form: Form = "3.11") -> str:
    """The fingerprint of `text` (with Unix line ends, no byte order mark), worked out."""
    kind, shape = _shape(path, text, form)
    if shape is None:  # does not parse: compare the text
        kind, shape = "text", text
    return f"{kind}:{_digest(shape)}"


def as_recorded(path: str, text: str, recorded: str) -> bool:
    """`text` has the fingerprint `recorded`: the one this Aegis records, or one written with
    an earlier form of `ast.dump` (Aegis 0.2.0 recorded the running interpreter's, so a
    project it made under 3.12 or 3.13 keeps its files as generated)."""
    if fingerprint(path, text) == recorded:
        return True
    if not recorded.startswith(_PYTHON_KINDS):
        return False
    return any(fingerprint(path, text, form) == recorded for form in EARLIER)


def _shape(path: str, text: str, form: Form) -> tuple[str, str | None]:
    if path == "pyproject.toml":
        return "toml", _pyproject_shape(text)
    suffix = PurePosixPath(path).suffix
    if suffix == ".py":
        return "py", python_shape(text, form)
    if suffix == ".md":
        return "md", _markdown_shape(text, form)
    if suffix == ".toml":
        return "toml", _toml_shape(text)
    if suffix in (".yml", ".yaml"):
        return "yaml", _yaml_shape(text)
    return "text", text


# The kinds of fingerprint whose shape holds a Python syntax tree.
_PYTHON_KINDS = ("py:", "md:")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _markdown_shape(text: str, form: Form) -> str:
    """The text with each fenced Python block reduced to its shape (`ruff format` formats
    them too)."""

    def shape(block: re.Match[str]) -> str:
        code = python_shape(block.group(2), form)
        return block.group(1) + (block.group(2) if code is None else code) + block.group(3)

    return _PYTHON_FENCE.sub(shape, text)


def _comment_lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip().startswith("#"))


def _toml_shape(text: str) -> str | None:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    return json.dumps(data, default=str) + "\n" + _comment_lines(text)


def _pyproject_shape(text: str) -> str | None:
    """A project's pyproject.toml without `[tool.aegis]`, which Aegis rewrites on every
    command (version, components, options): it is never the owner's change."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    tool = data.get("tool")
    if isinstance(tool, dict):
        tool.pop("aegis", None)
    return json.dumps(data, default=str) + "\n" + _comment_lines(text)


def _yaml_shape(text: str) -> str | None:
    from ruamel.yaml.error import YAMLError

    try:
        data = _load_yaml(text)
    except YAMLError:
        return None
    return json.dumps(data, default=str) + "\n" + _comment_lines(text)


def _load_yaml(text: str) -> list[object]:
    """Every document of `text`, as ruamel.yaml's own (YAML 1.2) parser reads it.

    libyaml (`ruamel.yaml.clib`, when installed) parses ten times faster and gives the same
    data, except that it reads a `%YAML 1.1` directive's document by 1.1's rules and accepts
    tabs that the 1.2 parser refuses: texts with a `%` or a tab, and texts it refuses, go to
    the pure parser. `tests/test_yaml_fingerprints.py` checks the two agree.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if "%" not in text and "\t" not in text:
        try:
            return list(YAML(typ="safe").load_all(text))
        except YAMLError:
            pass  # the pure parser decides whether it loads
    return list(YAML(typ="safe", pure=True).load_all(text))


# -- fingerprints known ahead of time --------------------------------------------------------


def known_key(path: str, text: str) -> str:
    """Where the fingerprint of `text` at `path` is in the table: a digest of the text, of
    how the path's kind of file is fingerprinted, and of the code and parsers that do it."""
    kind = "pyproject" if path == "pyproject.toml" else PurePosixPath(path).suffix
    algorithm = _algorithm(kind in _YAML_SUFFIXES)
    return _digest(f"{algorithm}\0{kind}\0{text}")


@cache
def _algorithm(yaml: bool) -> str:
    try:
        parts = [path.read_bytes() for path in _CODE]
    except OSError:  # installed without its sources: no entry can be shown to apply
        return "unknown"
    parts.append(repr(sys.version_info[:2]).encode())  # the parser of `ast.parse`
    if yaml:  # its version is in its `__init__`, read without importing the package
        import importlib.util

        spec = importlib.util.find_spec("ruamel.yaml")
        assert spec is not None and spec.origin is not None
        parts.append(Path(spec.origin).read_bytes())
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


@cache
def _known() -> dict[str, str]:
    try:
        lines = KNOWN.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    return dict(line.split(" ", 1) for line in lines if line and not line.startswith("#"))
