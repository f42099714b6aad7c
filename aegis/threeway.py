"""One file of an update, three ways: what the earlier version generated (base), what the
project has (mine) and what the installed Aegis generates (theirs). A side that did not change
gives way to the other; both changed: the node-level merge (`aegis.merge`); a file deleted on
one side and changed on the other is a conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from aegis.fingerprints import fingerprint
from aegis.merge import merge3
from aegis.merge.core import Prefer

Resolution = Literal["mine", "new"] | None
SECRETS_FILE = ".env"
_SECRET = re.compile(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_]\w*)[ \t]*=(.*)$", re.M)


@dataclass(frozen=True)
class Conflict:
    """The owner and the new version changed the same element (or file) differently."""

    path: str
    element: str
    new: str

    def describe(self) -> str:
        return f"{self.path}: {self.element} (yours: as in the file; new: {self.new})"


def unchanged(path: str, base: str | None, text: str | None) -> bool:
    """`text` is `base` up to formatting (the ledger's fingerprint)."""
    if base is None or text is None:
        return base is text
    return text == base or fingerprint(path, text) == fingerprint(path, base)


def merge_file(
    path: str, base: str | None, mine: str | None, theirs: str | None, resolve: Resolution
) -> tuple[str | None, list[Conflict]]:
    """The file's text after the update (None: no file), and the conflicts left unresolved
    (then the text is `mine`)."""
    if path.rsplit("/", 1)[-1] == SECRETS_FILE:
        return with_secrets(mine, theirs), []
    if mine == theirs or (theirs is not None and unchanged(path, theirs, mine)):
        return mine, []
    if unchanged(path, base, mine):
        return theirs, []
    if theirs == base:
        return mine, []
    if base is None or mine is None or theirs is None:
        return _whole_file(path, mine, theirs, resolve)
    merged = merge3(path, base, mine, theirs, prefer=_prefer(resolve))
    if resolve is not None:
        return merged.text, []  # each conflict took the side asked for
    conflicts = [Conflict(path, c.element, c.theirs) for c in merged.conflicts]
    return (mine, conflicts) if conflicts else (merged.text, [])


def _whole_file(
    path: str, mine: str | None, theirs: str | None, resolve: Resolution
) -> tuple[str | None, list[Conflict]]:
    if resolve is not None:
        return (mine if resolve == "mine" else theirs), []
    what = "deleted" if theirs is None else "a new version"
    element = "the whole file" if mine is not None else "the whole file (you deleted it)"
    return mine, [Conflict(path, element, what)]


def with_secrets(mine: str | None, theirs: str | None) -> str | None:
    """`.env` holds values made anew on every run: the owner's stay, the new version's
    keys the file lacks are added (with their new values)."""
    if mine is None or theirs is None:
        return theirs if mine is None else mine
    from aegis.edit import text

    for key, value in _SECRET.findall(theirs):
        mine = text.add_secret(mine, key, value)
    return mine


def _prefer(resolve: Resolution) -> Prefer:
    return None if resolve is None else "mine" if resolve == "mine" else "theirs"
