"""`aegis update`: bring a project to what the installed Aegis generates, keeping the owner's
work. A replay of the ledger:

1. every pack's recorded edits are reverted (last pack first) with the same primitives as
   `remove`; an element the owner changed is kept as it is when the pack still makes the same
   edit, and is a conflict when the new version changes it;
2. owned files (the core's, then each pack's) still as recorded are replaced by the new
   render (or deleted when the new version no longer has them); a file the owner changed is
   kept when its template did not change, else it is a conflict;
3. every pack's new edits are applied in catalogue order, so the result is what `init`
   gives today, plus the owner's work.

Conflicts stop the command before anything is written (`UpdateConflict`, exit code 3), unless
`resolve` says how: "mine" keeps the owner's version, "new" takes the new version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from aegis import __version__
from aegis.catalog import Catalog
from aegis.changes import ChangeSet
from aegis.confined import ProjectFiles
from aegis.edits import Edit
from aegis.engine import Outcome, Project, element_key, pack_version
from aegis.errors import InvalidOption, PlanError, UpdateConflict
from aegis.ledger import fingerprint
from aegis.pack import Pack
from aegis.render import project_context, render_folder
from aegis.resolve import Plan, plan_add
from aegis.resources import base_project_dir
from aegis.tree import VirtualTree

Resolution = Literal["mine", "new"] | None
CORE = "core"


@dataclass(frozen=True)
class Conflict:
    """The owner and the new version changed the same element (or file) differently."""

    path: str
    element: str
    new: str

    def describe(self) -> str:
        return f"{self.path}: {self.element} (yours: as in the file; new: {self.new})"


def update(
    catalog: Catalog,
    target: ProjectFiles | Path,
    resolve: Resolution = None,
) -> Outcome:
    """The changes of the update, as one step (`update`): the net change of each file."""
    files = target if isinstance(target, ProjectFiles) else ProjectFiles(target)
    tree = VirtualTree(files)
    project = Project(catalog, tree)
    _refuse_newer(tree)
    plan = plan_add(catalog, [], project.components)
    project.options = catalog.default_options(project.components) | project.options
    tree.begin("update")
    replay = _Replay(project, resolve)
    for pack in reversed(plan.packs):
        replay.take_out(pack)
    replay.core()
    for pack in plan.packs:
        replay.put_in(pack)
    if replay.conflicts:
        raise UpdateConflict(
            "These were changed both by you and by the new version of Aegis:\n"
            + "\n".join(f"  {conflict.describe()}" for conflict in replay.conflicts)
            + "\nNothing was written. Run again with --keep-mine to keep your versions, or "
            "--take-new to take the new ones (see docs/update.md)."
        )
    project.close()
    return Outcome(Plan(plan.packs), ChangeSet(tree))


class _Replay:
    def __init__(self, project: Project, resolve: Resolution) -> None:
        self.project = project
        self.resolve = resolve
        self.conflicts: list[Conflict] = []
        self.kept: dict[str, set[tuple[str, ...]]] = {}
        self.new_edits: dict[str, list[Edit]] = {}

    def take_out(self, pack: Pack) -> None:
        project = self.project
        new = self.new_edits[pack.name] = pack.edits_for(project.all_options())
        record = project.ledger.packs.get(pack.name)
        old = new if record is None else record.recorded_edits()
        still = {element_key(edit, pack.name): edit for edit in new}

        def keep(edit: Edit) -> bool:
            same = still.get(element_key(edit, pack.name)) == edit
            return same or self.resolve == "mine"

        kept = self.kept.setdefault(pack.name, set())
        kept.update(element_key(e, pack.name) for e in old if e.fresh_value and keep(e))
        for edit, path in project._edit(pack, old, True, keep):
            key = element_key(edit, pack.name)
            if keep(edit):
                kept.add(key)
            elif self.resolve is None:
                changed = still.get(key)
                self.conflicts.append(
                    Conflict(path, edit.describe(), _shown(changed) if changed else "removed")
                )

    def core(self) -> None:
        project = self.project
        rendered = render_folder(base_project_dir(), project_context(project.name, {}))
        self._files(CORE, rendered)
        project._record_manifest()

    def put_in(self, pack: Pack) -> None:
        project = self.project
        owned = project._owned_files(pack)
        self._files(pack.name, owned)
        new = self.new_edits[pack.name]
        project._edit(pack, new, False, skip=self.kept.get(pack.name, set()))
        project.ledger.record(pack.name, pack_version(pack), new, owned)
        project._record_manifest()

    def _files(self, owner: str, rendered: Mapping[str, str]) -> None:
        """Replace, add and delete the files `owner` owns; a file the owner changed whose
        template changed too is a conflict."""
        project = self.project
        record = project.ledger.packs.get(owner)
        recorded = record.files if record is not None else _as_if_generated(rendered)
        for path in sorted(set(recorded) | set(rendered)):
            current = project._read(path)
            new = rendered.get(path)
            if current == new:
                continue
            if path in recorded:
                if current is None:
                    continue  # the owner deleted it: it stays deleted
                if fingerprint(path, current) != recorded[path]:
                    unchanged = new is not None and fingerprint(path, new) == recorded[path]
                    if unchanged or not self._take_new(path, new):
                        continue
            elif current is not None and not self._take_new(path, new):
                continue
            if new is None:
                project.tree.delete(path)
            else:
                project.tree.write(path, new)
        if owner == CORE:
            project.ledger.record(CORE, __version__, (), rendered)

    def _take_new(self, path: str, new: str | None) -> bool:
        """For a file both sides changed: True to write the new version."""
        if self.resolve is None:
            self.conflicts.append(
                Conflict(path, "the whole file", "deleted" if new is None else "a new version")
            )
        return self.resolve == "new"


def resolution(keep_mine: bool, take_new: bool) -> Resolution:
    """The way conflicts are resolved, from the command line's flags."""
    if keep_mine and take_new:
        raise InvalidOption("--keep-mine and --take-new exclude each other: choose one.")
    return "mine" if keep_mine else "new" if take_new else None


def _as_if_generated(rendered: Mapping[str, str]) -> dict[str, str]:
    """A project made before the ledger: its files are taken as the installed Aegis's."""
    return {path: fingerprint(path, text) for path, text in rendered.items()}


def _shown(edit: Edit) -> str:
    data = {k: v for k, v in edit.to_data().items() if k not in ("edit", "path")}
    return ", ".join(f"{k}={v!r}" for k, v in data.items())


def _refuse_newer(tree: VirtualTree) -> None:
    """A project made by a newer Aegis is never taken back to this one."""
    import tomllib

    from packaging.version import InvalidVersion, Version

    text = tree.read("pyproject.toml") or ""
    made_by = str(tomllib.loads(text).get("tool", {}).get("aegis", {}).get("version", "0"))
    try:
        newer = Version(made_by) > Version(__version__)
    except InvalidVersion:
        newer = False
    if newer:
        raise PlanError(
            f"This project was made by Aegis {made_by}, newer than this Aegis "
            f"({__version__}). Install Aegis {made_by} or later to update it."
        )
