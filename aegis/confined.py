"""File operations confined to one project folder.

Every path is opened relative to the project root's directory descriptor, one folder at a
time, with `O_NOFOLLOW`: a symbolic link anywhere on a path Aegis reads or writes is refused,
so no planted link can send a read, write, rename, mode change or delete outside the project.
New files are created with `O_CREAT | O_EXCL | O_NOFOLLOW` under a name that holds a random
token, and renamed into place.

Policy for links *inside* the project: Aegis does not follow them either. A path it needs
that goes through a link (to a file or a folder, pointing inside or outside the project) stops
the command with a message naming the link; links elsewhere in the project are left alone.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from aegis.errors import FileAccessError, OutsideProject

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC

FaultHook = Callable[[str, str], None]
_fault_hook: FaultHook | None = None


def set_fault_hook(hook: FaultHook | None) -> None:
    """Tests only: `hook(operation, path)` runs before every file operation of this module,
    so a test can kill the process or make the operation fail at any chosen point."""
    global _fault_hook
    _fault_hook = hook


def _step(operation: str, path: str) -> None:
    if _fault_hook is not None:
        _fault_hook(operation, path)


def new_file_mode() -> int:
    """The mode a new file gets (0o666 without the umask), as `open()` would give it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


class ProjectFiles:
    """The files of one project folder (`root`, absolute), reached without following links.

    The root itself may not exist yet (`aegis init`): reads then find nothing, and
    `create_root` makes it.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.realpath(root))
        self._fd: int | None = None
        self._kept: dict[str, int] | None = None  # folder -> descriptor, see `folders_kept_open`
        self.lock_mode: str | None = None  # "shared" or "exclusive" while a lock is held

    # -- the root ------------------------------------------------------------------------

    def root_fd(self) -> int | None:
        """The root folder's descriptor, or None while it does not exist."""
        if self._fd is None:
            try:
                self._fd = os.open(self.root, _DIRECTORY)
            except FileNotFoundError:
                return None
            except NotADirectoryError:
                raise FileAccessError(
                    f"{self.root} exists and is not a directory. Choose another name or "
                    "--output-dir."
                ) from None
            except OSError as error:
                raise _access_error(str(self.root), "open", error) from None
        return self._fd

    def create_root(self) -> list[str]:
        """Create the root folder (and missing folders above it); the ones created, top
        first, as absolute paths."""
        missing: list[Path] = []
        folder = self.root
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            _step("mkdir", str(path))
            with suppress(FileExistsError):
                os.mkdir(path)
        return [str(path) for path in reversed(missing)]

    def close(self) -> None:
        self._forget("")
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        # The engine's functions hand their ProjectFiles to the Outcome they return, and a
        # library caller (the testing workbench, a pack's contract tests) lets both go
        # without closing: the descriptors must go with them.
        with suppress(OSError, AttributeError, TypeError):
            self.close()

    # -- reading -------------------------------------------------------------------------

    def read(self, path: str) -> bytes | None:
        """The bytes of the file at `path`, or None when it (or a folder on its way) does
        not exist. A link, a folder or a special file there is refused."""
        with self._parent(path) as (parent, name):
            if parent is None:
                return None
            kind = _kind(parent, name)
            if kind is None:
                return None
            if kind != "file":
                raise _not_a_file(path, kind, parent, name)
            _step("open", path)
            try:
                fd = os.open(name, _READ, dir_fd=parent)
            except OSError as error:
                raise _access_error(path, "read", error) from None
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise FileAccessError(f"{path} changed while Aegis was reading it. Run again.")
                chunks = []
                while chunk := os.read(fd, 1 << 20):
                    chunks.append(chunk)
                return b"".join(chunks)
            except OSError as error:
                raise _access_error(path, "read", error) from None
            finally:
                os.close(fd)

    def mode(self, path: str) -> int | None:
        """The permission bits of the file at `path`, or None when it does not exist."""
        with self._parent(path) as (parent, name):
            if parent is None:
                return None
            try:
                found = os.stat(name, dir_fd=parent, follow_symlinks=False)
            except FileNotFoundError:
                return None
            return stat.S_IMODE(found.st_mode)

    def exists(self, path: str) -> bool:
        """True when anything (file, folder, link) is at `path`."""
        with self._parent(path) as (parent, name):
            return parent is not None and _kind(parent, name) is not None

    def is_folder(self, path: str) -> bool:
        with self._parent(path) as (parent, name):
            return parent is not None and _kind(parent, name) == "folder"

    def list_folder(self, path: str) -> list[str]:
        """The names in the folder at `path` ("" for the root); [] when it does not exist."""
        if not path:
            fd = self.root_fd()
            return [] if fd is None else os.listdir(fd)
        with self._folder(path) as (fd, _):
            return [] if fd is None else os.listdir(fd)

    # -- writing (each one a single step a crash can stop between) ------------------------

    def make_folders(self, folder: str) -> list[str]:
        """Create `folder` and the missing folders above it; the ones created, top first."""
        created: list[str] = []
        parts = _parts(folder)
        for depth in range(1, len(parts) + 1):
            current = "/".join(parts[:depth])
            with self._parent(current) as (parent, name):
                assert parent is not None  # the folders above were just made
                kind = _kind(parent, name)
                if kind == "folder":
                    continue
                if kind is not None:
                    raise _not_a_file(current, kind, parent, name, wanted="folder")
                _step("mkdir", current)
                try:
                    os.mkdir(name, 0o777, dir_fd=parent)
                except FileExistsError:  # another process made it since `_kind` looked
                    if _kind(parent, name) == "folder":
                        continue
                    raise
                created.append(current)
        return created

    def write_new(self, path: str, data: bytes, mode: int, sync: bool = False) -> None:
        """Create the file `path` (which must not exist) with `data` and `mode`; `sync`:
        on disk before this returns. A file it could not finish is deleted again."""
        with self._parent(path) as (parent, name):
            assert parent is not None
            _step("open", path)
            fd = os.open(name, _CREATE, 0o600, dir_fd=parent)
            try:
                view = memoryview(data)
                while view:
                    _step("write", path)
                    view = view[os.write(fd, view) :]
                _step("chmod", path)
                os.fchmod(fd, mode)
                if sync:
                    _step("fsync", path)
                    os.fsync(fd)
            except BaseException:
                os.close(fd)
                with suppress(OSError):
                    os.unlink(name, dir_fd=parent)
                raise
            os.close(fd)

    def rename(self, source: str, target: str) -> None:
        """Rename within one folder (`os.rename` replaces a file atomically)."""
        if PurePosixPath(source).parent != PurePosixPath(target).parent:
            raise ValueError("renames stay within one folder")
        with self._parent(target) as (parent, name):
            assert parent is not None
            _step("rename", target)
            os.rename(PurePosixPath(source).name, name, src_dir_fd=parent, dst_dir_fd=parent)

    def link(self, source: str, target: str) -> None:
        """Give the file at `source` a second name, `target` (which must not exist), in any
        folder of the project: a hard link, so no byte is written. Both folders are reached
        without following links, and `source` must be a file (never a link: the new name
        would be the link itself, not what it points to)."""
        with self._parent(source) as (source_parent, source_name):
            kind = None if source_parent is None else _kind(source_parent, source_name)
            if source_parent is None or kind != "file":
                raise FileNotFoundError(errno.ENOENT, "not a file", source)
            with self._parent(target) as (target_parent, target_name):
                assert target_parent is not None
                _step("link", target)
                os.link(
                    source_name,
                    target_name,
                    src_dir_fd=source_parent,
                    dst_dir_fd=target_parent,
                    follow_symlinks=False,
                )

    def move(self, source: str, target: str) -> None:
        """Rename `source` to `target`, in any two folders of the project (one file system:
        the rename replaces `target` atomically and writes no byte). Both folders are
        reached without following links."""
        with self._parent(source) as (source_parent, source_name):
            assert source_parent is not None
            with self._parent(target) as (target_parent, target_name):
                assert target_parent is not None
                _step("rename", target)
                os.rename(
                    source_name, target_name, src_dir_fd=source_parent, dst_dir_fd=target_parent
                )

    def delete(self, path: str) -> None:
        """Delete the file (or link) at `path`; nothing when it is not there."""
        with self._parent(path) as (parent, name):
            if parent is None:
                return
            _step("unlink", path)
            with suppress(FileNotFoundError):
                os.unlink(name, dir_fd=parent)

    def remove_folder(self, folder: str) -> bool:
        """Remove `folder` if it is an empty folder; True when it was removed."""
        with self._parent(folder) as (parent, name):
            if parent is None or _kind(parent, name) != "folder":
                return False
            _step("rmdir", folder)
            self._forget(folder)
            try:
                os.rmdir(name, dir_fd=parent)
            except OSError as error:
                if error.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT):
                    return False
                raise
            return True

    def sync_folder(self, folder: str) -> None:
        """Make the renames and deletes in `folder` durable."""
        with self._folder(folder) as (fd, _):
            if fd is not None:
                _step("fsync", folder or ".")
                os.fsync(fd)

    def open_lock_file(self, path: str) -> int | None:
        """A read-write descriptor of the file at `path`, created when missing (for locks);
        None when its folder does not exist (any more)."""
        with self._parent(path) as (parent, name):
            if parent is None:
                return None
            kind = _kind(parent, name)
            if kind not in (None, "file"):
                raise _not_a_file(path, kind, parent, name)
            flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
            try:
                _step("open", path)
                return os.open(name, flags, 0o666, dir_fd=parent)
            except FileNotFoundError:
                return None
            except OSError as error:
                raise _access_error(path, "open", error) from None

    def rewrite_open_file(self, fd: int, path: str, data: bytes) -> None:
        """Make `data` the whole content of the file open as `fd`, found at `path` (the lock
        file: its holder's record)."""
        _step("write", path)
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)

    def is_same_file(self, path: str, fd: int) -> bool:
        """True when `path` still names the file open as `fd` (not deleted or replaced)."""
        with self._parent(path) as (parent, name):
            if parent is None:
                return False
            try:
                found = os.stat(name, dir_fd=parent, follow_symlinks=False)
            except FileNotFoundError:
                return False
            held = os.fstat(fd)
            return (found.st_dev, found.st_ino) == (held.st_dev, held.st_ino)

    def sync_all(self) -> None:
        """Make every write so far durable: one `syncfs` of the project's file system
        (Linux), else `sync` (cheaper than an fsync per file: each one waits for the disk)."""
        fd = self.root_fd()
        _step("sync", ".")
        if fd is not None and sys.platform == "linux":
            import ctypes

            if ctypes.CDLL(None, use_errno=True).syncfs(fd) == 0:
                return
        os.sync()

    # -- walking -------------------------------------------------------------------------

    @contextmanager
    def folders_kept_open(self) -> Iterator[None]:
        """Within, each folder is opened once and its descriptor kept: a transaction walks
        to the folders of its files thousands of times. Only for a caller holding the
        project lock exclusively, so that no other Aegis command removes a folder meanwhile;
        a folder this object removes is forgotten."""
        self._kept = {}
        try:
            yield
        finally:
            self._forget("")
            self._kept = None

    def _forget(self, folder: str) -> None:
        """Close the kept descriptors of `folder` and of the folders in it ("": all)."""
        if self._kept:
            for kept in [f for f in self._kept if not folder or f"{f}/".startswith(f"{folder}/")]:
                os.close(self._kept.pop(kept))

    def _folder(self, folder: str) -> _Walk:
        """`with` it: a descriptor of `folder` (relative, "" for the root), or None when
        missing, and ""."""
        return _Walk(self, folder, _parts(folder), "")

    def _open_folder(self, folder: str, parts: list[str], opened: list[int]) -> int | None:
        fd = self.root_fd()
        for depth, part in enumerate(parts, 1):
            if fd is None:
                return None
            _check_part(folder, part)
            here = "/".join(parts[:depth])
            kept = None if self._kept is None else self._kept.get(here)
            if kept is not None:
                fd = kept
                continue
            try:
                child = os.open(part, _DIRECTORY, dir_fd=fd)
            except FileNotFoundError:
                return None
            except OSError as error:
                kind = _kind(fd, part)
                if kind not in (None, "folder"):
                    raise _not_a_file(here, kind, fd, part, wanted="folder") from None
                raise _access_error(here, "open", error) from None
            if self._kept is None:
                opened.append(child)
            else:
                self._kept[here] = child
            fd = child
        return fd

    def _parent(self, path: str) -> _Walk:
        """`with` it: a descriptor of the folder of `path` (None when missing) and the name
        of `path` in it."""
        parts = _parts(path)
        if path.startswith("/") or not parts:
            raise OutsideProject(f"`{path}` is not a path inside the project.")
        _check_part(path, parts[-1])
        return _Walk(self, path, parts[:-1], parts[-1])


