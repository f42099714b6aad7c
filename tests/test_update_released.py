"""`aegis update` of projects made by each released Aegis (issue 11): 0.1.0 (before the
ledger) and 0.2.0, generated here from git history by that commit's own sources, edited by
their owner, then updated by this Aegis. Also: the archives in releases/ give, for a real
project name, the very bytes those versions generated for it.

These tests need the repository's full git history (a shallow clone fails them, saying so).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from aegis import released, update
from aegis.catalog import Catalog
from aegis.errors import UpdateConflict
from aegis.migrations import Migration, RenameSetting
from aegis.plain import fields, replace
from aegis.render import slugify
from aegis.testing.cases import Case
from aegis.testing.generated import ensure_environment, lint_and_test
from aegis.testing.history import generate
from aegis.testing.owner import make_owner_edits
from aegis.testing.workbench import Workbench, git_apply, snapshot, tree_difference
from tests.aegis_helpers import CATALOG

ROOT = Path(__file__).resolve().parent.parent
COMMITS = {"0.1.0": "bef105e", "0.2.0": "a36689e"}
NAME = "acme-ledger"
SQLITE = {"database_engine": "sqlite"}
EVERYTHING_010 = ("cache", "database", "redis", "scheduler", "worker")
CASES = [
    ("0.1.0", (), {}),
    ("0.1.0", ("database", "scheduler"), SQLITE),
    ("0.1.0", EVERYTHING_010, {"database_engine": "postgresql"}),
    ("0.2.0", ("database", "scheduler"), SQLITE),
    ("0.2.0", ("redis", "worker"), {}),
]
# A line the owner changes in an owned file that the new version also changed elsewhere.
OWN_LINE = ("app/core/config.py", "cpu_warning_percent: float = 80.0", "= 92.5")


def case_id(case: tuple[str, tuple[str, ...], dict[str, str]]) -> str:
    return f"{case[0]}-{released.combination(case[1], case[2])}"


@pytest.fixture(scope="module")
def history() -> dict[str, dict[str, dict[str, str]]]:
    """What each released version generated for NAME, for the combinations of CASES."""
    found = {}
    for version, commit in COMMITS.items():
        only = [(packs, options) for v, packs, options in CASES if v == version]
        made, files = generate(commit, NAME, ROOT, only)
        assert made == version, f"{commit} is Aegis {made}, not {version}"
        found[version] = files
    return found


def made_by(history, case, parent: Path) -> Path:
    """The project the case's version generated, written into `parent`."""
    version, packs, options = case
    project = parent / NAME
    for path, text in history[version][released.combination(packs, options)].items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_bytes(text.encode())
    return project


def owner_edits(project: Path) -> list[tuple[str, str]]:
    """What an owner changes (`make_owner_edits`: a route module registered, its import
    where ruff sorts it; a comment above a registration list, a setting, a dependency, a
    comment above `services:` and a service in the compose file, a variable appended to
    `.env.example`, a README paragraph) and a line changed in an owned file that the new
    version changed too. 0.1.0's compose file starts with `services:` (today's with an
    `x-app:` block) and its `.env.example` has its managed blocks in another order."""
    kept = make_owner_edits(project)
    routing = project / "app/components/backend/api/routing.py"
    routing.write_text(isort_fixed(routing.read_text()))
    path, line, value = OWN_LINE
    text = (project / path).read_text()
    assert line in text
    changed = line.replace("= 80.0", value)
    (project / path).write_text(text.replace(line, changed))
    return [*kept, (path, changed), ("app/components/backend/api/notes.py", "list_notes")]


def isort_fixed(text: str) -> str:
    """The owner keeps ruff clean: the app's own `from` imports in their sorted order."""
    lines = text.splitlines(keepends=True)
    own = [i for i, line in enumerate(lines) if line.startswith("from app.")]
    for index, line in zip(own, sorted(lines[i] for i in own), strict=True):
        lines[index] = line
    return "".join(lines)


def updated(project: Path, resolve: update.Resolution = None) -> bool:
    changes = update.update(CATALOG, project, resolve).changes
    changes.apply()
    return bool(changes)


