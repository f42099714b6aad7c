"""The public interface for writing packs, built in or third-party.

A pack is a page of declarations::

    from aegis.sdk import Options, Pack, Setting, anchors

    def edits(options: Options) -> anchors.Declarations:
        return [
            anchors.dependency("sentry-sdk>=2.20"),
            anchors.settings(Setting("sentry_dsn", "", "Where to send errors.", secret=True)),
            anchors.bootstrap_hook("app.core.sentry", "init_sentry"),
        ]

    PACK = Pack(name="sentry", kind="service", summary="Error reporting", edits=edits)

Files under `files/` beside the module are owned by the pack. Third-party packs are found
through the entry-point group `aegis.packs` (`sentry = "aegis_sentry.pack:PACK"`), and
`aegis.testing` holds them to the same invariants as the built-in ones.
"""

from typing import TYPE_CHECKING

from aegis import anchors
from aegis.anchors import Declarations, Setting
from aegis.edit.base import AnchorNotFound, EditError, Placement
from aegis.edits import (
    ComposeDependsOn,
    ComposeEnvironment,
    ComposeService,
    ComposeVolume,
    Dependency,
    Edit,
    EnvSecret,
    Import,
    ListItem,
    ReplaceValue,
    Script,
    Statement,
    TextBlock,
    YamlEntry,
    YamlListItem,
)
from aegis.pack import PACK_API, Option, Options, Pack
from aegis.plain import fields, replace

if TYPE_CHECKING:
    from aegis.migrations import Files, Migration, MoveFile, RenameModule, RenameSetting

# Imported when a pack asks for one: most packs declare no migration.
_MIGRATIONS = {"Files", "Migration", "MoveFile", "RenameModule", "RenameSetting"}

__all__ = [
    "PACK_API",
    "AnchorNotFound",
    "ComposeDependsOn",
    "ComposeEnvironment",
    "ComposeService",
    "ComposeVolume",
    "Declarations",
    "Dependency",
    "Edit",
    "EditError",
    "EnvSecret",
    "Files",
    "Import",
    "ListItem",
    "Migration",
    "MoveFile",
    "Option",
    "Options",
    "Pack",
    "Placement",
    "RenameModule",
    "RenameSetting",
    "ReplaceValue",
    "Script",
    "Setting",
    "Statement",
    "TextBlock",
    "YamlEntry",
    "YamlListItem",
    "anchors",
    "fields",
    "replace",
]


def __getattr__(name: str) -> object:
    if name in _MIGRATIONS:
        from aegis import migrations

        return getattr(migrations, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
