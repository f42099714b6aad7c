"""The one path: render the core, then apply packs; and the inverse, to take packs out.

Every function here works on a `VirtualTree` and returns a `ChangeSet`; nothing is written
until the caller applies it, so every check runs before the first byte reaches the disk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from aegis import __version__, documents, manifest
from aegis.catalog import Catalog
from aegis.changes import ChangeSet
from aegis.confined import ProjectFiles
from aegis.edit.base import AnchorNotFound, EditError, Placement
from aegis.edits import COMPOSE, Edit
from aegis.errors import InvalidOption, ModifiedFiles, PlanError, TargetExists
from aegis.fingerprints import as_recorded, fingerprint
from aegis.ledger import LEDGER, Ledger, loads
from aegis.pack import Pack
from aegis.plain import Plain
from aegis.render import project_context, render_folder
from aegis.resolve import Plan, plan_add, plan_remove
from aegis.resources import base_project_dir
from aegis.tree import VirtualTree

SECRETS_FILE = ".env"

# The names the Compose specification looks up, in its order; a new project has the last.
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", COMPOSE)


class Outcome(Plain, frozen=False):
    """What a command would do: the plan it followed and the resulting changes."""

    plan: Plan
    changes: ChangeSet


class Project:
    """A project directory seen through a virtual tree, with its manifest and options."""

    def __init__(self, catalog: Catalog, tree: VirtualTree, per_pack: bool = False) -> None:
        """`per_pack`: write each pack's edits to the tree as soon as the pack is done, so a
        diff can show which pack changed what (the documents stay open: every file is parsed
        once per command either way)."""
        self.catalog = catalog
        self.tree = tree
        self.per_pack = per_pack
        self._open: dict[str, documents.Document] = {}
        self._optional: set[str] = set()  # files that exist only while edits put text in them
        self._edited: set[str] = set()  # open documents the current pack used
        found = manifest.read(tree.root, tree.read(manifest.PYPROJECT))
        manifest.validate(found, catalog)
        self.name = found.name
        self.components = list(found.components)
        self.options = dict(found.options)
        self.ledger = loads(tree.read(LEDGER))
        self._ledger_changed = False

    def all_options(self) -> dict[str, str]:
        """The project's options over every pack's defaults (for ranking all packs)."""
        return self.catalog.default_options(p.name for p in self.catalog) | self.options

    def context(self) -> dict[str, Any]:
        return project_context(self.name, self.options)

    # -- applying and reverting packs -------------------------------------------------

    def apply(self, pack: Pack) -> None:
        self.tree.begin(pack.name)
        differing = []
        owned = self._owned_files(pack)
        for path, text in owned.items():
            existing = self._read(path)
            if existing is None:
                self.tree.write(path, text)
            elif existing != text:
                differing.append(path)
        if differing:
            listing = ", ".join(differing)
            raise PlanError(
                f"{pack.name}: these files already exist and differ from the files the "
                f"component would create: {listing}. Move them away, then run the command "
                "again."
            )
        edits = pack.edits_for(self.all_options())
        self._edit(pack, edits, revert=False)
        if pack.selectable:
            self.components = self.catalog.sort([*self.components, pack.name])
        done = [migration.id for migration in pack.migrations]  # born in the new shape
        self.ledger.record(pack.name, pack_version(pack), edits, owned, done)
        self._record_manifest()
        if self.per_pack:
            self.flush()

    def revert(self, pack: Pack, force: bool = False) -> None:
        """Take `pack` out: what the ledger recorded it applied (what the installed pack
        would apply, for a project made before the ledger). An element or file the owner
        changed since stops the command, unless `force`."""
        self.tree.begin(pack.name)
        record = self.ledger.packs.get(pack.name)
        edits = pack.edits_for(self.all_options()) if record is None else record.recorded_edits()
        changed = [f"{edit.describe()} in {path}" for edit, path in self._edit(pack, edits, True)]
        if record is None:
            rendered = self._owned_files(pack)
            owned = list(rendered)
            changed += [p for p in owned if self._read(p) not in (None, rendered[p])]
        else:
            owned = list(record.files)
            changed += [p for p in owned if self._changed_file(p, record.files[p])]
        if changed and not force:
            listing = "; ".join(changed)
            raise ModifiedFiles(
                f"{pack.name}: these were changed since Aegis wrote them: {listing}. Keep a "
                "copy of your changes, then run again with --force to remove them anyway."
            )
        for path in owned:
            if self._read(path) is not None:
                self.tree.delete(path)
        self.ledger.forget(pack.name)
        if pack.selectable:
            self.components = [c for c in self.components if c != pack.name]
            for option in pack.options:
                self.options.pop(pack.option_key(option), None)
        self._record_manifest()
        if self.per_pack:
            self.flush()

    def close(self) -> None:
        """Print every open document back into the tree, and the ledger (once: it is
        rewritten whole)."""
        for path in list(self._open):
            self._close(path)
        if self._ledger_changed:
            text = self.ledger.dumps(self.catalog.position)
            current = self.tree.read(LEDGER)
            if current and current.count("\n") == current.count("\r\n"):
                text = text.replace("\n", "\r\n")  # a checkout with Windows line endings
            if current != text:
                self.tree.write(LEDGER, text)

    def flush(self) -> None:
        """Print the documents the current pack edited into the tree, and keep them open."""
        for path in self._edited:
            if path in self._open:
                self._print(path, self._open[path])
        self._edited.clear()

    def _close(self, path: str) -> None:
        """Take `path` out of the open documents, and print it, unless `flush` printed it
        and nothing used it since (every edit reaches its document through `_document`)."""
        document = self._open.pop(path, None)
        if document is not None and path in self._edited:
            self._print(path, document)

    def _print(self, path: str, document: documents.Document) -> None:
        """Write the document's text into the tree; an optional file left empty goes."""
        text = document.text()
        if path in self._optional and not text:
            if self.tree.exists(path):
                self.tree.delete(path)
        else:
            self.tree.write(path, text)

    def _read(self, path: str) -> str | None:
        self._close(path)
        return self.tree.read(path)

    def _document(self, path: str, kind: str, optional: bool = False) -> documents.Document:
        """The open document of `path`; an `optional` file that is missing opens empty."""
        self._edited.add(path)
        document = self._open.get(path)
        if document is None:
            text = self.tree.read(path)
            if optional:
                self._optional.add(path)
            assert text is not None or optional  # callers check that the file exists
            document = self._open[path] = documents.Document.open(kind, path, text or "")
        return document

    def _changed_file(self, path: str, recorded: str) -> bool:
        text = self._read(path)
        return text is not None and not as_recorded(path, text, recorded)

    def _owned_files(self, pack: Pack) -> dict[str, str]:
        options = self.all_options()
        return (
            render_folder(
                pack.files_dir,
                self.context(),
                lambda path: pack.wants_file(path, options),
            )
            if pack.files_dir.is_dir()
            else {}
        )

    def _edit(
        self,
        pack: Pack,
        edits: Sequence[Edit],
        revert: bool,
        keep: Callable[[Edit], bool] = lambda edit: False,
        wanted: Callable[[Edit], bool] = lambda edit: True,
    ) -> list[tuple[Edit, str]]:
        """Apply (or revert) `edits`; when reverting, return the elements the owner changed
        (with their file), and leave those for which `keep` is true as the owner has them
        (and a value made anew on every run, such as a secret, as it is). Only the `wanted`
        edits run; each keeps its rank among all of `edits`."""
        ranks = self.catalog.ranks(self.all_options())
        position = self.catalog.position[pack.name]
        changed: list[tuple[Edit, str]] = []
        by_path: dict[str, list[tuple[int, Edit]]] = defaultdict(list)
        for index, edit in enumerate(edits):
            by_path[self._located(edit.path)].append((index, edit))
        for path, indexed in by_path.items():
            if not any(wanted(edit) for _, edit in indexed):
                continue
            optional = all(edit.creates_file for _, edit in indexed)
            if path not in self._open and not optional and not self.tree.exists(path):
                also = " (or compose.yaml)" if path == COMPOSE else ""
                raise PlanError(
                    f"{pack.name}: {path}{also} is missing; it is needed for "
                    f"{indexed[0][1].describe()}. Restore the file, then run again."
                )
            (kind,) = {edit.document for _, edit in indexed}  # one kind of document a file
            document = self._document(path, kind, optional)
            for index, edit in reversed(indexed) if revert else indexed:
                if not wanted(edit):
                    continue
                placement = Placement((position, index), ranks.get(edit.anchor(), {}).get)
                if revert:
                    before = document.text()
                    document.content, pristine = _take_out(
                        pack, edit, path, placement, document, before
                    )
                    if not pristine:
                        changed.append((edit, path))
                    if (edit.fresh_value or not pristine) and keep(edit):
                        document.content = documents.Document.open(kind, path, before).content
                else:
                    document.content = _run(pack, edit, path, placement, document.content, False)
        return changed

    def _located(self, path: str) -> str:
        """Where the file an edit names is in this project: edits of the compose file go
        to the first of the names the Compose specification looks up that exists."""
        if path != COMPOSE:
            return path
        return next((name for name in COMPOSE_FILES if self.tree.exists(name)), path)

    def _record_manifest(self) -> None:
        document = self._document(manifest.PYPROJECT, "toml")
        manifest.record(document.content, self.components, self.options)
        self._ledger_changed = True


