"""The change set: patches that `git apply` accepts, and writes that roll back."""

from __future__ import annotations

import subprocess
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from aegis.changes import ChangeSet, FileChange, _file_patch
from aegis.tree import VirtualTree
from tests.aegis_helpers import snapshot


def make(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def apply_patch(root: Path, patch: str) -> None:
    subprocess.run(["git", "apply", "-"], input=patch, text=True, cwd=root, check=True)


def test_patch_covers_every_kind_of_change(tmp_path: Path) -> None:
    original = {
        "kept.txt": "a\nb\nc\n",
        "gone.txt": "x\n",
        "empty-gone.py": "",
        "no-newline.txt": "last",
    }
    real, preview = tmp_path / "real", tmp_path / "preview"
    make(real, original)
    make(preview, original)
    tree = VirtualTree(real)
    tree.begin("first")
    tree.write("kept.txt", "a\nB\nc\n")
    tree.write("pkg/new.py", "")
    tree.write("pkg/data.txt", "one\n")
    tree.delete("empty-gone.py")
    tree.begin("second")
    tree.write("pkg/data.txt", "one\ntwo\n")  # created by the first step, changed here
    tree.write("kept.txt", "a\nB\nc\nd\n")
    tree.delete("gone.txt")
    tree.write("no-newline.txt", "last\n")
    changes = ChangeSet(tree)
    patch = changes.diff()
    assert patch.startswith("# aegis: first\n")
    assert "# aegis: second\n" in patch
    apply_patch(preview, patch)
    changes.apply()
    assert snapshot(preview) == snapshot(real)
    assert snapshot(real) == {
        "kept.txt": b"a\nB\nc\nd\n",
        "no-newline.txt": b"last\n",
        "pkg/data.txt": b"one\ntwo\n",
        "pkg/new.py": b"",
    }


def test_a_file_changed_then_deleted_appears_once(tmp_path: Path) -> None:
    make(tmp_path, {"owned.py": "x = 1\n"})
    tree = VirtualTree(tmp_path)
    tree.begin("integration")
    tree.write("owned.py", "x = 2\n")
    tree.begin("component")
    tree.delete("owned.py")
    patch = ChangeSet(tree).diff()
    assert "# aegis: integration" not in patch
    assert patch.count("deleted file mode") == 1
    apply_patch(tmp_path, patch)
    assert not (tmp_path / "owned.py").exists()


def test_nothing_staged_means_no_changes(tmp_path: Path) -> None:
    make(tmp_path, {"a.txt": "same\n"})
    tree = VirtualTree(tmp_path)
    tree.write("a.txt", "same\n")
    changes = ChangeSet(tree)
    assert not changes
    assert changes.diff() == ""


def test_deleting_the_last_file_of_a_folder_removes_the_folder(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/sub/only.py": "x\n", "keep.txt": "k\n"})
    tree = VirtualTree(tmp_path)
    tree.delete("pkg/sub/only.py")
    ChangeSet(tree).apply()
    assert not (tmp_path / "pkg").exists()
    assert (tmp_path / "keep.txt").exists()


# Texts of a few kinds of line (repeated ones too, which the matcher treats as popular in
# a long text), with or without a last newline.
_LINE = st.sampled_from(["", "a", "b", "x = 1", "    pass", "# c", "\\ z", "+1", "-1"])
_TEXT = st.lists(_LINE, max_size=300).map("\n".join) | st.none()


@settings(max_examples=300, deadline=None)
@given(before=_TEXT, after=_TEXT)
def test_counts_are_the_patch_lines(before: str | None, after: str | None) -> None:
    change = FileChange("f.txt", before, after)
    body = _file_patch(change).split("\n+++ ", 1)
    lines = body[1].splitlines()[1:] if len(body) == 2 else []
    added = sum(line.startswith("+") for line in lines)
    removed = sum(line.startswith("-") for line in lines)
    assert change.counts() == (added, removed)
