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
