"""One transaction per command: the change set reaches the disk all or nothing.

1. **Prepare**: under the project lock, check that every file is still what the plan read and
   may be written; note the folders that will be created.
2. **Journal**: write `.aegis/journal` (each path with its bytes and mode before and after)
   and sync it to disk, before the first change.
3. **Apply**: each file that exists first gets a second name in `.aegis/`, a hard link
   `journal.<token>.<n>.before.tmp` (its before state, kept without writing a byte); then it
   is written to a new temporary file (random name, created exclusively) and renamed into
   place, or unlinked when the change set deletes it.
4. **Commit**: `.aegis/journal.<token>.committed` marks the change set as complete; the
   folders deletions left empty are removed (only now, so that undoing never has to make a
   folder again); one `syncfs` puts the files and the mark on disk (whatever of them reached
   the disk before a power loss, the journal has what recovery needs: every file is
   rewritten from it).
5. **Clean up**: the before links, the journal and the mark are deleted.

After a crash anywhere, `recover` (run by the next command that opens the project) rolls
forward a committed journal and rolls back any other, so the project is exactly as before or
exactly as after. SIGINT and SIGTERM during the apply roll back at once; a write that fails
(disk full, permissions) too.

Rolling back needs no free space: each file the apply replaced or deleted is put back by
renaming its before link over it (a rename writes no data), a file it created is unlinked, a
folder it created removed. Where a hard link is impossible (the file is on another file
system than `.aegis/`, e.g. a folder of the project that is a mount point; a file system
without hard links; the protected-hardlinks rule of a file owned by someone else), the file
is put back from the journal's copy instead, which needs room for that file: on a full disk
that step fails, the command says so, and the next command finishes the rollback once there
is room.
"""

from __future__ import annotations

import base64
import errno
import json
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import PurePosixPath
from types import FrameType

from aegis.confined import ProjectFiles, new_file_mode
from aegis.errors import (
    ConcurrentChange,
    FileAccessError,
    Interrupted,
    PlanError,
    WriteFailed,
)
from aegis.lock import LOCK_PATH, STATE_DIR, ProjectLock
from aegis.plain import Plain, asdict, field

JOURNAL = f"{STATE_DIR}/journal"
_STAGING = "journal.{token}.tmp"
_MARK = "journal.{token}.committed"
_BEFORE = "journal.{token}.{index}.before.tmp"  # a hard link to file `index` as it was
# A hard link cannot be made (then the journal's copy serves instead).
_NO_LINK = {
    errno.EXDEV,
    errno.EPERM,
    errno.EMLINK,
    errno.ENOTSUP,
    errno.EOPNOTSUPP,
    errno.ENOSYS,
    errno.ENOENT,
}
_FORMAT = 1


class Entry(Plain, frozen=False):
    """One file of the change set: its bytes and mode before and after (None: absent)."""

    path: str
    before: bytes | None
    before_mode: int | None
    after: bytes | None
    after_mode: int | None

    def temporary(self, token: str, index: int) -> str:
        parent = PurePosixPath(self.path).parent
        name = f".{token}-{index}.aegis-tmp"
        return name if not parent.parts else f"{parent}/{name}"


