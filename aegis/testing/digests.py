"""Release discipline: what each Aegis version generates, as one digest per allowed set of
packs and option combination, so that a change of the generated output cannot go out under a
version that already produced other output.

The digests live in `releases/generated-digests.toml` of the Aegis repository, one table per
version; `scripts/release_digest.py` rewrites the current version's table (never a version
marked `released`), and `tests/test_release.py` fails when the output differs from it.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from aegis import engine
from aegis.catalog import Catalog
from aegis.testing.cases import Case, invariant_cases
from aegis.testing.workbench import comparable

PROJECT_NAME = "demo-svc"
_HEADER = (
    "# What each Aegis version generates: one digest per allowed set of packs and option\n"
    "# combination (`aegis init demo-svc`, `.env` values blanked). Written by\n"
    "# scripts/release_digest.py; a version marked released never changes (see docs/update.md).\n\n"
)


@dataclass
class Release:
    released: bool = False
    digests: dict[str, str] = field(default_factory=dict)


def generated_digests(catalog: Catalog, cases: Sequence[Case] | None = None) -> dict[str, str]:
    """The digest of `init` of every allowed case (or of `cases`), by case label (nothing
    is written)."""
    digests = {}
    with tempfile.TemporaryDirectory() as scratch:
        for case in invariant_cases(catalog) if cases is None else cases:
            target = Path(scratch) / PROJECT_NAME
            outcome = engine.init(catalog, PROJECT_NAME, target, case.ordered, case.options)
            digest = hashlib.sha256()
            for change in sorted(outcome.changes.changes, key=lambda change: change.path):
                content = (change.after or "").encode()
                name = PurePosixPath(change.path).name
                digest.update(f"{change.path}\0".encode() + comparable(name, content) + b"\0")
            digests[case.label] = digest.hexdigest()[:24]
    return digests


def load(path: Path) -> dict[str, Release]:
    """The recorded releases, by version (none when the file does not exist)."""
    import tomllib

    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text())
    return {
        version: Release(bool(table.get("released", False)), dict(table.get("digests", {})))
        for version, table in data.get("versions", {}).items()
    }


def save(path: Path, releases: dict[str, Release]) -> None:
    import tomlkit
    from packaging.version import Version

    versions = {
        version: {"released": releases[version].released, "digests": releases[version].digests}
        for version in sorted(releases, key=Version)
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_HEADER + tomlkit.dumps({"versions": versions}))


def differences(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """The case labels whose output differs (or that only one side has)."""
    return sorted(
        label
        for label in recorded.keys() | current.keys()
        if recorded.get(label) != current.get(label)
    )
