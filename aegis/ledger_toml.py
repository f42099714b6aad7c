"""The ledger's TOML, written directly: the same text as `tomlkit.dumps`, which spent more time
building its document model than a command with a pack spends on the pack's edits.

Only the ledger's shape is written here: `[packs.<name>]` tables of scalars, with a table of
strings (`files`) and an array of tables (`edits`) whose values are strings, integers,
booleans, arrays and inline tables. Anything else (a float, a date, an array of tables inside
an edit) gives None, and the caller asks tomlkit; tests compare both on every ledger the
catalogue makes and on generated ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}
_TO_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


class Unwritten(Exception):
    """A value this writer does not write as tomlkit would."""


def dumps(packs: Mapping[str, Mapping[str, Any]]) -> str | None:
    """`tomlkit.dumps({"packs": packs})`, or None for data outside the ledger's shape.

    Each pack's table holds `version` (and other scalars), then optionally `files` (a
    mapping) and `edits` (a list of mappings), in that order."""
    if not packs:
        return None
    try:
        sections = []
        for name, table in packs.items():
            path = f"packs.{_key(name)}"
            lines = [f"[{path}]\n"]
            subtables = []
            for key, value in table.items():
                if key == "files" and isinstance(value, Mapping):
                    subtables.append(_table(f"{path}.files", value))
                elif key == "edits" and isinstance(value, list):
                    subtables += [_array_table(f"{path}.edits", edit) for edit in value]
                elif subtables:  # a scalar after a sub-table: tomlkit would move it
                    return None
                else:
                    lines.append(_entry(key, value))
            sections += ["".join(lines), *subtables]
        return "\n".join(sections)
    except Unwritten:
        return None


def _table(path: str, table: Mapping[str, Any]) -> str:
    if any(isinstance(value, Mapping | list | tuple) for value in table.values()):
        raise Unwritten  # a sub-table, or an array that might be one
    return f"[{path}]\n" + "".join(_entry(key, value) for key, value in table.items())


def _array_table(path: str, table: Mapping[str, Any]) -> str:
    """One table of an array of tables: tomlkit puts its mapping values last."""
    if not isinstance(table, Mapping) or not table:
        raise Unwritten
    entries = [(key, value) for key, value in table.items() if not isinstance(value, Mapping)]
    entries += [(key, value) for key, value in table.items() if isinstance(value, Mapping)]
    for _, value in entries:
        if isinstance(value, list | tuple) and value and all(isinstance(v, dict) for v in value):
            raise Unwritten  # tomlkit makes a nested array of tables of it
    return f"[[{path}]]\n" + "".join(_entry(key, value) for key, value in entries)


def _entry(key: str, value: Any) -> str:
    return f"{_key(key)} = {_value(value)}\n"


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise Unwritten
    return key if _BARE_KEY.fullmatch(key) else f'"{_escape(key)}"'


def _value(value: Any) -> str:
    if isinstance(value, str):
        return f'"{_escape(value)}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join([_value(item) for item in value]) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join([f"{_key(k)} = {_value(v)}" for k, v in value.items()]) + "}"
    raise Unwritten


def _escape(text: str) -> str:
    return _TO_ESCAPE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"
