"""`aegis update`: bring a project to what the installed Aegis generates, keeping the owner's
work. A replay of the ledger, of what differs only:

1. each pack's recorded edits that the new version no longer makes as they are, are reverted
   (last pack first) with the primitives `remove` uses; one whose element the owner changed is
   a conflict. Edits that stay the same are left alone, so no element (Aegis's or the
   owner's) moves;
2. owned files (the core's, then each pack's) whose template changed are replaced by the new
   render (or deleted, or created) when they are still as recorded, once the elements other
   packs put into them are set aside; a file the owner changed is then a conflict. A file
   written anew receives every pack's edits again;
3. the new edits are applied in catalogue order, at their canonical places; options a pack
   added take their defaults, and `settings` can change options (an engine swap).

Conflicts stop the command before anything is written (`UpdateConflict`, exit code 3), unless
`resolve` says how: "mine" keeps the owner's version, "new" takes the new version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from aegis import __version__, documents, migrations, rebase, released
from aegis.catalog import Catalog
from aegis.changes import ChangeSet
from aegis.confined import ProjectFiles
from aegis.edit.base import EditError
from aegis.edits import Edit
from aegis.engine import Outcome, Project, element_key, pack_version
from aegis.errors import AegisError, InvalidOption, PlanError, UpdateConflict
from aegis.fingerprints import as_recorded, fingerprint
from aegis.ledger import LEDGER
from aegis.pack import Pack
from aegis.render import project_context, render_folder
from aegis.resolve import Plan, plan_add
from aegis.resources import base_project_dir
from aegis.threeway import Conflict, Resolution, merge_file
from aegis.tree import VirtualTree

CORE = "core"
__all__ = ["Conflict", "Resolution", "parse_settings", "resolution", "update"]


def update(
    catalog: Catalog,
    target: ProjectFiles | Path,
    resolve: Resolution = None,
    settings: Mapping[str, str] | None = None,
) -> Outcome:
    """The changes of the update, a step for each migration, then for each pack (its
    reverted edits, last pack first), the core and each pack again (its files and new
    edits), so that the diff says where each change comes from.

    `settings` changes options of packs the project has (e.g. `database_engine`): the same
    replay then swaps the implementation, keeping the owner's code that uses it."""
    files = target if isinstance(target, ProjectFiles) else ProjectFiles(target)
    tree = VirtualTree(files)
    project = Project(catalog, tree)
    _refuse_newer(tree)
    plan = plan_add(catalog, [], project.components)
    changed = dict(settings or {})
    catalog.check_options(changed)
    for key in changed:
        owner, _ = catalog.option(key)
        if owner.name not in project.components:
            raise InvalidOption(f"--set {key}: `{owner.name}` is not in this project.")
    if tree.read(LEDGER) is None:
        base = rebase.base_of(tree, project.name, project.components, project.options)
        if base is not None:
            return _rebased(catalog, tree, project, plan, base, changed, resolve)
    made = (list(project.components), dict(project.options))
    defaults = catalog.default_options(project.components)
    project.options = defaults | project.options | changed
    migrations.run_pending(project, plan.packs)
    replay = _Replay(project, plan.packs, resolve, made)
    # each step named after where its changes come from (`# aegis: <name>` in the diff)
    for pack in reversed(plan.packs):
        tree.begin(pack.name)
        replay.take_out(pack)
        project.flush()
    tree.begin(CORE)
    replay.core()
    project.flush()
    for pack in plan.packs:
        tree.begin(pack.name)
        replay.put_in(pack)
        project.flush()
    tree.begin("update")  # the ledger
    if replay.conflicts:
        raise _stopped(replay.conflicts)
    project.close()
    return Outcome(Plan(plan.packs), ChangeSet(tree))


def _rebased(
    catalog: Catalog,
    tree: VirtualTree,
    project: Project,
    plan: Plan,
    base: Mapping[str, str],
    changed: Mapping[str, str],
    resolve: Resolution,
) -> Outcome:
    """The update of a project made before the ledger (`aegis.rebase`)."""
    known = catalog.default_options(pack.name for pack in plan.packs)
    options = {k: v for k, v in {**project.options, **changed}.items() if k in known}
    base = dict(base)
    migrations.run_before_the_ledger(tree, base, plan.packs)
    tree.begin("update")
    components = catalog.sort(project.components)
    conflicts = rebase.rebase(catalog, tree, project.name, base, components, options, resolve)
    if conflicts:
        raise _stopped(conflicts)
    return Outcome(Plan(plan.packs), ChangeSet(tree))


def _stopped(conflicts: Sequence[Conflict]) -> UpdateConflict:
    return UpdateConflict(
        "These were changed both by you and by the new version of Aegis:\n"
        + "\n".join(f"  {conflict.describe()}" for conflict in conflicts)
        + "\nNothing was written. Run again with --keep-mine to keep your versions, or "
        "--take-new to take the new ones (see docs/update.md)."
    )