class Journal(Plain, frozen=False):
    token: str
    command: str
    pid: int
    entries: list[Entry]
    folders: list[str] = field(default_factory=list)  # created by the apply, top first
    root_folders: list[str] = field(default_factory=list)  # absolute: a new project's own
    # The entries whose before link this process made (not recorded: after a crash, the
    # links are found by their names, which hold the journal's random token).
    kept: set[int] = field(default_factory=set, compare=False)

    def dump(self) -> bytes:
        """The journal as JSON, the contents in base64.

        The contents are put in after `json.dumps` has laid the rest out, in place of
        placeholders: base64 needs no escaping, and scanning a big file's contents for
        characters to escape cost more than the rest of the dump. The text is the same as
        `json.dumps` of the whole (when a placeholder's text is found anywhere else, e.g. in
        a path, that is what is used)."""
        data = asdict(self)
        del data["kept"]
        data["format"] = _FORMAT
        contents: list[str] = []
        for entry in data["entries"]:
            for side in ("before", "after"):
                if entry[side] is not None:
                    contents.append(base64.b64encode(entry[side]).decode("ascii"))
                    entry[side] = f"{_PLACEHOLDER}{len(contents) - 1}"
        text = json.dumps(data, indent=1)
        quoted = json.dumps(_PLACEHOLDER)[:-1]  # its opening quote and its text as JSON
        pieces = text.split(quoted)
        if len(pieces) != len(contents) + 1:
            return _dump_whole(data, contents)
        spliced = [pieces[0]]
        for index, (content, piece) in enumerate(zip(contents, pieces[1:], strict=True)):
            number, quote, rest = piece.partition('"')
            assert number == str(index) and quote
            spliced += ['"', content, '"', rest]
        return "".join(spliced).encode()

    @classmethod
    def load(cls, raw: bytes) -> Journal:
        data = json.loads(raw)
        if data.pop("format", None) != _FORMAT:
            raise ValueError("unknown journal format")
        entries = []
        for entry in data.pop("entries"):
            for side in ("before", "after"):
                if entry[side] is not None:
                    entry[side] = base64.b64decode(entry[side])
            entries.append(Entry(**entry))
        return cls(entries=entries, **data)


# Stands for a content in the journal's text until the content is put in: a NUL starts it,
# which no path nor command holds.
_PLACEHOLDER = "\0aegis-journal-content-"


def _dump_whole(data: dict[str, object], contents: list[str]) -> bytes:
    """The journal `data` (with placeholders) as JSON, each content encoded in its place."""
    entries = data["entries"]
    assert isinstance(entries, list)
    for entry in entries:
        for side in ("before", "after"):
            value = entry[side]
            if value is not None:
                entry[side] = contents[int(value.removeprefix(_PLACEHOLDER))]
    return json.dumps(data, indent=1).encode()


Change = tuple[str, str | None, str | None]  # path, text before, text after


def run(files: ProjectFiles, changes: Sequence[Change], command: str) -> None:
    """Write `changes` as one transaction, under the project's lock (taken here when the
    caller does not hold it)."""
    if not changes:
        return
    root_folders = files.create_root() if files.root_fd() is None else []
    lock = None
    failed = True
    try:
        if files.lock_mode != "exclusive":
            lock = ProjectLock(files, command)
            lock.acquire(exclusive=True)
        journal = Journal(os.urandom(8).hex(), command, os.getpid(), [], [], root_folders)
        with files.folders_kept_open():
            _prepare(files, journal, changes)
            late_signal = _execute(files, journal)
        failed = False
    finally:
        if lock is not None:
            lock.release()
        if failed and root_folders and not pending(files):
            files.close()  # nothing is left to recover: the new folder goes too
            _remove_root_folders(root_folders)
    if late_signal is not None:
        raise Interrupted(
            late_signal,
            f"Interrupted ({signal.Signals(late_signal).name}) just after the changes were "
            "complete: the project has every change of this command.",
        )


def recover(files: ProjectFiles) -> str | None:
    """Finish or undo a transaction a crash interrupted; say which (None: there was none).

    The caller holds the lock exclusively."""
    names = set(files.list_folder(STATE_DIR))
    message = None
    if "journal" in names:
        journal = _load(files)
        committed = _MARK.format(token=journal.token) in names
        done = "finished it" if committed else "rolled it back"
        state = "after" if committed else "before"
        _check_untouched(files, journal)
        with _signals_deferred() as guard:
            try:
                if committed:
                    for index, entry in enumerate(journal.entries):
                        _forward(files, journal, index, entry)
                else:
                    _undo(files, journal, recovering=True)
                files.sync_all()
                _clean_up(files, journal, marked=committed)
            except OSError as error:
                raise WriteFailed(
                    f"An earlier `{journal.command}` was interrupted, and Aegis could not "
                    f"finish putting the project back ({_reason(error)}: "
                    f"{getattr(error, 'filename', None) or 'a file'}). Fix the cause, then "
                    "run any aegis command in the project again: it will carry on."
                ) from error
            if not committed:
                _forget_new_project(files, journal)
            guard.allow()
        message = (
            f"An earlier `{journal.command}` (pid {journal.pid}) was interrupted; Aegis "
            f"{done}: the project is exactly as {state} that command."
        )
        if guard.received is not None:
            raise Interrupted(guard.received, f"stopped after this: {message}")
    # What an earlier command left before its journal was in place, and the before links
    # of the journal just finished or undone.
    for name in names:
        if name.startswith("journal.") and name.endswith((".tmp", ".committed")):
            files.delete(f"{STATE_DIR}/{name}")
    return message