def element_key(edit: Edit, pack: str) -> tuple[str, ...]:
    """An element as the edits of two versions of a pack both find it: place and identity."""
    return (*edit.anchor(), edit.identity(pack))


def pack_version(pack: Pack) -> str:
    """The version a pack is recorded with: Aegis's for a built-in pack, else its
    distribution's."""
    return pack.origin.version if not pack.origin.builtin else __version__


def _take_out(
    pack: Pack,
    edit: Edit,
    path: str,
    placement: Placement,
    document: documents.Document,
    before: str,
) -> tuple[Any, bool]:
    """Revert `edit` from `document` (whose text is `before`); and say whether what it had
    put there was still as it put it.

    The same primitives tell: an element still as generated, reverted and applied again,
    gives back the document (up to formatting: `fingerprints.fingerprint`, or up to where the
    owner's own elements moved it: the same lines are taken out); one the owner changed
    does not (the inverse then removes it
    anyway, or, for an element the inverse keeps when changed, does nothing while applying
    does nothing either). An element the owner deleted counts as pristine: nothing is lost.
    A value made anew on every run (a generated secret) goes with its pack."""
    if edit.fresh_value:
        return _run(pack, edit, path, placement, document.content, True), True
    content = _run(pack, edit, path, placement, document.content, True)
    document.content = content
    reverted = document.text()
    content = _run(pack, edit, path, placement, content, False)
    document.content = content
    again = document.text()
    if again != reverted:
        content = _run(pack, edit, path, placement, content, True)
    if reverted != before:
        same = fingerprint(path, again) == fingerprint(path, before)
        return content, same or _taken(before, reverted) == _taken(again, reverted)
    return content, again != before


