"""Migrations: versioned changes of a project that are not an old edit swapped for a new one
(a file moved, a setting or a module renamed).

A migration belongs to a pack (or to the core), has an id unique in its pack and the version
of the pack that introduced it, and is data: declarative steps (`MoveFile`, `RenameSetting`,
`RenameModule`), and, for what they do not cover, a function over the project's files.
`aegis update` runs the pending ones (not recorded in the ledger, introduced after the
version that applied the pack) first, in the same transaction, and records them; a pack
added to a project records its migrations as done (the project is born in the new shape).

Every step is idempotent: one whose target is already in the new shape does nothing. A step
also rewrites the ledger's records as the files now are (an owned file's new path, a renamed
setting in the recorded edits), so that the replay that follows compares like with like.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from aegis.plain import Plain, field

if TYPE_CHECKING:
    import libcst

    from aegis.engine import Project
    from aegis.ledger import Record
    from aegis.pack import Pack
    from aegis.tree import VirtualTree

CONFIG = "app/core/config.py"
SETTINGS_CLASS = "Settings"
ENV_FILES = (".env.example", ".env")
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_SKIPPED_FOLDERS = {"__pycache__", "node_modules"}


class Files:
    """The project's files as a migration sees them: reads and writes of the virtual tree
    (nothing reaches the disk before the command's transaction)."""

    def __init__(self, tree: VirtualTree) -> None:
        self.tree = tree
        self.before: dict[str, str | None] = {}  # each changed file as it was before

    def read(self, path: str) -> str | None:
        return self.tree.read(path)

    def exists(self, path: str) -> bool:
        return self.tree.exists(path)

    def write(self, path: str, text: str) -> None:
        if self.tree.read(path) != text:
            self.before.setdefault(path, self.tree.read(path))
            self.tree.write(path, text)

    def delete(self, path: str) -> None:
        if self.tree.exists(path):
            self.before.setdefault(path, self.tree.read(path))
            self.tree.delete(path)

    def python_files(self) -> list[str]:
        """Every Python file of the project (hidden folders and caches left out)."""
        found = set(self._walk(""))
        found |= {path for path in self.tree.changed_paths() if path.endswith(".py")}
        return sorted(path for path in found if self.tree.exists(path))

    def _walk(self, folder: str) -> Iterator[str]:
        files = self.tree.files
        for name in sorted(files.list_folder(folder)):
            path = f"{folder}/{name}" if folder else name
            if name.startswith(".") or name in _SKIPPED_FOLDERS:
                continue
            if files.is_folder(path):
                yield from self._walk(path)
            elif name.endswith(".py"):
                yield path


class Step:
    """One declarative change of a migration."""

    def run(self, files: Files) -> None:
        raise NotImplementedError

    def rewrite(self, record: Record) -> None:
        """Make a pack's ledger record describe the files as the step left them."""

    def describe(self) -> str:
        raise NotImplementedError


class MoveFile(Plain, Step):
    """Move (or rename) a file. Nothing happens when `source` is gone; when both exist, the
    migration stops (the owner decides which one stays)."""

    source: str
    target: str

    def run(self, files: Files) -> None:
        text = files.read(self.source)
        if text is None:
            return
        existing = files.read(self.target)
        if existing is not None and existing != text:
            from aegis.errors import PlanError

            raise PlanError(
                f"{self.source} moves to {self.target}, which exists already with other "
                f"content. Merge the two files into {self.target} and delete {self.source}, "
                "then run again."
            )
        files.write(self.target, text)
        files.delete(self.source)

    def rewrite(self, record: Record) -> None:
        if self.source in record.files:
            record.files[self.target] = record.files.pop(self.source)
            record.files = dict(sorted(record.files.items()))
        for data in record.edits:
            if data.get("path") == self.source:
                data["path"] = self.target

    def describe(self) -> str:
        return f"move {self.source} to {self.target}"


class RenameSetting(Plain, Step):
    """Rename a setting: the field of `Settings` in app/core/config.py, its variable
    (upper case) in .env.example and .env, in every `environment:` of the compose file, and
    its reads in the project's Python code (see `rename_setting_reads`). Where the old name
    is gone (or the new one is there already) nothing changes."""

    old: str
    new: str

    def run(self, files: Files) -> None:
        text = files.read(CONFIG)
        if text is not None:
            files.write(CONFIG, rename_field(text, self.old, self.new, SETTINGS_CLASS))
        for path in ENV_FILES:
            text = files.read(path)
            if text is not None:
                files.write(path, rename_variable(text, self.old.upper(), self.new.upper()))
        for path in COMPOSE_FILES:
            text = files.read(path)
            if text is not None:
                files.write(path, rename_environment(text, self.old.upper(), self.new.upper()))
        for path in files.python_files():
            text = files.read(path)
            if text is not None and self.old in text:
                files.write(path, rename_setting_reads(text, self.old, self.new))

    def rewrite(self, record: Record) -> None:
        old, new = self.old.upper(), self.new.upper()
        for data in record.edits:
            kind = data.get("edit")
            if kind == "Statement" and data.get("path") == CONFIG:
                data["code"] = rename_field(data["code"], self.old, self.new, None)
            elif kind == "TextBlock" and data.get("path") in ENV_FILES:
                data["body"] = rename_variable(data["body"], old, new)
            elif kind == "ComposeEnvironment" and data.get("variable") == old:
                data["variable"] = new
            elif kind == "EnvSecret" and data.get("key") == old:
                data["key"] = new

    def describe(self) -> str:
        return f"rename the setting {self.old} to {self.new}"


class RenameModule(Plain, Step):
    """Rename a module in every import of the project's Python files (`import old`,
    `from old import x`, `from old.sub import x`) and in the recorded registrations and
    scripts. Pair it with a `MoveFile` of the module itself."""

    old: str
    new: str

    def run(self, files: Files) -> None:
        for path in files.python_files():
            text = files.read(path)
            if text is not None and self.old in text:
                files.write(path, rename_imports(text, self.old, self.new))

    def rewrite(self, record: Record) -> None:
        for data in record.edits:
            kind = data.get("edit")
            if kind == "Import":
                data["module"] = self._renamed(data["module"])
            elif kind == "Script":
                module, colon, function = str(data["target"]).partition(":")
                data["target"] = self._renamed(module) + colon + function

    def _renamed(self, module: str) -> str:
        if module == self.old or module.startswith(self.old + "."):
            return self.new + module[len(self.old) :]
        return module

    def describe(self) -> str:
        return f"rename the module {self.old} to {self.new}"


class Migration(Plain):
    """A versioned change of the projects a pack (or the core) made: `id` unique in the
    pack, `version` the pack's version that introduced it, `steps` run in order, then
    `function` (over the project's files; it must leave a project already in the new shape
    unchanged)."""

    id: str
    version: str
    summary: str
    steps: tuple[Step, ...] = ()
    function: Callable[[Files], None] | None = field(default=None, compare=False)

    def run(self, files: Files, records: Sequence[Record]) -> None:
        """Change the files, and the records of the ledger to match them."""
        for step in self.steps:
            step.run(files)
            for record in records:
                step.rewrite(record)
        if self.function is not None:
            self.function(files)


CORE: tuple[Migration, ...] = ()
"""The core project's migrations (none yet)."""


def pending(migrations: Sequence[Migration], record: Record | None) -> list[Migration]:
    """The migrations a project with this ledger record has not run: not recorded, and
    introduced after the version that applied the pack (all of them without a record)."""
    from packaging.version import InvalidVersion, Version

    if record is None:
        return list(migrations)
    try:
        applied = Version(record.version)
    except InvalidVersion:
        return [m for m in migrations if m.id not in record.migrations]
    return [m for m in migrations if m.id not in record.migrations and Version(m.version) > applied]


def run_pending(project: Project, packs: Sequence[Pack]) -> list[str]:
    """Run the pending migrations of the core and of `packs` (in catalogue order), each as
    its own step of the change set (`migration <pack>:<id>`); return their names."""
    ran = []
    for owner, migrations in [("core", CORE), *((pack.name, pack.migrations) for pack in packs)]:
        record = project.ledger.packs.get(owner)
        for migration in pending(migrations, record):
            name = f"{owner}:{migration.id}"
            project.tree.begin(f"migration {name}")
            files = Files(project.tree)
            migration.run(files, list(project.ledger.packs.values()))
            _refresh_fingerprints(project, files)
            if record is not None:
                record.migrations.append(migration.id)
            ran.append(name)
    return ran


def run_before_the_ledger(
    tree: VirtualTree, base: dict[str, str], packs: Sequence[Pack]
) -> list[str]:
    """For a project made before the ledger (which ran none): run every migration of the
    core and of `packs`, each as its own step of the change set, on the project and on
    `base` (what its version generated), so that the three-way merge that follows compares
    like with like. `base` is changed in place; return the migrations' names."""
    ran = []
    for owner, migrations in [("core", CORE), *((pack.name, pack.migrations) for pack in packs)]:
        for migration in migrations:
            name = f"{owner}:{migration.id}"
            tree.begin(f"migration {name}")
            migration.run(Files(tree), [])
            migration.run(TextFiles(base), [])
            ran.append(name)
    return ran


class TextFiles(Files):
    """Files held as texts by path (what a released version generated), changed in place."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.before = {}

    def read(self, path: str) -> str | None:
        return self.texts.get(path)

    def exists(self, path: str) -> bool:
        return path in self.texts

    def write(self, path: str, text: str) -> None:
        self.texts[path] = text

    def delete(self, path: str) -> None:
        self.texts.pop(path, None)

    def python_files(self) -> list[str]:
        return sorted(path for path in self.texts if path.endswith(".py"))


def _refresh_fingerprints(project: Project, files: Files) -> None:
    """An owned file the migration changed, as generated before, is as generated after."""
    from aegis.fingerprints import as_recorded, fingerprint

    for record in project.ledger.packs.values():
        for path, mark in list(record.files.items()):
            before, after = files.before.get(path), files.read(path)
            if before is not None and after is not None and as_recorded(path, before, mark):
                record.files[path] = fingerprint(path, after)


# -- the renames, on text --------------------------------------------------------------------


def rename_field(source: str, old: str, new: str, scope: str | None) -> str:
    """`old: type = value` renamed `new` in the class `scope` (None: at the module's top
    level); unchanged when the class already has `new`, or has no `old`."""
    import libcst

    try:
        module = libcst.parse_module(source)
    except libcst.ParserSyntaxError:
        return source
    if scope is None:
        body: Sequence[Any] = module.body
    else:
        classes = [s for s in module.body if isinstance(s, libcst.ClassDef)]
        found = [c for c in classes if c.name.value == scope]
        if not found or not isinstance(found[0].body, libcst.IndentedBlock):
            return source
        body = found[0].body.body
    names = {_field_name(statement) for statement in body}
    if old not in names or new in names:
        return source
    renamed: libcst.Module = module.visit(_field_renamer(old, new, scope))
    return renamed.code


def _field_name(statement: Any) -> str | None:
    import libcst

    if isinstance(statement, libcst.SimpleStatementLine) and statement.body:
        first = statement.body[0]
        if isinstance(first, libcst.AnnAssign) and isinstance(first.target, libcst.Name):
            return first.target.value
    return None


def _field_renamer(old: str, new: str, scope: str | None) -> libcst.CSTTransformer:
    """Renames the annotated assignment `old` directly in the class `scope` (or at the top
    level), nowhere else."""
    import libcst

    class Renamer(libcst.CSTTransformer):
        def __init__(self) -> None:
            super().__init__()
            self.classes: list[str] = []

        def visit_ClassDef(self, node: libcst.ClassDef) -> None:
            self.classes.append(node.name.value)

        def leave_ClassDef(
            self, original: libcst.ClassDef, updated: libcst.ClassDef
        ) -> libcst.ClassDef:
            self.classes.pop()
            return updated

        def visit_FunctionDef(self, node: libcst.FunctionDef) -> bool:
            return False  # a local variable is not a field

        def leave_AnnAssign(
            self, original: libcst.AnnAssign, updated: libcst.AnnAssign
        ) -> libcst.AnnAssign:
            target = updated.target
            here = self.classes == ([] if scope is None else [scope])
            if here and isinstance(target, libcst.Name) and target.value == old:
                return updated.with_changes(target=target.with_changes(value=new))
            return updated

    return Renamer()


def rename_setting_reads(source: str, old: str, new: str) -> str:
    """`.old` renamed `.new` where it is read from the settings: on `get_settings()`, on a
    name or attribute called `settings` (or ending in `_settings`), and on `self` inside
    the class `Settings`. Any other object's `.old` is not a setting and stays."""
    import libcst

    try:
        module = libcst.parse_module(source)
    except libcst.ParserSyntaxError:
        return source
    renamed: libcst.Module = module.visit(_setting_read_renamer(old, new))
    return renamed.code


def _is_settings(node: Any, in_settings_class: bool) -> bool:
    import libcst

    if isinstance(node, libcst.Call):
        function = node.func
        name = function.attr if isinstance(function, libcst.Attribute) else function
        return isinstance(name, libcst.Name) and name.value == "get_settings"
    name = node.attr if isinstance(node, libcst.Attribute) else node
    if not isinstance(name, libcst.Name):
        return False
    if name.value == "self" and isinstance(node, libcst.Name):
        return in_settings_class
    return name.value == "settings" or name.value.endswith("_settings")


def _setting_read_renamer(old: str, new: str) -> libcst.CSTTransformer:
    import libcst

    class Renamer(libcst.CSTTransformer):
        def __init__(self) -> None:
            super().__init__()
            self.classes: list[str] = []

        def visit_ClassDef(self, node: libcst.ClassDef) -> None:
            self.classes.append(node.name.value)

        def leave_ClassDef(
            self, original: libcst.ClassDef, updated: libcst.ClassDef
        ) -> libcst.ClassDef:
            self.classes.pop()
            return updated

        def leave_Attribute(
            self, original: libcst.Attribute, updated: libcst.Attribute
        ) -> libcst.Attribute:
            in_settings_class = SETTINGS_CLASS in self.classes
            if updated.attr.value == old and _is_settings(updated.value, in_settings_class):
                return updated.with_changes(attr=updated.attr.with_changes(value=new))
            return updated

    return Renamer()


def rename_variable(text: str, old: str, new: str) -> str:
    """`OLD=value` lines (also `export OLD=...`) renamed `NEW`, unless `NEW` is set already."""
    line = r"^(\s*(?:export\s+)?){}(\s*=)"
    if re.search(line.format(re.escape(new)), text, re.M):
        return text
    return re.sub(line.format(re.escape(old)), rf"\g<1>{new}\g<2>", text, flags=re.M)


def rename_environment(text: str, old: str, new: str) -> str:
    """The variable renamed in every `environment:` of a compose file (mapping or list),
    in place; a service or block that has `new` already keeps both as they are."""
    from aegis import documents

    if old not in text:
        return text
    document = documents.Document.open("yaml", "compose", text)
    changed = False
    for node in _environments(document.content):
        changed |= _rename_in_environment(node, old, new)
    return document.text() if changed else text


def _environments(data: Any) -> Iterator[Any]:
    if not isinstance(data, dict):
        return
    blocks = [value for key, value in data.items() if str(key).startswith("x-")]
    services = data.get("services")
    if isinstance(services, dict):
        blocks += list(services.values())
    for block in blocks:
        if isinstance(block, dict) and "environment" in block:
            yield block["environment"]


def _rename_in_environment(environment: Any, old: str, new: str) -> bool:
    from ruamel.yaml.comments import CommentedMap

    if isinstance(environment, CommentedMap):
        if old not in environment or new in environment:
            return False
        keys = list(environment)
        position = keys.index(old)
        value = environment.pop(old)
        environment.insert(position, new, value)
        return True
    if isinstance(environment, list):
        names = [str(item).partition("=")[0] for item in environment]
        if old not in names or new in names:
            return False
        index = names.index(old)
        environment[index] = new + str(environment[index])[len(old) :]
        return True
    return False


def rename_imports(source: str, old: str, new: str) -> str:
    """Every import of the module `old` (or a module inside it) made an import of `new`."""
    import libcst

    try:
        module = libcst.parse_module(source)
    except libcst.ParserSyntaxError:
        return source
    renamed: libcst.Module = module.visit(_import_renamer(old, new))
    return renamed.code


def _import_renamer(old: str, new: str) -> libcst.CSTTransformer:
    import libcst
    from libcst.helpers import get_full_name_for_node

    def renamed(node: Any) -> Any:
        name = get_full_name_for_node(node)
        if name is None or not (name == old or name.startswith(old + ".")):
            return node
        return libcst.parse_expression(new + name[len(old) :])

    class Renamer(libcst.CSTTransformer):
        def visit_ImportFrom(self, node: libcst.ImportFrom) -> bool:
            return False  # the names it imports are not modules

        def leave_ImportFrom(
            self, original: libcst.ImportFrom, updated: libcst.ImportFrom
        ) -> libcst.ImportFrom:
            if updated.module is None or updated.relative:
                return updated
            return updated.with_changes(module=renamed(updated.module))

        def leave_ImportAlias(
            self, original: libcst.ImportAlias, updated: libcst.ImportAlias
        ) -> libcst.ImportAlias:
            return updated.with_changes(name=renamed(updated.name))

    return Renamer()