def aegis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aegis", *args], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_an_untouched_project_becomes_what_init_gives_today(tmp_path, history, case):
    _, packs, options = case
    project = made_by(history, case, tmp_path / "project")
    expected = Workbench(CATALOG).init(tmp_path / "expected", CATALOG.sort(packs), options, NAME)
    updated(project)
    assert snapshot(project) == snapshot(expected), tree_difference(
        snapshot(expected), snapshot(project)
    )
    assert not updated(project), "a second update changed something"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_an_edited_project_updates_keeping_the_edits(tmp_path, history, case):
    _, packs, options = case
    project = made_by(history, case, tmp_path / "project")
    kept = owner_edits(project)
    edited = {path for path, _ in kept} | {"tests/test_notes.py"}
    previewed = tmp_path / "previewed"
    shutil.copytree(project, previewed)
    patch = update.update(CATALOG, project).changes.diff()
    updated(project)

    if patch:  # 0.2.0 may generate what this Aegis generates: nothing to do
        git_apply(previewed, patch)
    assert snapshot(previewed) == snapshot(project), "the dry run is not what update wrote"
    for path, text in kept:
        assert text in (project / path).read_text(), f"lost {text!r} in {path}"
    expected = Workbench(CATALOG).init(tmp_path / "expected", CATALOG.sort(packs), options, NAME)
    mine, today = snapshot(project), snapshot(expected)
    untouched = (set(mine) | set(today)) - edited
    differing = [path for path in sorted(untouched) if mine.get(path) != today.get(path)]
    assert differing == [], "files the owner did not touch differ from today's init"
    assert not updated(project), "a second update changed something"
    checked = aegis("check", "--path", str(project))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_conflict_stops_the_update_with_nothing_written(tmp_path, history):
    """The owner and today's Aegis changed the same element of a 0.1.0 project differently:
    exit 3, nothing written; --keep-mine keeps the owner's, --take-new the new one."""
    case = ("0.1.0", (), {})
    project = made_by(history, case, tmp_path)
    main = project / "app/components/backend/main.py"
    line = '    """Build the application: every router of `ROUTERS`, then the dashboard."""\n'
    mine = '    """Our application."""\n'
    main.write_text(main.read_text().replace(line, mine))
    before = snapshot(project)
    result = aegis("update", "--path", str(project))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "app/components/backend/main.py" in result.stdout + result.stderr
    assert snapshot(project) == before
    taken = tmp_path / "taken"
    shutil.copytree(project, taken)
    assert updated(project, "mine")
    assert mine in main.read_text()
    assert aegis("check", "--path", str(project)).returncode == 0
    assert updated(taken, "new")
    assert mine not in (taken / "app/components/backend/main.py").read_text()
    assert aegis("check", "--path", str(taken)).returncode == 0


@pytest.mark.parametrize("version", sorted(COMMITS))
def test_the_archives_give_what_each_version_generated_for_a_real_name(tmp_path, version):
    """Rendered from git history with two other names, a few combinations equal what the
    shipped archive gives once the placeholder takes those names (`.env` values blank: they
    are secrets, made anew on every run; the ledger is not archived: update rewrites it)."""
    combinations = [((), {}), (("database", "scheduler"), SQLITE), (("redis", "worker"), {})]
    for name in ("Shop.Front_2", "billing"):
        made, files = generate(COMMITS[version], name, ROOT, combinations)
        assert made == version
        assert len(files) == len(combinations)
        for key, generated in files.items():
            packs, _, rest = key.partition("[")
            options = dict(o.split("=") for o in rest.rstrip("]").split(",") if o)
            components = [] if packs == "core" else packs.split("+")
            shipped = released.generated(version, components, options, slugify(name))
            assert shipped is not None, f"{version} {key} is not shipped"
            expected = {
                path: released.blank_secrets(text) if path == ".env" else text
                for path, text in generated.items()
                if not path.startswith(".aegis/")
            }
            assert shipped == expected, [p for p in expected if shipped.get(p) != expected[p]]


@pytest.mark.generated
def test_an_updated_010_project_passes_its_own_tests_and_lint(tmp_path, history):
    case = ("0.1.0", ("database", "scheduler"), SQLITE)
    python = ensure_environment(
        Workbench(CATALOG),
        [Case(frozenset(case[1]), dict(case[2]), CATALOG)],
        tmp_path / "requirements",
    )
    project = made_by(history, case, tmp_path / "project")
    owner_edits(project)
    assert updated(project)
    lint_and_test(python, project)