def _taken(text: str, reverted: str) -> list[str]:
    """What reverting took out of `text` (and put in), line by line, wherever it was: an
    element the owner's own lines have moved is still the element as generated."""
    import difflib

    old, new = text.splitlines(), reverted.splitlines()
    lines = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag != "equal":
            lines += [f"-{line.strip()}" for line in old[i1:i2]]
            lines += [f"+{line.strip()}" for line in new[j1:j2]]
    return sorted(lines)


def _run(
    pack: Pack, edit: Edit, path: str, placement: Placement, document: Any, revert: bool
) -> Any:
    try:
        if revert:
            return edit.revert(document, pack.name)
        return edit.apply(document, placement, pack.name)
    except AnchorNotFound as error:
        raise PlanError(
            f"{pack.name}: in {path}, could not find {error} (needed for "
            f"{edit.describe()}). Restore it, or make this change by hand."
        ) from error
    except EditError as error:
        raise PlanError(
            f"{pack.name}: cannot make {edit.describe()} in {path}: {error}. Change the file "
            "as said, or make this change by hand."
        ) from error


# -- the commands ----------------------------------------------------------------------


def init(
    catalog: Catalog,
    name: str,
    target: ProjectFiles | Path,
    components: Sequence[str],
    options: dict[str, str],
    force: bool = False,
    per_pack: bool = False,
) -> Outcome:
    """Render the core project into `target`, then add `components` the same way `add` does.

    An existing file is never overwritten: with `force` the folder may hold files, but one
    that differs from what Aegis would write stops the command.

    `per_pack`, here and below: keep each pack's changes apart, for `ChangeSet.diff`."""
    from aegis.names import validate_project_name

    files = _files(target)
    validate_project_name(name, catalog, files.root.parent)
    if files.root_fd() is not None:
        _check_target(files, force)
    tree = VirtualTree(files)
    tree.begin("core")
    differing = []
    rendered = render_folder(base_project_dir(), project_context(name, {}))
    for path, text in rendered.items():
        existing = tree.original(path)
        if existing is None:
            tree.write(path, text)
        elif existing != text:
            differing.append(path)
    if differing:
        raise TargetExists(
            f"{files.root} already has files that differ from the ones Aegis would write: "
            f"{', '.join(differing)}. Nothing was written. Move them away (or choose another "
            "folder), then run again."
        )
    if tree.original(SECRETS_FILE) is None:
        tree.write(SECRETS_FILE, core_secrets())
    from aegis.migrations import CORE

    ledger = Ledger()
    ledger.record("core", __version__, (), rendered, [m.id for m in CORE])
    tree.write(LEDGER, ledger.dumps(catalog.position))
    return _add(catalog, tree, components, options, per_pack)