def _check_untouched(files: ProjectFiles, journal: Journal) -> None:
    """Recovery only ever writes over its own work: every file must hold what it held
    before the interrupted command or what that command wrote."""
    changed = []
    for entry in journal.entries:
        try:
            current = files.read(entry.path)
        except FileAccessError:
            current = b"not a file"
        if current not in (entry.before, entry.after):
            changed.append(entry.path)
    if changed:
        raise PlanError(
            f"An earlier `{journal.command}` was interrupted, and these files changed since: "
            f"{', '.join(changed)}. Aegis would have to overwrite them to finish that command "
            "or undo it. Keep a copy of your changes and put the files back (e.g. `git "
            f"checkout`), or delete {JOURNAL} to keep the project as it is; then run again."
        )


def pending(files: ProjectFiles) -> bool:
    """True when an interrupted transaction left something for `recover` to do (the lock
    and the ledger are not part of a transaction's leftovers)."""
    return any(name.startswith("journal") for name in files.list_folder(STATE_DIR))


# -- the steps -----------------------------------------------------------------------------


def _prepare(files: ProjectFiles, journal: Journal, changes: Sequence[Change]) -> None:
    changed: list[str] = []
    read_only: list[str] = []
    folders: list[str] = []
    fresh_mode = new_file_mode()
    for path, before_text, after_text in changes:
        before = None if before_text is None else before_text.encode("utf-8")
        if files.read(path) != before:
            changed.append(path)
            continue
        mode = files.mode(path)
        if mode is not None and not mode & 0o222:
            read_only.append(f"{path} ({oct(mode)[2:]})")
        if after_text is not None:
            folders += [f for f in _missing_folders(files, path) if f not in folders]
        journal.entries.append(
            Entry(
                path=path,
                before=before,
                before_mode=mode,
                after=None if after_text is None else after_text.encode("utf-8"),
                after_mode=None if after_text is None else (fresh_mode if mode is None else mode),
            )
        )
    if changed:
        raise ConcurrentChange(
            "These files changed on disk while the command was running (another program "
            f"wrote them): {', '.join(changed)}. Nothing was written. Run the command again."
        )
    if read_only:
        raise FileAccessError(
            f"These files are read-only and Aegis would change them: {', '.join(read_only)}. "
            "Nothing was written. Make them writable (chmod u+w), then run again."
        )
    journal.folders = folders


def _missing_folders(files: ProjectFiles, path: str) -> list[str]:
    missing = []
    for parent in reversed(PurePosixPath(path).parents[:-1]):
        folder = str(parent)
        if files.is_folder(folder):
            continue
        if files.exists(folder):
            raise FileAccessError(
                f"{folder} is a file, where Aegis needs a folder (for {path}). Move it away, "
                "then run again."
            )
        missing.append(folder)
    return missing


