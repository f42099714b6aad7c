"""The fast walks, against what they replace: `aegis.confined` splits path names as
`PurePosixPath` does, and the folders a transaction keeps open never outlive the folder they
were opened on; `render._templates` lists what `Path.rglob` listed."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aegis.confined import ProjectFiles, _parts
from aegis.errors import OutsideProject


@given(st.lists(st.sampled_from(["a", "b.py", ".", "..", "", " x", ".aegis"]), max_size=6))
def test_parts_are_pure_posix_paths_parts(names: list[str]):
    path = "/".join(names)
    if not path.startswith("/"):
        assert _parts(path) == list(PurePosixPath(path).parts)


@pytest.mark.parametrize("path", ["", ".", "/etc/passwd", "//x", "a/..", "../x"])
def test_paths_outside_are_refused(path: str, tmp_path: Path):
    with pytest.raises(OutsideProject):
        ProjectFiles(tmp_path).read(path)


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_removed_folder_is_not_written_through_its_old_descriptor(tmp_path: Path):
    files = ProjectFiles(tmp_path)
    files.root_fd()
    before = open_descriptors()
    with files.folders_kept_open():
        files.make_folders("a/b")
        files.write_new("a/b/one.txt", b"1", 0o644)
        files.delete("a/b/one.txt")
        assert files.remove_folder("a/b")
        files.make_folders("a/b")
        files.write_new("a/b/two.txt", b"2", 0o644)
        assert files.read("a/b/two.txt") == b"2"
        assert files.remove_folder("a/b") is False  # not empty
    assert (tmp_path / "a/b/two.txt").read_bytes() == b"2"
    assert open_descriptors() == before


def test_kept_folders_are_closed_with_the_project(tmp_path: Path):
    (tmp_path / "a").mkdir()
    files = ProjectFiles(tmp_path)
    before = open_descriptors()
    with files.folders_kept_open():
        assert files.read("a/missing") is None
        files.close()
        assert open_descriptors() == before


def _rglob_templates(source: Path) -> tuple[str, ...]:
    """What `render._templates` gave when it used `Path.rglob`."""
    found = []
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        skipped = {"__pycache__", ".pytest_cache", ".ruff_cache"}.intersection(relative.parts)
        if path.is_file() and not skipped and path.suffix != ".pyc":
            found.append(relative.as_posix())
    return tuple(sorted(found))


def test_template_listing_is_rglobs(tmp_path: Path):
    from aegis.render import _templates
    from aegis.resources import base_project_dir, transforms_dir

    tree = tmp_path / "files"
    for name in [
        "a.py.jinja",
        ".env.example",
        ".pyc",
        "b.pyc",
        "x/__pycache__/c.pyc",
        "x/y/z.txt",
        ".ruff_cache/k",
        "x/.pytest_cache/v",
        "p/q.",
        "p/r.pyc.jinja",
    ]:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(name)
    (tree / "link-to-file").symlink_to(tree / "x/y/z.txt")
    (tree / "link-to-folder").symlink_to(tree / "x")
    (tree / "broken-link").symlink_to(tree / "nowhere")
    folders = [tree, base_project_dir(), *sorted(transforms_dir().glob("*/files"))]
    for folder in folders:
        assert _templates(folder) == _rglob_templates(folder), folder
