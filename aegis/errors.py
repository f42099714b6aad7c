"""Errors a user can act on. The CLI prints their message and exits non-zero."""

from __future__ import annotations


class AegisError(Exception):
    """A problem with the user's input or project; the message says what to do."""

    exit_code = 2


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


class DependentsPresent(AegisError):
    pass


class ModifiedFiles(AegisError):
    pass


class InvalidOption(AegisError):
    pass


class CatalogError(AegisError):
    """A pack under transforms/ is malformed: a bug in Aegis or in a third-party pack."""
