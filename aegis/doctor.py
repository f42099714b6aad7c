"""`aegis doctor`: the cross-file invariants of a project, each broken one with its file and
its fix.

- manifest ⇔ ledger: every pack in `[tool.aegis]` (and each integration they bring) has a
  record in the ledger, and the ledger records no other pack;
- ledger ⇔ files: every file a pack owns is there;
- registrations ⇔ modules: every module a pack's imports name exists;
- dependencies: every dependency a pack declared is in `pyproject.toml`;
- settings: every setting a pack declared is in `.env.example`, and every compose service
  gets the environment a pack put in for it (`aegis.doctor_settings`);
- compose: commands name modules and scripts that exist, `depends_on`, volumes and networks
  resolve (`aegis.testing.compose`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from aegis import manifest
from aegis.catalog import Catalog
from aegis.confined import ProjectFiles
from aegis.doctor_settings import settings_problems
from aegis.edits import Dependency, Import
from aegis.ledger import LEDGER, Record, loads
from aegis.resolve import plan_add
from aegis.tree import VirtualTree

_UPDATE = "run `aegis update` to record it"


def problems(catalog: Catalog, files: ProjectFiles) -> list[str]:
    """Each broken invariant, as `file: what is wrong. Fix: what to do.`"""
    tree = VirtualTree(files)
    found = manifest.read(tree.root, tree.read(manifest.PYPROJECT))
    manifest.validate(found, catalog)
    ledger = loads(tree.read(LEDGER))
    applied = plan_add(catalog, [], found.components).names
    listed: list[str] = []
    if not ledger.packs:
        return [f"{LEDGER}: missing (a project made before the ledger). Fix: {_UPDATE}."]
    for name in applied:
        if name not in ledger.packs:
            listed.append(
                f"{LEDGER}: no record of `{name}`, which the project has. Fix: {_UPDATE}."
            )
    for name in ledger.packs:
        if name != "core" and name not in applied:
            listed.append(
                f"{LEDGER}: records `{name}`, which [tool.aegis] does not list. Fix: add it "
                f"again with `aegis add {name}`, or restore {LEDGER} and pyproject.toml from git."
            )
    declared = _declared(tree.read(manifest.PYPROJECT) or "")
    for name, record in ledger.packs.items():
        listed += _record_problems(tree, name, record, declared)
    listed += settings_problems(tree, ledger.packs)
    if tree.exists("docker-compose.yml"):
        from aegis.testing.compose import compose_problems

        listed += [
            f"docker-compose.yml: {problem}. Fix: correct the file, or restore it from git."
            for problem in compose_problems(Path(files.root))
        ]
    return listed


def _record_problems(tree: VirtualTree, name: str, record: Record, declared: set[str]) -> list[str]:
    listed = []
    for path in record.files:
        if not tree.exists(path):
            listed.append(
                f"{path}: missing; `{name}` owns it. Fix: restore it from git, or take the "
                f"pack out with `aegis remove {name}`."
            )
    for edit in record.recorded_edits():
        if isinstance(edit, Import) and edit.module.startswith("app."):
            module = edit.module.replace(".", "/")
            if not (tree.exists(f"{module}.py") or tree.exists(f"{module}/__init__.py")):
                listed.append(
                    f"{edit.path}: imports `{edit.name}` from {edit.module}, which does not "
                    f"exist ({module}.py). Fix: restore the module, or `aegis remove {name}`."
                )
        if isinstance(edit, Dependency) and _name(edit.requirement) not in declared:
            listed.append(
                f"pyproject.toml: `{name}` needs the dependency {edit.requirement}, which is "
                f'not declared. Fix: add "{edit.requirement}" to [project].dependencies.'
            )
    return listed


def _declared(pyproject: str) -> set[str]:
    """The names of every dependency pyproject.toml declares (optional ones included)."""
    project = tomllib.loads(pyproject).get("project", {})
    entries = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        entries += extra
    return {name for entry in entries if (name := _name(entry))}


def _name(requirement: str) -> str:
    try:
        return canonicalize_name(Requirement(requirement).name)
    except InvalidRequirement:
        return ""