def _execute(files: ProjectFiles, journal: Journal) -> int | None:
    """Journal, apply, commit, clean up; the signal that came once it was too late to
    stop (None: none did)."""
    current = JOURNAL
    marked = False
    with _signals_deferred() as guard:
        try:
            _write_journal(files, journal)
            for index, entry in enumerate(journal.entries):
                guard.check()
                current = entry.path
                _forward(files, journal, index, entry, fresh=True)
            guard.check()
            current = JOURNAL
            files.write_new(_mark(journal), b"", 0o644)
            marked = True
            _prune_all(files, journal)
            files.sync_all()  # the files and the mark are on disk before the journal goes
        except BaseException as error:
            if not files.exists(JOURNAL):
                raise _failure(error, current, written=False) from error
            try:
                _undo(files, journal)
                files.sync_all()
                _clean_up(files, journal, marked)
            except Exception as undo_error:
                raise WriteFailed(
                    f"Could not write {current} ({_reason(error)}), and could not put every "
                    f"file back ({_reason(undo_error)}). The next aegis command in this "
                    "project will finish putting it back."
                ) from error
            raise _failure(error, current, written=True) from error
        guard.allow()
        _clean_up(files, journal, marked=True)
    return guard.received


def _failure(error: BaseException, path: str, written: bool) -> BaseException:
    undone = "the files already written were put back; " if written else ""
    if isinstance(error, Interrupted):
        return Interrupted(
            error.signum,
            f"Interrupted ({error.signal_name}) while writing: {undone}the project is exactly "
            "as it was.",
        )
    if isinstance(error, OSError):
        return WriteFailed(
            f"Could not write {path}: {_reason(error)}. Nothing was changed ({undone or ''}"
            "the project is exactly as it was). Fix the cause (free space, permissions), then "
            "run again."
        )
    return error


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _write_journal(files: ProjectFiles, journal: Journal) -> None:
    staging = f"{STATE_DIR}/{_STAGING.format(token=journal.token)}"
    files.write_new(staging, journal.dump(), 0o600, sync=True)
    try:
        files.rename(staging, JOURNAL)
    except BaseException:
        files.delete(staging)
        raise
    files.sync_folder(STATE_DIR)


def _forward(
    files: ProjectFiles, journal: Journal, index: int, entry: Entry, fresh: bool = False
) -> None:
    """Put the entry's after state in place (`fresh`: first time, no leftovers to check;
    the file's before state is first kept as a hard link, and the folders a deletion leaves
    empty stay until the commit: see `_prune_all`)."""
    temporary = entry.temporary(journal.token, index)
    if fresh and entry.before is not None:
        _keep_before(files, journal, index, entry)
    if not fresh:
        files.delete(temporary)
    if entry.after is None:
        files.delete(entry.path)
        if not fresh:
            _prune(files, entry.path)
        return
    if not fresh and _is(files, entry.path, entry.after, entry.after_mode):
        return
    parent = PurePosixPath(entry.path).parent
    if parent.parts:
        files.make_folders(str(parent))
    _replace(files, temporary, entry.path, entry.after, entry.after_mode)


def _keep_before(files: ProjectFiles, journal: Journal, index: int, entry: Entry) -> None:
    """Give the file a second name in `.aegis/` before it is replaced or deleted, so that
    undoing is a rename. Where a hard link cannot be made, nothing: the undo writes the
    journal's copy instead."""
    try:
        files.link(entry.path, _before(journal, index))
    except OSError as error:
        if error.errno not in _NO_LINK:
            raise
        return
    journal.kept.add(index)


def _before(journal: Journal, index: int) -> str:
    return f"{STATE_DIR}/{_BEFORE.format(token=journal.token, index=index)}"


def _replace(files: ProjectFiles, temporary: str, path: str, data: bytes, mode: int | None) -> None:
    """Write `data` to the new file `temporary`, then rename it to `path` (deleting it
    again when the rename fails)."""
    files.write_new(temporary, data, new_file_mode() if mode is None else mode)
    try:
        files.rename(temporary, path)
    except BaseException:
        files.delete(temporary)
        raise


