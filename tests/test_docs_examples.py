"""The code of docs/writing-a-pack.md runs: a pack shown there is the real file, or is loaded
and applied to a project, and taken out again to the same bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aegis.catalog import Catalog
from aegis.pack import Pack
from aegis.testing import Workbench, snapshot
from tests.aegis_helpers import CATALOG

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "writing-a-pack.md"
REAL_FILES = {
    "sentry": ROOT / "examples/aegis-sentry/src/aegis_sentry/pack.py",
    **{pack.name: pack.root / "pack.py" for pack in CATALOG if pack.origin.builtin},
}
BLOCKS = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S)
PACK_BLOCKS = [block for block in BLOCKS if "\nPACK = Pack(" in block]


def pack_name(block: str) -> str:
    match = re.search(r'^PACK = Pack\(\n    name="(\w+)"', block, re.M)
    assert match, block
    return match.group(1)


def test_the_guide_shows_packs() -> None:
    assert {"sentry", "scheduler_database", "mail"} <= {pack_name(b) for b in PACK_BLOCKS}


@pytest.mark.parametrize("block", PACK_BLOCKS, ids=pack_name)
def test_each_pack_of_the_guide_is_real(block: str, tmp_path: Path) -> None:
    name = pack_name(block)
    if name in REAL_FILES:
        assert block == REAL_FILES[name].read_text(), f"the guide's {name} differs from its file"
        return
    namespace: dict[str, object] = {}
    exec(compile(block, str(GUIDE), "exec"), namespace)
    pack = namespace["PACK"]
    assert isinstance(pack, Pack)
    bench = Workbench(Catalog([*CATALOG, pack]))
    for options in bench.catalog.option_variants():
        own = {k: v for k, v in options.items() if k.startswith(f"{name}_")}
        project = bench.init(tmp_path / str(len(list(tmp_path.iterdir()))), [])
        before = snapshot(project)
        assert bench.add(project, [name], own)
        assert bench.remove(project, [name])
        assert snapshot(project) == before


def test_the_contract_snippet_runs() -> None:
    (snippet,) = [block for block in BLOCKS if "PackContract)" in block]
    namespace: dict[str, object] = {}
    exec(compile(snippet, str(GUIDE), "exec"), namespace)
    assert namespace["TestSentryContract"].pack == "sentry"  # type: ignore[attr-defined]


MIGRATING = [block for block in PACK_BLOCKS if "migrations=" in block]


@pytest.mark.parametrize("block", MIGRATING, ids=pack_name)
def test_a_pack_of_the_guide_is_born_migrated(block: str, tmp_path: Path) -> None:
    """Added to a project, the pack records its migrations as done; run anyway, they change
    nothing (the project is in the new shape)."""
    from tests.aegis_helpers import migrated
    from tests.test_ledger import ledger_of

    namespace: dict[str, object] = {}
    exec(compile(block, str(GUIDE), "exec"), namespace)
    pack = namespace["PACK"]
    assert isinstance(pack, Pack) and pack.migrations
    catalog = Catalog([*CATALOG, pack])
    project = Workbench(catalog).init(tmp_path, [pack.name])
    record = ledger_of(project)["packs"][pack.name]  # type: ignore[index]
    assert record["migrations"] == [m.id for m in pack.migrations]
    before = snapshot(project)
    for migration in pack.migrations:
        assert migrated(project, migration, 1, catalog) == before


def test_the_migration_of_the_update_guide_runs_once(tmp_path: Path) -> None:
    from tests.aegis_helpers import init, migrated

    guide = (ROOT / "docs" / "update.md").read_text()
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", guide, re.S) if "Migration(" in b]
    namespace: dict[str, object] = {}
    exec(compile(block, "update.md", "exec"), namespace)
    (migration,) = namespace["MIGRATIONS"]  # type: ignore[misc]
    project = init(tmp_path)
    for path in (".env.example", ".env"):
        (project / path).write_text((project / path).read_text() + "LEGACY_MODE=1\n")
    once = migrated(project, migration, 1)
    assert all(b"LEGACY_MODE" not in once[path] for path in (".env.example", ".env"))
    assert migrated(project, migration, 1) == once
