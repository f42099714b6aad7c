"""What git knows about the files a command is about to change."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path


def uncommitted(root: Path, paths: Sequence[str]) -> list[str]:
    """Those of `paths` (relative to `root`) with changes git has not committed: modified,
    staged, or not tracked at all. Empty when `root` is not in a git work tree, or git is
    not installed."""
    if not paths or not _maybe_in_work_tree(root):
        return []
    try:
        result = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain=v1", "-z", "--", *paths],
            cwd=root,
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    records = iter(result.stdout.decode("utf-8", "replace").split("\0"))
    found = []
    for record in records:
        if len(record) > 3:
            found.append(record[3:])
            if record[0] in "RC":
                next(records, None)  # the name it had before
    prefix = _prefix(root) if found else ""
    if prefix is None:
        return []
    found = [path.removeprefix(prefix) for path in found]
    wanted = set(paths)
    return sorted(path for path in found if path in wanted)


def _maybe_in_work_tree(root: Path) -> bool:
    """Whether git could see `root` as part of a work tree: a `.git` in it or above it, or
    an environment that names the repository. Starting git costs more than the command's
    own work on a small project; a folder outside any repository need not ask it."""
    if os.environ.keys() & {"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR"}:
        return True
    folder = root.absolute()
    while True:
        if os.path.lexists(folder / ".git"):
            return True
        if folder.parent == folder:
            return False
        folder = folder.parent


def _prefix(root: Path) -> str | None:
    """`root` relative to the top of its work tree, as git prints paths ("" at the top)."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--show-prefix"], cwd=root, capture_output=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.decode().strip() if result.returncode == 0 else None
