"""The one path: render the core, then apply packs; and the inverse, to take packs out.

Every function here works on a `VirtualTree` and returns a `ChangeSet`; nothing is written
until the caller applies it, so every check runs before the first byte reaches the disk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aegis import documents, manifest
from aegis.catalog import Catalog
from aegis.changes import ChangeSet
from aegis.edit.base import AnchorNotFound, Placement, Rank
from aegis.edits import Edit
from aegis.errors import InvalidOption, ModifiedFiles, PlanError, TargetExists
from aegis.pack import Pack
from aegis.render import project_context, render_folder
from aegis.resolve import Plan, active_integrations, plan_add, plan_remove
from aegis.resources import base_project_dir
from aegis.tree import VirtualTree


@dataclass
class Outcome:
    """What a command would do: the plan it followed and the resulting changes."""

    plan: Plan
    changes: ChangeSet
    project: Path


class Project:
    """A project directory seen through a virtual tree, with its manifest and options."""

    def __init__(self, catalog: Catalog, tree: VirtualTree) -> None:
        self.catalog = catalog
        self.tree = tree
        found = manifest.read(tree.root, tree.read(manifest.PYPROJECT))
        self.name = found.name
        self.components = list(found.components)
        self.options = dict(found.options)
        self._rank_cache: tuple[tuple[tuple[str, str], ...], dict] | None = None

    def all_options(self) -> dict[str, str]:
        """The project's options over every pack's defaults (for ranking all packs)."""
        return self.catalog.default_options(p.name for p in self.catalog) | self.options

    def context(self) -> dict[str, Any]:
        return project_context(self.name, self.options)

    # -- applying and reverting packs -------------------------------------------------

    def apply(self, pack: Pack) -> None:
        self.tree.begin(pack.name)
        for path, text in self._owned_files(pack).items():
            existing = self.tree.read(path)
            if existing is None:
                self.tree.write(path, text)
            elif existing != text:
                raise PlanError(
                    f"{pack.name}: {path} already exists and differs from the file the "
                    "component would create. Move it away, then run the command again."
                )
        self._edit(pack, revert=False)
        if pack.selectable:
            self.components = self.catalog.sort([*self.components, pack.name])
        self._record_manifest()

    def revert(self, pack: Pack, force: bool = False) -> None:
        self.tree.begin(pack.name)
        self._edit(pack, revert=True)
        owned = self._owned_files(pack)
        modified = [p for p, text in owned.items() if self.tree.read(p) not in (None, text)]
        if modified and not force:
            listing = ", ".join(modified)
            raise ModifiedFiles(
                f"{pack.name}: these files were changed since Aegis wrote them: {listing}. "
                "Keep a copy of your changes, then run again with --force to delete them."
            )
        for path in owned:
            if self.tree.exists(path):
                self.tree.delete(path)
        if pack.selectable:
            self.components = [c for c in self.components if c != pack.name]
            for option in pack.options:
                self.options.pop(pack.option_key(option), None)
        self._record_manifest()

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

    def _edit(self, pack: Pack, revert: bool) -> None:
        options = self.all_options()
        edits = pack.edits_for(options)
        ranks = self._ranks()
        by_path: dict[str, list[tuple[int, Edit]]] = defaultdict(list)
        for index, edit in enumerate(edits):
            by_path[edit.path].append((index, edit))
        for path, indexed in by_path.items():
            text = self.tree.read(path)
            if text is None:
                raise PlanError(
                    f"{pack.name}: {path} is missing; it is needed for "
                    f"{indexed[0][1].describe()}. Restore the file, then run again."
                )
            (kind,) = {edit.document for _, edit in indexed}  # one kind of document a file

            def change(document: Any, indexed: list[tuple[int, Edit]] = indexed) -> Any:
                for index, edit in reversed(indexed) if revert else indexed:
                    document = _run(pack, edit, index, document, ranks, revert)
                return document

            self.tree.write(path, documents.transform(kind, path, text, change))

    def _ranks(self) -> dict[tuple[str, ...], dict[str, Rank]]:
        """The rank table, computed once for each set of options."""
        key = tuple(sorted(self.all_options().items()))
        if self._rank_cache is None or self._rank_cache[0] != key:
            self._rank_cache = (key, _rank_table(self.catalog, self.all_options()))
        return self._rank_cache[1]

    def _record_manifest(self) -> None:
        text = self.tree.read(manifest.PYPROJECT)
        assert text is not None  # read by the constructor

        def record(document: Any) -> Any:
            manifest.record(document, self.components, self.options)
            return document

        self.tree.write(
            manifest.PYPROJECT, documents.transform("toml", manifest.PYPROJECT, text, record)
        )


def _run(
    pack: Pack,
    edit: Edit,
    index: int,
    document: Any,
    ranks: dict[tuple[str, ...], dict[str, Rank]],
    revert: bool,
) -> Any:
    try:
        if revert:
            return edit.revert(document, pack.name)
        placement = Placement((pack.order, index), ranks[edit.anchor()].get)
        return edit.apply(document, placement, pack.name)
    except AnchorNotFound as error:
        raise PlanError(
            f"{pack.name}: in {edit.path}, could not find {error} (needed for "
            f"{edit.describe()}). Restore it, or make this change by hand."
        ) from error


def _rank_table(
    catalog: Catalog, options: dict[str, str]
) -> dict[tuple[str, ...], dict[str, Rank]]:
    """For every anchor, the canonical rank of each element any pack may put there."""
    table: dict[tuple[str, ...], dict[str, Rank]] = defaultdict(dict)
    for pack in catalog:
        for index, edit in enumerate(pack.edits_for(options)):
            table[edit.anchor()][edit.identity(pack.name)] = (pack.order, index)
    return table


# -- the commands ----------------------------------------------------------------------


def init(
    catalog: Catalog,
    name: str,
    target: Path,
    components: Sequence[str],
    options: dict[str, str],
    force: bool = False,
) -> Outcome:
    """Render the core project into `target`, then add `components` the same way `add` does."""
    from aegis.names import validate_project_name

    validate_project_name(name)
    if target.exists() and not target.is_dir():
        raise TargetExists(
            f"{target} exists and is not a directory. Choose another name or --output-dir."
        )
    if target.is_dir() and any(target.iterdir()) and not force:
        raise TargetExists(
            f"{target} already exists and is not empty. Choose another name or --output-dir, "
            "or pass --force to write into it (files Aegis does not generate are kept)."
        )
    tree = VirtualTree(target)
    tree.begin("core")
    for path, text in render_folder(base_project_dir(), project_context(name, {})).items():
        tree.write(path, text)
    return _add(catalog, tree, components, options)


def add(catalog: Catalog, project: Path, names: Sequence[str], options: dict[str, str]) -> Outcome:
    return _add(catalog, VirtualTree(project), names, options)


def remove(
    catalog: Catalog,
    project_dir: Path,
    names: Sequence[str],
    with_dependents: bool = False,
    force: bool = False,
) -> Outcome:
    tree = VirtualTree(project_dir)
    project = Project(catalog, tree)
    plan = plan_remove(catalog, project.components, names, with_dependents)
    for pack in plan.packs:
        project.revert(pack, force=force)
    return Outcome(plan, ChangeSet(tree), project_dir)


def _add(
    catalog: Catalog, tree: VirtualTree, names: Sequence[str], options: dict[str, str]
) -> Outcome:
    project = Project(catalog, tree)
    catalog.check_options(options)
    plan = plan_add(catalog, project.components, names)
    _check_options_apply(catalog, plan, options)
    project.options |= catalog.default_options(p.name for p in plan.packs) | options
    for pack in plan.packs:
        project.apply(pack)
    return Outcome(plan, ChangeSet(tree), tree.root)


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


def present_integrations(catalog: Catalog, components: Iterable[str]) -> list[str]:
    return active_integrations(catalog, list(components))
