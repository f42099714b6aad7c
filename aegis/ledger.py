"""The ledger, `.aegis/ledger.toml`: what Aegis applied to a project.

For each applied pack: its version, the edits it made (as data, `Edit.to_data`) and a
fingerprint of each file it owns. `remove` reverts the recorded edits and compares owned files
with their recorded fingerprints, so it never depends on what the installed Aegis would render
today: a file or node still as generated goes without `--force`, even after an upgrade.

The ledger is canonical: packs in catalogue order, files sorted, edits in the order the pack
declared them. The same project therefore has the same ledger whatever its history, and
`init -c S` equals `init` then `add` byte for byte, ledger included.

It lives in `.aegis/`, beside the lock and the journal of a running command (which are
git-ignored one by one): it is Aegis's own state, committed with the project, and kept out of
the way of the owner's files.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from aegis.edits import Edit, edit_from_data
from aegis.errors import PlanError
from aegis.pyshape import EARLIER, Form, python_shape

LEDGER = ".aegis/ledger.toml"
_PYTHON_FENCE = re.compile(r"^(```(?:python|py)[ \t]*\n)(.*?)(^```)", re.M | re.S)
_HEADER = (
    "# What Aegis applied to this project: each pack's version, the edits it made and a\n"
    "# fingerprint of each file it owns. `aegis remove` and `aegis update` read it.\n"
    "# Commit it with the project; Aegis rewrites it, do not edit it by hand.\n\n"
)


@dataclass
class Record:
    """One applied pack: its version, its edits as data, its owned files' fingerprints."""

    version: str
    edits: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    migrations: list[str] = field(default_factory=list)  # the ids of those it has run

    def recorded_edits(self) -> list[Edit]:
        return [edit_from_data(data) for data in self.edits]


@dataclass
class Ledger:
    """The records of the packs applied to a project, by pack name."""

    packs: dict[str, Record] = field(default_factory=dict)

    def record(
        self,
        pack: str,
        version: str,
        edits: Iterable[Edit],
        files: Mapping[str, str],
        migrations: Iterable[str] = (),
    ) -> None:
        """Record `pack` as applied with `edits`, owning `files` (path -> text as written),
        in the shape its `migrations` give (their ids)."""
        self.packs[pack] = Record(
            version=version,
            edits=[_plain(edit.to_data()) for edit in edits],
            files={path: fingerprint(path, text) for path, text in sorted(files.items())},
            migrations=list(migrations),
        )

    def forget(self, pack: str) -> None:
        self.packs.pop(pack, None)

    def dumps(self, order: Mapping[str, int]) -> str:
        """The ledger as TOML; packs in the order given (the catalogue's)."""
        from aegis import ledger_toml

        packs = {}
        for name in sorted(self.packs, key=lambda name: (order.get(name, -1), name)):
            record = self.packs[name]
            table: dict[str, Any] = {"version": record.version}
            if record.migrations:
                table["migrations"] = record.migrations
            if record.files:
                table["files"] = record.files
            if record.edits:
                table["edits"] = record.edits
            packs[name] = table
        text = ledger_toml.dumps(packs)
        if text is None:
            import tomlkit

            for table in packs.values():
                if "edits" in table:
                    table["edits"] = [
                        {key: _inline(value) for key, value in edit.items()}
                        for edit in table["edits"]
                    ]
            text = tomlkit.dumps({"packs": packs})
        return _HEADER + text


def loads(text: str | None) -> Ledger:
    """The ledger in `text` (None: the project has none yet, e.g. one made by Aegis 0.1.0)."""
    import tomllib

    if text is None:
        return Ledger()
    try:
        data = tomllib.loads(text)
        packs = {
            name: Record(
                version=str(table["version"]),
                edits=[dict(edit) for edit in table.get("edits", [])],
                files={str(path): str(mark) for path, mark in table.get("files", {}).items()},
                migrations=[str(name) for name in table.get("migrations", [])],
            )
            for name, table in data.get("packs", {}).items()
        }
        for record in packs.values():
            record.recorded_edits()  # every edit must be one this Aegis knows
    except (tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError, ValueError) as error:
        raise PlanError(
            f"{LEDGER} (Aegis's record of what it applied) is damaged ({error}). Restore it "
            "from version control (e.g. `git checkout -- .aegis/ledger.toml`), then run again."
        ) from error
    return Ledger(packs)


def _inline(value: Any) -> Any:
    """Mappings inside an edit as inline tables, which keep their keys' order (a table
    would put its scalars before its sub-tables: a compose service would come back
    reordered)."""
    import tomlkit

    if isinstance(value, Mapping):
        table = tomlkit.inline_table()
        table.update({key: _inline(item) for key, item in value.items()})
        return table
    if isinstance(value, list | tuple):
        return [_inline(item) for item in value]
    return value


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """Edit data without its unset fields (TOML has no null; they take their defaults)."""
    return {key: value for key, value in data.items() if value is not None}


# -- fingerprints ----------------------------------------------------------------------------


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
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = list(YAML(typ="safe", pure=True).load_all(text))
    except YAMLError:
        return None
    return json.dumps(data, default=str) + "\n" + _comment_lines(text)
