"""The project lock: `flock` on `.aegis/lock`, one writer at a time.

A command that writes holds the lock exclusively from its first read of the project to the end
of its transaction, and records who it is in the lock file (pid, host, command), so that a
second command can say whom it waited for. Read-only commands hold it shared. The kernel
drops the lock when its process dies, so a crash never leaves the project locked.

The last holder deletes the lock file (and `.aegis/` when empty), so a project carries no
trace of a command. A command that waited on a file deleted that way notices (the path no
longer names the file it locked) and starts again with a new one.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime

from aegis.confined import ProjectFiles
from aegis.errors import FileAccessError, ProjectBusy

STATE_DIR = ".aegis"
LOCK_PATH = f"{STATE_DIR}/lock"
DEFAULT_TIMEOUT = 5.0
_POLL = 0.05
_ANNOUNCE_AFTER = 0.3


def timeout() -> float:
    """Seconds a command waits for the lock: AEGIS_LOCK_TIMEOUT, else 5."""
    try:
        return max(0.0, float(os.environ.get("AEGIS_LOCK_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


class ProjectLock:
    """The lock of one project. `acquire` waits a bounded time, then raises ProjectBusy."""

    def __init__(self, files: ProjectFiles, command: str) -> None:
        self.files = files
        self.command = command
        self._fd: int | None = None

    def acquire(
        self,
        exclusive: bool,
        wait: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        if self._fd is not None:
            raise RuntimeError("the project lock is already held")
        deadline = time.monotonic() + (timeout() if wait is None else wait)
        started = time.monotonic()
        announced = False
        operation = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        fd = self._open()
        while True:
            try:
                fcntl.flock(fd, operation | fcntl.LOCK_NB)
            except BlockingIOError:
                now = time.monotonic()
                if now >= deadline:
                    holder = _describe(_read_record(fd))
                    holder = holder[0].upper() + holder[1:]
                    os.close(fd)
                    raise ProjectBusy(
                        f"{holder} is using the project {self.files.root} (waited "
                        f"{now - started:.0f} s). Wait until it has finished, then run the "
                        "command again (AEGIS_LOCK_TIMEOUT sets how long to wait)."
                    ) from None
                if on_wait is not None and not announced and now - started >= _ANNOUNCE_AFTER:
                    on_wait(f"Waiting for {_describe(_read_record(fd))} to finish...")
                    announced = True
                time.sleep(_POLL)
                continue
            if self.files.is_same_file(LOCK_PATH, fd):
                break
            os.close(fd)  # the file was deleted (an interrupted init was undone): reopen
            fd = self._open()
        self._fd = fd
        self.files.lock_mode = "exclusive" if exclusive else "shared"
        if exclusive:
            record = {
                "pid": os.getpid(),
                "host": os.uname().nodename,
                "command": self.command,
                "since": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            # On a full disk the record may not fit: the lock holds all the same, and a
            # command that waits for it names no holder.
            with suppress(OSError):
                self.files.rewrite_open_file(fd, LOCK_PATH, (json.dumps(record) + "\n").encode())

    def release(self, keep_file: bool = False) -> None:
        """Unlock; the last holder (no one else holds it shared) deletes the lock file,
        unless `keep_file` (it takes the lock again at once: making the file anew would need
        room on the disk, which recovering must not)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # another reader still holds it: it deletes the file when it is done
        else:
            if not keep_file and self.files.is_same_file(LOCK_PATH, fd):
                self.files.delete(LOCK_PATH)
                self.files.remove_folder(STATE_DIR)
        finally:
            self.files.lock_mode = None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _open(self) -> int:
        for _ in range(100):  # the last holder may remove .aegis/ between two steps
            try:
                created = self.files.make_folders(STATE_DIR)
            except OSError as error:
                raise FileAccessError(
                    f"Could not create {STATE_DIR}/ in {self.files.root} (for the lock): "
                    f"{error.strerror or error}. Nothing was written. Fix the cause (free "
                    "space, permissions), then run again."
                ) from None
            try:
                fd = self.files.open_lock_file(LOCK_PATH)
            except FileAccessError:  # a full disk: no trace of this command stays
                for folder in reversed(created):
                    self.files.remove_folder(folder)
                raise
            if fd is not None:
                return fd
        raise ProjectBusy(f"Could not create {LOCK_PATH} in {self.files.root}. Run again.")


def _read_record(fd: int) -> dict[str, object]:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _describe(record: dict[str, object]) -> str:
    """ "another Aegis command (pid 12, `aegis add redis`, since ...)", from its record."""
    if not record.get("pid"):
        return "another Aegis command"
    where = f" on {record['host']}" if record.get("host") != os.uname().nodename else ""
    return (
        f"another Aegis command (pid {record['pid']}{where}, `{record.get('command')}`, "
        f"since {record.get('since', '?')})"
    )
