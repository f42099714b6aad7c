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

from collections.abc import Iterable, Mapping
from typing import Any

from aegis.edits import Edit, edit_from_data
from aegis.errors import PlanError
from aegis.fingerprints import fingerprint
from aegis.plain import Plain, field

LEDGER = ".aegis/ledger.toml"
_HEADER = (
    "# What Aegis applied to this project: each pack's version, the edits it made and a\n"
    "# fingerprint of each file it owns. `aegis remove` and `aegis update` read it.\n"
    "# Commit it with the project; Aegis rewrites it, do not edit it by hand.\n\n"
)


class Record(Plain, frozen=False):
    """One applied pack: its version, its edits as data, its owned files' fingerprints."""

    version: str
    edits: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    migrations: list[str] = field(default_factory=list)  # the ids of those it has run

    def recorded_edits(self) -> list[Edit]:
        return [edit_from_data(data) for data in self.edits]


class Ledger(Plain, frozen=False):
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