def _undo(files: ProjectFiles, journal: Journal, recovering: bool = False) -> None:
    """Put every entry back to its before state (whatever was done so far). `recovering`:
    after a crash, which may have left a temporary file and before links of this journal
    behind (in the command itself, only the links it made are its own)."""
    for index in reversed(range(len(journal.entries))):
        entry = journal.entries[index]
        temporary = entry.temporary(journal.token, index)
        kept = _before(journal, index) if recovering or index in journal.kept else None
        if recovering:
            files.delete(temporary)
        if _is(files, entry.path, entry.before, entry.before_mode):
            if kept is not None:
                files.delete(kept)
            continue
        if entry.before is None:
            files.delete(entry.path)
            continue
        parent = PurePosixPath(entry.path).parent
        if parent.parts:
            files.make_folders(str(parent))  # only when someone removed it since
        if kept is not None and _is(files, kept, entry.before, entry.before_mode):
            files.move(kept, entry.path)  # a rename: no byte written
            continue
        # No before link (a hard link was impossible, or someone changed it): the
        # journal's copy, which needs room for the file.
        _replace(files, temporary, entry.path, entry.before, entry.before_mode)
        if kept is not None:
            files.delete(kept)
    for folder in reversed(journal.folders):
        files.remove_folder(folder)


def _is(files: ProjectFiles, path: str, data: bytes | None, mode: int | None) -> bool:
    """True when the file at `path` already holds `data` with `mode` (None: is absent)."""
    try:
        current = files.read(path)
    except FileAccessError:
        return False
    if data is None:
        return current is None and not files.exists(path)
    return current == data and files.mode(path) == mode


def _prune_all(files: ProjectFiles, journal: Journal) -> None:
    """Remove the folders the deletions left empty: once the change set is complete (the
    commit mark is there), so that an undo never has to make a folder again."""
    for entry in journal.entries:
        if entry.after is None:
            _prune(files, entry.path)


def _prune(files: ProjectFiles, path: str) -> None:
    """Remove the folders a deletion left empty (never the root, never .aegis)."""
    for parent in PurePosixPath(path).parents[:-1]:
        if str(parent) == STATE_DIR or not files.remove_folder(str(parent)):
            return


def _mark(journal: Journal) -> str:
    return f"{STATE_DIR}/{_MARK.format(token=journal.token)}"


def _clean_up(files: ProjectFiles, journal: Journal, marked: bool) -> None:
    """Delete the before links this command made (`recover` deletes those of a crashed one
    with its other leftovers), the journal, and its commit mark when this command made one
    (the mark's name holds the journal's random token, so a file found there is Aegis's
    own)."""
    for index in sorted(journal.kept):
        files.delete(_before(journal, index))
    files.delete(JOURNAL)
    if marked:
        files.delete(_mark(journal))


def _forget_new_project(files: ProjectFiles, journal: Journal) -> None:
    """After undoing the transaction that created a project folder (`aegis init`), remove
    the folder itself (when it is empty again), with the lock file in it."""
    if not journal.root_folders:
        return
    files.delete(LOCK_PATH)
    files.remove_folder(STATE_DIR)
    files.close()
    _remove_root_folders(journal.root_folders)


def _remove_root_folders(folders: Sequence[str]) -> None:
    for folder in reversed(folders):
        try:
            os.rmdir(folder)
        except OSError:
            return


def _load(files: ProjectFiles) -> Journal:
    raw = files.read(JOURNAL)
    try:
        return Journal.load(raw or b"")
    except (ValueError, KeyError, TypeError) as error:
        raise PlanError(
            f"{JOURNAL} (the record of an interrupted Aegis command) is damaged ({error}), so "
            "Aegis cannot tell how to finish that command. Check the project with `git "
            f"status`, restore what is needed, then delete {JOURNAL} and run again."
        ) from error


# -- signals ---------------------------------------------------------------------------


class _SignalGuard:
    """Records SIGINT/SIGTERM instead of letting them stop the process mid-write."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._allowed = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum

    def check(self) -> None:
        if self.received is not None and not self._allowed:
            raise Interrupted(self.received, "interrupted")

    def allow(self) -> None:
        """The change set is complete: a signal now stops the command after the clean-up."""
        self._allowed = True


@contextmanager
def _signals_deferred() -> Iterator[_SignalGuard]:
    guard = _SignalGuard()
    if threading.current_thread() is not threading.main_thread():
        yield guard
        return
    previous = {
        signum: signal.signal(signum, guard.handle) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield guard
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
