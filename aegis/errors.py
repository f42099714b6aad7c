"""Errors a user can act on, and the exit codes of the command line.

The CLI prints an error's message (one paragraph that names the file and says what to do)
and exits with its `exit_code`. docs/reliability.md has the table of every exit code.
"""

from __future__ import annotations

import signal

DIFF_HAS_CHANGES = 1  # `aegis diff`: something would change
USER_ERROR = 2  # bad input, or a project the command cannot work on as it is
UPDATE_CONFLICT = 3  # `aegis update`: a conflict, listed; nothing was written
BUSY = 4  # another command holds the project, or changed it while this one ran
INSTALL_FAILED = 5  # `init --install`: the project was created, installing it failed
INTERNAL_ERROR = 70  # a bug in Aegis (EX_SOFTWARE); the traceback goes to a log file


class AegisError(Exception):
    """A problem with the user's input or project; the message says what to do."""

    exit_code = USER_ERROR


class InvalidName(AegisError):
    pass


class TargetExists(AegisError):
    pass


class UnknownComponent(AegisError):
    pass


class ConflictingComponents(AegisError):
    pass


class NotAnAegisProject(AegisError):
    pass


class PlanError(AegisError):
    """A transform cannot run on this project: a file does not parse, an anchor is gone."""


class InvalidManifest(PlanError):
    """`[tool.aegis]` in pyproject.toml has a wrong type or names something unknown."""


class DependentsPresent(AegisError):
    pass


class ModifiedFiles(AegisError):
    pass


class UpdateConflict(AegisError):
    """`aegis update`: the owner and the new version changed the same element."""

    exit_code = UPDATE_CONFLICT


class InvalidOption(AegisError):
    pass


class CatalogError(AegisError):
    """A pack under transforms/ is malformed: a bug in Aegis or in a third-party pack."""


class FileAccessError(AegisError):
    """A file or folder Aegis needs cannot be read or written (permissions, a folder where a
    file should be, not UTF-8, ...)."""


class OutsideProject(FileAccessError):
    """A path would leave the project folder (through `..` or a symbolic link)."""


class WriteFailed(FileAccessError):
    """Writing failed half-way (disk full, permissions); what was written was put back."""


class ProjectBusy(AegisError):
    """Another Aegis command holds the project's lock."""

    exit_code = BUSY


class ConcurrentChange(ProjectBusy):
    """A file changed on disk between the moment it was read and the write."""


class InstallFailed(AegisError):
    """`init --install` created the project but could not install it (network, index)."""

    exit_code = INSTALL_FAILED


class Interrupted(BaseException):
    """SIGINT or SIGTERM stopped a command (a BaseException, like KeyboardInterrupt, so
    that no `except Exception` swallows it). Exit code 128 + the signal number."""

    def __init__(self, signum: int, message: str) -> None:
        super().__init__(message)
        self.signum = signum
        self.exit_code = 128 + signum

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name
