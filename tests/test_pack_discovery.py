"""The scan that spares a command `importlib.metadata` when no installed distribution declares
a pack: it says yes whenever `importlib.metadata` would find one."""

from __future__ import annotations

import sys
import zipfile
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from aegis.catalog import ENTRY_POINT_GROUP, _may_declare_packs


def distribution(folder: Path, name: str, entry_points_txt: str | None) -> Path:
    info = folder / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    if entry_points_txt is not None:
        (info / "entry_points.txt").write_text(entry_points_txt)
    return folder


@pytest.mark.parametrize(
    "entry_points_txt",
    [
        None,
        "[console_scripts]\nprobe = probe:main\n",
        f"[{ENTRY_POINT_GROUP}]\nprobe = probe_pack:PACK\n",
        f"[console_scripts]\nprobe = probe:main\n\n[{ENTRY_POINT_GROUP}]\nprobe = p:PACK\n",
    ],
)
def test_scan_agrees_with_importlib_metadata(
    entry_points_txt: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.syspath_prepend(str(distribution(tmp_path, "probe", entry_points_txt)))
    found = bool(entry_points(group=ENTRY_POINT_GROUP))
    assert found == (entry_points_txt is not None and ENTRY_POINT_GROUP in entry_points_txt)
    assert _may_declare_packs() == found


def test_this_environment():
    assert _may_declare_packs() or not entry_points(group=ENTRY_POINT_GROUP)


def test_what_it_cannot_read_counts_as_a_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    archive = tmp_path / "packs.zip"
    with zipfile.ZipFile(archive, "w") as opened:
        opened.writestr("empty.txt", "")
    monkeypatch.setattr(sys, "path", [*sys.path, str(archive)])
    assert _may_declare_packs()