def core_secrets() -> str:
    """The new project's `.env`: a random value (32 bytes) for each of the core's secrets."""
    from aegis.anchors import CORE_SECRETS
    from aegis.edit import text

    content = ""
    for key in CORE_SECRETS:
        content = text.add_secret(content, key, text.random_token(32))
    return content


def _check_target(files: ProjectFiles, force: bool) -> None:
    """Refuse a folder that holds an Aegis project, or files, unless `force`."""
    from aegis.lock import STATE_DIR

    entries = [name for name in files.list_folder("") if name != STATE_DIR]
    if "pyproject.toml" in entries:
        text = VirtualTree(files).original(manifest.PYPROJECT)
        if text is not None and manifest.declares_aegis(text):
            raise TargetExists(
                f"{files.root} already holds an Aegis project. Use `aegis add` to add "
                "components to it, or `aegis update` to bring it up to date."
            )
    if entries and not force:
        raise TargetExists(
            f"{files.root} already exists and is not empty. Choose another name or "
            "--output-dir, or pass --force to write into it (Aegis never overwrites a file "
            "there: one that differs from what it would write stops the command)."
        )


def _files(project: ProjectFiles | Path) -> ProjectFiles:
    return project if isinstance(project, ProjectFiles) else ProjectFiles(project)


def add(
    catalog: Catalog,
    project: ProjectFiles | Path,
    names: Sequence[str],
    options: dict[str, str],
    per_pack: bool = False,
) -> Outcome:
    return _add(catalog, VirtualTree(_files(project)), names, options, per_pack)


def remove(
    catalog: Catalog,
    project_dir: ProjectFiles | Path,
    names: Sequence[str],
    with_dependents: bool = False,
    force: bool = False,
    per_pack: bool = False,
) -> Outcome:
    tree = VirtualTree(_files(project_dir))
    project = Project(catalog, tree, per_pack)
    plan = plan_remove(catalog, project.components, names, with_dependents)
    for pack in plan.packs:
        project.revert(pack, force=force)
    project.close()
    return Outcome(plan, ChangeSet(tree))


def _add(
    catalog: Catalog,
    tree: VirtualTree,
    names: Sequence[str],
    options: dict[str, str],
    per_pack: bool,
) -> Outcome:
    project = Project(catalog, tree, per_pack)
    catalog.check_options(options)
    plan = plan_add(catalog, project.components, names)
    _check_options_apply(catalog, plan, options)
    project.options |= catalog.default_options(p.name for p in plan.packs) | options
    for pack in plan.packs:
        project.apply(pack)
    project.close()
    return Outcome(plan, ChangeSet(tree))


def _check_options_apply(catalog: Catalog, plan: Plan, options: dict[str, str]) -> None:
    adding = set(plan.names)
    for key in options:
        pack, _ = catalog.option(key)
        if pack.name not in adding:
            flag = "--" + key.replace("_", "-")
            raise InvalidOption(
                f"{flag} belongs to `{pack.name}`, which this command does not add "
                "(options are chosen when a component is added)."
            )