def newer_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A version of Aegis whose core adds a setting to app/core/config.py."""
    from aegis.resources import base_project_dir

    newer = tmp_path / "newer-core"
    shutil.copytree(base_project_dir(), newer)
    template = newer / "app/core/config.py.jinja"
    line = "    health_check_timeout: float = 5.0\n"
    assert line in template.read_text()
    template.write_text(template.read_text().replace(line, line + NEW_SETTING))
    monkeypatch.setattr("aegis.update.base_project_dir", lambda: newer)


NEW_SETTING = "    health_check_retries: int = 3\n"


def test_a_file_both_changed_since_a_shipped_version_is_merged_node_by_node(
    tmp_path, history, monkeypatch
):
    """A project with a ledger (0.2.0): its owner and the new version changed different
    settings of app/core/config.py; the merge against what 0.2.0 generated keeps both."""
    project = made_by(history, ("0.2.0", ("database", "scheduler"), SQLITE), tmp_path)
    path, line, value = OWN_LINE
    config = project / path
    changed = line.replace("= 80.0", value)
    config.write_text(config.read_text().replace(line, changed))
    newer_core(tmp_path, monkeypatch)
    assert updated(project)
    assert changed in config.read_text()
    assert NEW_SETTING in config.read_text()
    assert not updated(project), "a second update changed something"


def test_without_the_recorded_versions_archive_such_a_file_is_a_conflict(
    tmp_path, history, monkeypatch
):
    project = made_by(history, ("0.2.0", ("redis", "worker"), {}), tmp_path / "project")
    path, line, value = OWN_LINE
    config = project / path
    config.write_text(config.read_text().replace(line, line.replace("= 80.0", value)))
    newer_core(tmp_path, monkeypatch)
    empty = tmp_path / "no-releases"
    empty.mkdir()
    monkeypatch.setattr("aegis.released.releases_dir", lambda: empty)
    with pytest.raises(UpdateConflict, match="app/core/config.py: the whole file"):
        update.update(CATALOG, project)


# -- migrations of a project made before the ledger -----------------------------------------


def renamed_everywhere(value: Any, old: str, new: str) -> Any:
    """`value` (an edit's field) with `old` written `new`, in either case, at any depth."""
    if isinstance(value, str):
        return value.replace(old, new).replace(old.upper(), new.upper())
    if isinstance(value, dict):
        return {
            renamed_everywhere(k, old, new): renamed_everywhere(v, old, new)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(renamed_everywhere(item, old, new) for item in value)
    return value


def redis_with_a_renamed_setting(root: Path) -> Catalog:
    """The catalogue where a newer `redis` calls its setting `redis_dsn` (in its edits and its
    files) and migrates projects from `redis_url`."""
    redis = CATALOG["redis"]
    shutil.copytree(redis.root / "files", root / "files")
    for path in (root / "files").rglob("*.py"):
        path.write_text(renamed_everywhere(path.read_text(), "redis_url", "redis_dsn"))

    def edits(options: dict[str, str]) -> list[Any]:
        return [
            replace(
                edit,
                **{
                    name: renamed_everywhere(getattr(edit, name), "redis_url", "redis_dsn")
                    for name in fields(edit)
                },
            )
            for edit in redis.edits_for(options)
        ]

    migration = Migration(
        "dsn", "9.0", "redis_url is now redis_dsn", (RenameSetting("redis_url", "redis_dsn"),)
    )
    newer = replace(redis, edits=edits, migrations=(migration,), root=root)
    return Catalog([newer if pack.name == "redis" else pack for pack in CATALOG])


def test_a_project_made_before_the_ledger_runs_every_migration_first(tmp_path):
    """A 0.1.0 project (as its archive gives it) with the owner's module reading the setting:
    the migration renames the setting in the project and in what 0.1.0 generated, so the
    three-way merge sees no change of the owner's, and the owner's code follows the rename."""
    catalog = redis_with_a_renamed_setting(tmp_path / "newer-redis")
    project = tmp_path / NAME
    for path, text in released.generated("0.1.0", ["redis"], {}, NAME).items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text)
    mine = project / "app/core/mine.py"
    mine.write_text("from app.core.config import get_settings\n\nURL = get_settings().redis_url\n")
    preview = update.update(catalog, project).changes
    assert [step.name for step in preview.steps][:1] == ["migration redis:dsn"]
    preview.apply()
    assert mine.read_text().endswith("URL = get_settings().redis_dsn\n")
    made = Workbench(catalog).init(tmp_path / "init", ["redis"], None, NAME)
    expected = snapshot(made)
    got = {path: text for path, text in snapshot(project).items() if path != "app/core/mine.py"}
    assert got == expected, tree_difference(got, expected)
    assert not update.update(catalog, project).changes