class _Replay:
    """The replay of one update. Only what differs between the recorded and the new edits
    is reverted and applied: the other elements (Aegis's and the owner's) never move. A
    shared file whose own template changed is written anew, and then receives every pack's
    edits again."""

    def __init__(
        self,
        project: Project,
        packs: Sequence[Pack],
        resolve: Resolution,
        made: tuple[list[str], dict[str, str]],
    ) -> None:
        self.project = project
        self.made = made  # the packs and options the project had before the update
        self.packs = packs
        self.resolve = resolve
        self.conflicts: list[Conflict] = []
        self.kept: dict[str, set[tuple[str, ...]]] = {pack.name: set() for pack in packs}
        self.rebuilt: set[str] = set()
        self.new: dict[str, list[Edit]] = {}
        self.old: dict[str, list[Edit]] = {}
        for pack in packs:
            new = self.new[pack.name] = pack.edits_for(project.all_options())
            record = project.ledger.packs.get(pack.name)
            self.old[pack.name] = new if record is None else record.recorded_edits()

    def take_out(self, pack: Pack) -> None:
        """Revert the recorded edits the new version no longer makes as they are."""
        new = self.new[pack.name]
        still = {element_key(edit, pack.name): edit for edit in new}
        mine = self.resolve == "mine"
        old = self.old[pack.name]
        gone = self.project._edit(pack, old, True, lambda edit: mine, lambda e: e not in new)
        for edit, path in gone:
            key = element_key(edit, pack.name)
            if mine:
                self.kept[pack.name].add(key)
            elif self.resolve is None:
                changed = still.get(key)
                self.conflicts.append(
                    Conflict(path, edit.describe(), _shown(changed) if changed else "removed")
                )

    def core(self) -> None:
        project = self.project
        rendered = render_folder(base_project_dir(), project_context(project.name, {}))
        self._files(CORE, rendered)
        project.ledger.record(CORE, __version__, (), rendered, [m.id for m in migrations.CORE])
        project._record_manifest()

    def put_in(self, pack: Pack) -> None:
        project = self.project
        owned = project._owned_files(pack)
        self._files(pack.name, owned)
        old, kept = self.old[pack.name], self.kept[pack.name]

        def wanted(edit: Edit) -> bool:
            again = edit not in old or project._located(edit.path) in self.rebuilt
            return again and element_key(edit, pack.name) not in kept

        new = self.new[pack.name]
        project._edit(pack, new, False, wanted=wanted)
        done = [migration.id for migration in pack.migrations]
        project.ledger.record(pack.name, pack_version(pack), new, owned, done)
        project._record_manifest()

    def _as_generated(self, path: str, text: str) -> str:
        """`text` without the elements the packs' edits that stay put there (what the
        file's owner generated, plus the owner's work)."""
        project = self.project
        staying = [
            (pack, edit)
            for pack in reversed(self.packs)
            for edit in reversed(self.old[pack.name])
            if edit in self.new[pack.name] and project._located(edit.path) == path
        ]
        reverted = _reverted(path, text, staying)
        return text if reverted is None else reverted

    def _files(self, owner: str, rendered: Mapping[str, str]) -> None:
        """Replace, add and delete the files `owner` owns; a file the owner changed whose
        template changed too is a conflict."""
        project = self.project
        record = project.ledger.packs.get(owner)
        recorded = record.files if record is not None else _as_if_generated(rendered)
        for path in sorted(set(recorded) | set(rendered)):
            new = rendered.get(path)
            if path in recorded and new is not None and as_recorded(path, new, recorded[path]):
                continue  # the template did not change: the file stays as it is
            current = project._read(path)
            if current is None and path in recorded:
                continue  # the owner deleted it: it stays deleted
            if current is not None and current != new:
                generated = self._as_generated(path, current)
                unchanged = path in recorded and as_recorded(path, generated, recorded[path])
                if not unchanged:
                    base = self._base(owner, path)
                    if base is not None and new is not None:
                        merged, conflicts = merge_file(path, base, generated, new, self.resolve)
                        self.conflicts += conflicts
                        if conflicts or merged is None:
                            continue
                        new = merged
                    elif not self._take_new(path, new):
                        continue
            if new is None:
                project.tree.delete(path)
            else:
                project.tree.write(path, new)
                self.rebuilt.add(path)

    def _base(self, owner: str, path: str) -> str | None:
        """What the recorded version of `owner` generated as `path`, without the elements
        the packs' recorded edits put there (None when that version is not shipped)."""
        record = self.project.ledger.packs.get(owner)
        if record is None:
            return None
        components, options = self.made
        files = released.generated(record.version, components, options, self.project.name)
        text = None if files is None else files.get(path)
        if text is None:
            return None
        located = self.project._located
        recorded = [
            (pack, edit)
            for pack in reversed(self.packs)
            for edit in reversed(self.old[pack.name])
            if located(edit.path) == path
        ]
        return _reverted(path, text, recorded)

    def _take_new(self, path: str, new: str | None) -> bool:
        """For a file both sides changed: True to write the new version."""
        if self.resolve is None:
            self.conflicts.append(
                Conflict(path, "the whole file", "deleted" if new is None else "a new version")
            )
        return self.resolve == "new"


def _reverted(path: str, text: str, edits: Sequence[tuple[Pack, Edit]]) -> str | None:
    """`text` with `edits` reverted, in their order (None when one of them does not apply)."""
    if not edits:
        return text
    try:
        document = documents.Document.open(edits[0][1].document, path, text)
        for pack, edit in edits:
            document.content = edit.revert(document.content, pack.name)
    except (EditError, AegisError):
        return None
    return document.text()


def resolution(keep_mine: bool, take_new: bool) -> Resolution:
    """The way conflicts are resolved, from the command line's flags."""
    if keep_mine and take_new:
        raise InvalidOption("--keep-mine and --take-new exclude each other: choose one.")
    return "mine" if keep_mine else "new" if take_new else None


def parse_settings(pairs: list[str]) -> dict[str, str]:
    """`KEY=VALUE` pairs of `--set`; `database.engine` and `database-engine` name the option
    `database_engine`."""
    settings = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key or not value:
            raise InvalidOption(
                f"--set takes KEY=VALUE, such as database_engine=postgresql (got `{pair}`)."
            )
        settings[key.replace(".", "_").replace("-", "_")] = value
    return settings


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
