"""The contract every pack passes: Aegis's invariants, as a pytest test class.

Subclass it in a pack's tests::

    from aegis.testing import PackContract

    class TestSentryContract(PackContract):
        pack = "sentry"

and pytest checks the pack against the core and every other installed pack: `init -c S`
equals `init` then `add` of each; any add order gives the same bytes; adding again changes
nothing; `remove` is the exact inverse; the previewed diff, applied with `git apply`, is what
the command writes; an owner's edits survive add and remove; the compose file stays
consistent; the deploy files (compose, CI workflow, pre-commit hooks, Kubernetes
overlays) pass their specifications; and (marker `generated`) the generated projects lint,
type-check, pass their own tests, start and report the pack's health checks healthy. With
`pack = None` (Aegis's own suite) every allowed set of the whole catalogue is checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from aegis.catalog import Catalog
from aegis.edits import ComposeService, ListItem
from aegis.pack import Pack
from aegis.testing import generated
from aegis.testing.cases import Case, closure, covering_cases, generated_cases, invariant_cases
from aegis.testing.compose import compose_problems
from aegis.testing.deploy import DeployCheck
from aegis.testing.owner import make_owner_edits
from aegis.testing.workbench import (
    Workbench,
    assert_same_tree,
    copy_secrets,
    git_apply,
    snapshot,
    tree_difference,
)

Removal = tuple[Case, str]


class PackContract:
    """Aegis's invariants for `pack` (or, with None, for the whole catalogue)."""

    pack: ClassVar[str | None] = None
    extra_packs: ClassVar[tuple[Pack, ...]] = ()
    """Packs to check that are not installed (e.g. one defined in the test module)."""

    _catalogs: ClassVar[dict[type, Catalog]] = {}

    @classmethod
    def catalog(cls) -> Catalog:
        """The built-in and installed packs, and `extra_packs` (loaded once per class)."""
        if cls not in PackContract._catalogs:
            loaded = Catalog.load()
            PackContract._catalogs[cls] = Catalog([*loaded, *cls.extra_packs])
        return PackContract._catalogs[cls]

    @classmethod
    def bench(cls) -> Workbench:
        return Workbench(cls.catalog())

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        catalog = self.catalog()
        cases = invariant_cases(catalog, self.pack)
        removals = [(c, n) for c in cases for n in c.removable() if self.pack in (None, n)]
        params: dict[str, tuple[list[Any], list[str]]] = {
            "case": (cases, [c.label for c in cases]),
            "several": (
                [c for c in cases if len(c.components) >= 2],
                [c.label for c in cases if len(c.components) >= 2],
            ),
            "removal": (removals, [f"{c.label}-{n}" for c, n in removals]),
        }
        if "generated_case" in metafunc.fixturenames:
            chosen = generated_cases(catalog, self.pack)
            params["generated_case"] = (chosen, [c.label for c in chosen])
        for name, (values, ids) in params.items():
            if name in metafunc.fixturenames:
                metafunc.parametrize(name, values, ids=ids)

    # -- the algebra ----------------------------------------------------------------------

    def test_init_with_packs_equals_init_then_add(self, tmp_path: Path, case: Case) -> None:
        bench = self.bench()
        direct = bench.init(tmp_path / "direct", case.ordered, case.options)
        stepwise = bench.init(tmp_path / "stepwise")
        for name in case.ordered:
            bench.add(stepwise, [name], case.own_options(name))
        assert_same_tree(direct, stepwise)

    def test_add_order_does_not_change_the_bytes(self, tmp_path: Path, several: Case) -> None:
        bench = self.bench()
        reference = bench.init(tmp_path / "reference", several.ordered, several.options)
        for number, order in enumerate(several.add_orders()):
            project = bench.init(tmp_path / f"order{number}")
            present: set[str] = set()
            for name in order:
                bench.add(project, [name], several.brought_options(name, present))
                present |= closure(bench.catalog, [name])
            assert_same_tree(reference, project)

    def test_adding_again_changes_nothing(self, tmp_path: Path, case: Case) -> None:
        from aegis import engine

        bench = self.bench()
        project = bench.init(tmp_path, case.ordered, case.options)
        before = snapshot(project)
        for name in case.ordered:
            outcome = engine.add(bench.catalog, project, [name], {})
            assert not outcome.changes
            assert outcome.plan.already_present == [name]
        assert not engine.add(bench.catalog, project, case.ordered, {}).changes
        assert snapshot(project) == before

    def test_remove_is_the_exact_inverse_of_add(self, tmp_path: Path, removal: Removal) -> None:
        case, name = removal
        bench = self.bench()
        smaller_case = case.without(name)
        smaller = bench.init(tmp_path / "smaller", smaller_case.ordered, smaller_case.options)
        full = bench.init(tmp_path / "full", case.ordered, case.options)
        project = bench.init(tmp_path / "work", case.ordered, case.options)
        assert bench.remove(project, [name])
        assert_same_tree(smaller, project)
        assert bench.add(project, [name], case.own_options(name))
        assert_same_tree(full, project)
        assert bench.remove(project, [name])
        assert_same_tree(smaller, project)

    def test_preview_applied_with_git_is_what_the_command_writes(
        self, tmp_path: Path, removal: Removal
    ) -> None:
        import shutil

        case, name = removal
        bench = self.bench()
        smaller = case.without(name)
        project = bench.init(tmp_path / "project", smaller.ordered, smaller.options)
        previewed = tmp_path / "previewed"
        shutil.copytree(project, previewed)
        patch = bench.preview_add(project, [name], case.own_options(name))
        assert f"# aegis: {name}\n" in patch
        git_apply(previewed, patch)
        bench.add(project, [name], case.own_options(name))
        assert_same_tree(project, previewed)
        # both start from the same generated secrets, so the patch's context matches
        copy_secrets(project, previewed)
        git_apply(previewed, bench.preview_remove(project, [name]))
        bench.remove(project, [name])
        assert_same_tree(project, previewed)

    def test_owner_edits_survive_add_and_remove(self, tmp_path: Path, removal: Removal) -> None:
        case, name = removal
        bench = self.bench()
        smaller = case.without(name)
        project = bench.init(tmp_path, smaller.ordered, smaller.options)
        kept = make_owner_edits(project)
        edited = snapshot(project)
        assert bench.add(project, [name], case.own_options(name))
        for path, text in kept:
            assert text in (project / path).read_text(), f"lost {text!r} in {path}"
        assert bench.remove(project, [name])
        after = snapshot(project)
        assert after == edited, f"differs at {tree_difference(edited, after)}"

    def test_a_new_project_is_born_migrated(self, tmp_path: Path, case: Case) -> None:
        """A project made today records its packs' migrations as done, and is in their new
        shape already: running each one again changes nothing."""
        import tomllib

        from aegis.ledger import LEDGER

        bench = self.bench()
        migrating = [bench.catalog[name] for name in case.components]
        migrating = [pack for pack in migrating if pack.migrations]
        if not migrating:
            return
        project = bench.init(tmp_path, case.ordered, case.options)
        records = tomllib.loads((project / LEDGER).read_text())["packs"]
        before = snapshot(project)
        for pack in migrating:
            assert records[pack.name]["migrations"] == [m.id for m in pack.migrations]
            for migration in pack.migrations:
                assert not bench.migrate(project, migration), f"{pack.name}: {migration.id}"
        after = snapshot(project)
        assert after == before, f"differs at {tree_difference(before, after)}"

    def test_compose_file_is_consistent(self, tmp_path: Path, case: Case) -> None:
        """Every command runs a module that exists; depends_on, volumes and networks resolve;
        every service a pack declares is there."""
        from ruamel.yaml import YAML

        bench = self.bench()
        project = bench.init(tmp_path, case.ordered, case.options)
        assert compose_problems(project) == []
        compose = YAML(typ="safe").load((project / "docker-compose.yml").read_text())
        options = bench.catalog.default_options(case.components) | case.options
        for name in case.components:
            for edit in bench.catalog[name].edits_for(options):
                if isinstance(edit, ComposeService):
                    assert edit.name in compose["services"]

    def test_deploy_files_pass_their_specifications(self, tmp_path: Path) -> None:
        """For every case: the compose file passes the Compose specification's schema, the
        CI workflow GitHub's workflow schema; each Kubernetes overlay builds, passes the
        API's schemas (strict) and holds together with the project (see
        `aegis.testing.deploy`)."""
        import shutil

        bench = self.bench()
        check = DeployCheck(tmp_path / "checked")
        for number, case in enumerate(invariant_cases(bench.catalog, self.pack)):
            project = bench.init(tmp_path / str(number), case.ordered, case.options)
            check.add(project, case.label)
            shutil.rmtree(project.parent)
        problems = check.run()
        assert not problems, "\n".join(problems)

    def test_readme_layout_lists_every_folder_the_packs_add(
        self, tmp_path: Path, case: Case
    ) -> None:
        """Each folder with files that the packs add is in the README's `## Layout` (or a
        folder above it is), and each folder listed there exists."""
        bench = self.bench()
        core = folders(bench.init(tmp_path / "core"))
        project = bench.init(tmp_path / "project", case.ordered, case.options)
        present = folders(project)
        listed = layout_folders(project)
        missing = [
            folder
            for folder in sorted(present - core)
            if not any(folder.startswith(entry) for entry in listed)
        ]
        assert not missing, f"not in the README's layout: {missing}"
        assert [entry for entry in listed if entry not in present | parents(present)] == []

    # -- generated projects ---------------------------------------------------------------

    @pytest.fixture(scope="class")
    @classmethod
    def python(cls, tmp_path_factory: pytest.TempPathFactory) -> Path:
        """The shared environment of generated projects (built once, then reused)."""
        catalog = cls.catalog()
        scratch = tmp_path_factory.mktemp("requirements")
        return generated.ensure_environment(Workbench(catalog), covering_cases(catalog), scratch)

    @pytest.mark.generated
    def test_generated_project_lints_and_passes_its_tests(
        self, tmp_path: Path, python: Path, generated_case: Case
    ) -> None:
        project = self.bench().init(tmp_path, generated_case.ordered, generated_case.options)
        generated.lint_and_test(python, project)

    @pytest.mark.generated
    def test_generated_project_starts_and_reports_its_checks(
        self, tmp_path: Path, python: Path, generated_case: Case
    ) -> None:
        """Every app process of the compose file runs; once they are up, every health check
        is healthy, and each pack that registers checks has one named after it; the
        probes answer (live, and ready with each pack's readiness check)."""
        case = generated_case
        bench = self.bench()
        project = bench.init(tmp_path, case.ordered, case.options)
        with (
            generated.machine_services(case.options) as env,
            generated.serve(project, python, env) as base_url,
            generated.other_processes(project, python, env),
        ):
            checks = generated.settled_checks(base_url)
            live = generated.get_status(f"{base_url}/health/live")
            ready = generated.get_status(f"{base_url}/health/ready")
            readiness = generated.fetch_json(f"{base_url}/health/ready")["checks"]
        unhealthy = [check for check in checks.values() if check["status"] != "healthy"]
        assert not unhealthy
        assert (live, ready) == (200, 200), readiness
        for name in registers_checks(bench.catalog, case):
            assert generated.pack_checks(name, checks), f"no check of {name} in {sorted(checks)}"
        for name in registers_checks(bench.catalog, case, "READINESS_CHECKS"):
            assert generated.pack_checks(name, readiness), f"{name} not in {sorted(readiness)}"


def folders(project: Path) -> set[str]:
    """The folders of a project that hold files, as `path/`."""
    return {
        f"{path.parent.relative_to(project).as_posix()}/"
        for path in project.rglob("*")
        if path.is_file() and path.parent != project
    }


def parents(found: set[str]) -> set[str]:
    """Every folder above those of `found`, as `path/`."""
    above = set()
    for folder in found:
        parts = folder.split("/")[:-1]
        above |= {"/".join(parts[:n]) + "/" for n in range(1, len(parts))}
    return above


def layout_folders(project: Path) -> list[str]:
    """The folders listed in the README's `## Layout` (its lines `- PATH/: ...`)."""
    import re

    readme = (project / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^- `([^`]+/)`", section, re.MULTILINE)


def registers_checks(catalog: Catalog, case: Case, registry: str = "HEALTH_CHECKS") -> list[str]:
    """The packs of `case` that register a check in `registry` (a list of checks)."""
    options = catalog.default_options(case.components) | case.options
    return [
        name
        for name in case.ordered
        if any(
            isinstance(edit, ListItem) and edit.list_name == registry
            for edit in catalog[name].edits_for(options)
        )
    ]