class _Walk:
    """The descriptor of a folder and a name in it, for a `with` block; the descriptors
    opened on the way (none while folders are kept open) are closed after it. A class rather
    than a `contextmanager` generator: a transaction enters thousands of them."""

    __slots__ = ("_files", "_path", "_parts", "_name", "_opened")

    def __init__(self, files: ProjectFiles, path: str, parts: list[str], name: str) -> None:
        self._files = files
        self._path = path
        self._parts = parts
        self._name = name
        self._opened: list[int] = []

    def __enter__(self) -> tuple[int | None, str]:
        try:
            return self._files._open_folder(self._path, self._parts, self._opened), self._name
        except BaseException:
            self._close()
            raise

    def __exit__(self, *_: object) -> None:
        self._close()

    def _close(self) -> None:
        for descriptor in self._opened:
            os.close(descriptor)


def _parts(path: str) -> list[str]:
    """The names of a relative path, as `PurePosixPath(path).parts` gives them (without
    building one: a command walks thousands of paths)."""
    return [part for part in path.split("/") if part and part != "."]


def _check_part(path: str, part: str) -> None:
    if part in ("..", ".") or "/" in part or "\0" in part:
        raise OutsideProject(f"`{path}` leaves the project folder; Aegis writes only inside it.")


def _kind(parent: int, name: str) -> str | None:
    try:
        found = os.stat(name, dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(found.st_mode):
        return "link"
    if stat.S_ISDIR(found.st_mode):
        return "folder"
    return "file" if stat.S_ISREG(found.st_mode) else "special file"


def _not_a_file(
    path: str, kind: str, parent: int, name: str, wanted: str = "file"
) -> FileAccessError:
    if kind == "link":
        target = os.readlink(name, dir_fd=parent)
        return OutsideProject(
            f"{path} is a symbolic link (to {target}). Aegis does not write through links, "
            f"even to a place inside the project: replace the link by the {wanted} itself, "
            "or make this change by hand."
        )
    return FileAccessError(
        f"{path} is a {kind}, where Aegis expects a {wanted}. Move it away, then run again."
    )


def _access_error(path: str, action: str, error: OSError) -> FileAccessError:
    permissions = error.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    hint = "Fix its permissions" if permissions else "Fix the cause"
    return FileAccessError(
        f"Could not {action} {path}: {error.strerror or error}. {hint}, then run again."
    )
