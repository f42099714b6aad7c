"""Confinement: no write, rename, mode change or delete lands outside the project, whatever
links are planted in it; file modes are kept; files that cannot be written stop the
command with a message and leave everything as it was.

Policy for links (docs/reliability.md): Aegis follows no symbolic link inside a project, not
even one pointing inside it; a path it needs that goes through one is refused, naming it.
"""

from __future__ import annotations

import itertools
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aegis import confined, engine
from aegis.cli import app
from aegis.confined import ProjectFiles
from aegis.errors import OutsideProject
from tests.aegis_helpers import CATALOG, closure, init, snapshot
from tests.test_crash import BIGGEST

runner = CliRunner()


def aegis(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def everything(root: Path) -> dict[str, tuple[str, bytes, int]]:
    """Every entry under `root` without following links: kind, content (a link's target),
    permission bits."""
    found = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            entry = ("link", os.readlink(path).encode(), 0)
        elif path.is_dir():
            entry = ("folder", b"", stat.S_IMODE(info.st_mode))
        else:
            entry = ("file", path.read_bytes(), stat.S_IMODE(info.st_mode))
        found[path.relative_to(root).as_posix()] = entry
    return found


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    """A project and, beside it, a folder of the user's that nothing may touch."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("the user's own file\n")
    (outside / "victim.txt").chmod(0o600)
    return init(tmp_path / "projects"), outside


def test_links_at_the_temporary_names_redirect_nothing(world):
    """An attacker who wins the race: a link to a file outside appears at the name of each
    temporary file in turn (the journal's, every file's, and the hard link that keeps each
    file's before state), just before Aegis creates it.
    The command stops there, puts back what it wrote, and neither the link's target nor
    the project changes (the link is left where it was put)."""
    project, outside = world
    temporary = _temporary_files(project)
    for number in range(len(temporary)):
        seen = itertools.count()
        planted: list[Path] = []

        def plant(operation: str, path: str, number: int = number, seen=seen, planted=planted):
            if operation in ("open", "link") and _is_temporary(path) and next(seen) == number:
                planted.append(project / path)
                planted[0].symlink_to(outside / "victim.txt")

        before, around = everything(project), everything(outside)
        confined.set_fault_hook(plant)
        try:
            code, output = aegis("add", BIGGEST, "--path", project)
        finally:
            confined.set_fault_hook(None)
        assert code == 2, f"{temporary[number]}: {output}"
        assert "File exists" in output and "Nothing was changed" in output
        assert planted[0].is_symlink()
        planted[0].unlink()
        folder = planted[0].parent  # kept for the link in it: Aegis never deletes it
        while folder.relative_to(project).as_posix() not in before and folder != project:
            folder.rmdir()
            folder = folder.parent
        assert everything(project) == before
        assert everything(outside) == around
    print(f"links planted at each of {len(temporary)} temporary names")


def _is_temporary(path: str) -> bool:
    return path.endswith(".aegis-tmp") or path.startswith(".aegis/journal.")


def _temporary_files(project: Path) -> list[str]:
    """The temporary files one run of the command creates, in order (on a copy)."""
    copy = project.parent / "copy"
    shutil.copytree(project, copy)
    created: list[str] = []
    confined.set_fault_hook(
        lambda operation, path: (
            created.append(path) if operation in ("open", "link") and _is_temporary(path) else None
        )
    )
    try:
        assert aegis("add", BIGGEST, "--path", copy)[0] == 0
    finally:
        confined.set_fault_hook(None)
    shutil.rmtree(copy)
    return created


def test_links_at_the_old_predictable_names_are_ignored(world):
    project, outside = world
    changes = engine.add(CATALOG, project, [BIGGEST], {}).changes
    for change in changes.changes:
        link = project / Path(change.path).with_name(f".{Path(change.path).name}.aegis-tmp")
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(outside / "victim.txt")
    around = everything(outside)
    code, output = aegis("add", BIGGEST, "--path", project)
    assert code == 0, output
    assert everything(outside) == around
    assert all((project / p).is_symlink() for p in everything(project) if p.endswith("aegis-tmp"))


def _edited(project: Path, component: str) -> list[str]:
    """The files `add component` changes that exist already, and the new folders it makes."""
    changes = engine.add(CATALOG, project, [component], {}).changes.changes
    return [c.path for c in changes if c.before is not None]


def test_a_symlinked_file_is_refused(world):
    project, outside = world
    for path in _edited(project, BIGGEST):
        target = project / path
        moved = outside / path.replace("/", "__")
        shutil.move(target, moved)
        target.symlink_to(moved)
        before, around = everything(project), everything(outside)
        code, output = aegis("add", BIGGEST, "--path", project)
        assert code == 2, output
        assert f"{path} is a symbolic link (to {moved})" in output
        assert everything(project) == before and everything(outside) == around
        target.unlink()
        shutil.move(moved, target)


@pytest.mark.parametrize("inside", [False, True], ids=["to-outside", "to-inside"])
def test_a_symlinked_folder_is_refused(world, inside):
    project, outside = world
    folders = sorted({str(Path(p).parent) for p in _edited(project, BIGGEST) if "/" in p})
    for folder in folders:
        real = project / f"{folder}-real" if inside else outside / folder.replace("/", "__")
        shutil.move(project / folder, real)
        (project / folder).symlink_to(real, target_is_directory=True)
        before, around = everything(project), everything(outside)
        code, output = aegis("add", BIGGEST, "--path", project)
        assert code == 2, output
        assert f"{folder} is a symbolic link (to {real})" in output
        assert "replace the link by the folder itself" in output
        assert everything(project) == before and everything(outside) == around
        (project / folder).unlink()
        shutil.move(real, project / folder)


def test_a_link_where_a_new_file_goes_is_refused(world):
    project, outside = world
    changes = engine.add(CATALOG, project, [BIGGEST], {}).changes.changes
    new = next(c.path for c in changes if c.before is None)
    (project / new).parent.mkdir(parents=True, exist_ok=True)
    (project / new).symlink_to(outside / "created-through-the-link.py")
    before, around = everything(project), everything(outside)
    code, output = aegis("add", BIGGEST, "--path", project)
    assert code == 2, output
    assert f"{new} is a symbolic link" in output
    assert everything(project) == before and everything(outside) == around


@pytest.mark.parametrize("planted", [".aegis", ".aegis/lock"])
def test_a_link_in_place_of_the_lock_is_refused(world, planted):
    project, outside = world
    if planted == ".aegis":  # in place of the folder, and of the ledger it holds
        shutil.rmtree(project / planted)
    (project / planted).parent.mkdir(exist_ok=True)
    (project / planted).symlink_to(outside / ("victim.txt" if planted.endswith("lock") else ""))
    before, around = everything(project), everything(outside)
    code, output = aegis("add", BIGGEST, "--path", project)
    assert code == 2, output
    assert "is a symbolic link" in output
    assert everything(project) == before and everything(outside) == around


def test_paths_that_leave_the_project_are_refused(world):
    project, _ = world
    files = ProjectFiles(project)
    for path in ("../outside/victim.txt", "/etc/passwd", "app/../../x", ".."):
        with pytest.raises(OutsideProject):
            files.read(path)
        with pytest.raises(OutsideProject):
            files.write_new(path, b"x", 0o644)


def test_the_project_folder_may_be_reached_through_a_link(world, tmp_path):
    project, _ = world
    (tmp_path / "shortcut").symlink_to(project, target_is_directory=True)
    code, output = aegis("add", BIGGEST, "--path", tmp_path / "shortcut")
    assert code == 0, output


def test_file_modes_are_kept(world):
    project, _ = world
    edited = _edited(project, BIGGEST)
    for number, path in enumerate(edited):
        (project / path).chmod((0o600, 0o640, 0o755, 0o664)[number % 4])
    before = everything(project)
    assert aegis("add", BIGGEST, "--path", project)[0] == 0
    for path in edited:
        assert everything(project)[path][2] == before[path][2], path
    assert aegis("remove", *CATALOG.sort(closure([BIGGEST])), "--path", project)[0] == 0
    assert everything(project) == before


def test_a_read_only_file_is_refused(world):
    project, _ = world
    path = _edited(project, BIGGEST)[0]
    (project / path).chmod(0o444)
    before = everything(project)
    code, output = aegis("add", BIGGEST, "--path", project)
    assert code == 2, output
    assert f"read-only and Aegis would change them: {path} (444)" in output
    assert everything(project) == before


@pytest.mark.parametrize("what", ["file", "folder"])
def test_an_unwritable_file_or_folder_stops_the_command_and_puts_everything_back(world, what):
    """Immutable (chattr +i, as root) or without write permission (otherwise): the write
    fails half-way; what was written is put back; the message names the path."""
    project, _ = world
    changes = engine.add(CATALOG, project, [BIGGEST], {}).changes.changes
    if what == "file":
        named = [c.path for c in changes if c.before is not None][-1]
        blocked = project / named
    else:
        folder = str(Path([c.path for c in changes if c.before is None][-1]).parent)
        named = f"{folder}/"  # the first write under it fails, a file or a sub-folder
        blocked = project / folder
        blocked.mkdir(parents=True, exist_ok=True)
    before = snapshot(project)
    _make_unwritable(blocked)
    try:
        code, output = aegis("add", BIGGEST, "--path", project)
    finally:
        _make_writable(blocked)
    assert code == 2, output
    assert f"Could not write {named}" in output
    assert "the files already written were put back" in output
    assert snapshot(project) == before


def _make_unwritable(path: Path) -> None:
    if os.geteuid() == 0:  # root ignores permission bits, not the immutable flag
        subprocess.run(["chattr", "+i", str(path)], check=True)
    elif path.is_dir():
        path.chmod(0o555)
    else:
        path.parent.chmod(0o555)


def _make_writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    elif path.is_dir():
        path.chmod(0o755)
    else:
        path.parent.chmod(0o755)
