"""`aegis update` between two versions of a pack (tests/test_ledger.py: the probe pack, whose
v2 changes its owned file and every kind of edit): the result is what v2's `init` gives, the
owner's work stays, and a real conflict stops it with nothing written."""

from __future__ import annotations

import shutil

import pytest

from aegis import __version__, update
from aegis.errors import UPDATE_CONFLICT, PlanError, UpdateConflict
from aegis.testing.workbench import Workbench, copy_secrets, git_apply
from tests.aegis_helpers import (
    CATALOG,
    allowed_sets,
    make_owner_edits,
    migrated,
    snapshot,
    tree_difference,
)
from tests.test_ledger import PROBE_MIGRATION, probe_catalog

LARGEST = max(allowed_sets(), key=len)
SETS = [frozenset(), frozenset({"redis"}), LARGEST]


def versions(tmp_path):
    return probe_catalog(tmp_path / "packs", 1), probe_catalog(tmp_path / "packs", 2)


def made_with(catalog, parent, components):
    return Workbench(catalog).init(parent, [*CATALOG.sort(components), "probe"])


def updated(catalog, project, resolve=None) -> bool:
    changes = update.update(catalog, project, resolve).changes
    changes.apply()
    return bool(changes)


def assert_same(left, right):
    a, b = snapshot(left), snapshot(right)
    assert a == b, tree_difference(a, b)


@pytest.mark.parametrize("components", SETS, ids=lambda s: "+".join(sorted(s)) or "core")
def test_update_gives_what_the_new_version_generates(tmp_path, components):
    v1, v2 = versions(tmp_path)
    project = made_with(v1, tmp_path / "project", components)
    expected = made_with(v2, tmp_path / "expected", components)
    assert updated(v2, project)
    copy_secrets(expected, project)
    assert_same(expected, project)
    assert not updated(v2, project), "a second update changed something"


def test_the_preview_is_what_update_writes(tmp_path):
    v1, v2 = versions(tmp_path)
    project = made_with(v1, tmp_path / "project", {"redis"})
    previewed = tmp_path / "previewed"
    shutil.copytree(project, previewed)
    patch = update.update(v2, project).changes.diff()
    sections = attributed(patch)
    assert list(sections)[0] == "migration probe:rename-probe-parts"
    assert "probe" in sections
    assert {path for path, _ in sections.pop("update")} == {".aegis/ledger.toml"}
    for name, lines in sections.items():
        probing = [line for _, line in lines if "probe" in line.lower()]
        assert not probing or name in ("probe", "migration probe:rename-probe-parts"), probing
    git_apply(previewed, patch)
    assert updated(v2, project)
    assert_same(project, previewed)


def attributed(patch: str) -> dict[str, list[tuple[str, str]]]:
    """The changed lines of a patch (with their file), by the `# aegis: <name>` section
    they are in."""
    sections: dict[str, list[tuple[str, str]]] = {}
    lines: list[tuple[str, str]] = []
    path = ""
    for line in patch.splitlines():
        if line.startswith("# aegis: "):
            lines = sections.setdefault(line.removeprefix("# aegis: "), [])
        elif line.startswith("diff --git a/"):
            path = line.split(" b/", 1)[1]
        elif line[:1] in "+-" and not line.startswith(("+++", "---")):
            lines.append((path, line))
    return sections


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_the_preview_of_a_swap_says_which_pack_changes_what(tmp_path, engine):
    from tests.aegis_helpers import init

    other = ENGINES[1 - ENGINES.index(engine)]
    project = init(tmp_path / "project", ["database", "scheduler"], {"database_engine": engine})
    make_owner_edits(project)
    previewed = tmp_path / "previewed"
    shutil.copytree(project, previewed)
    patch = update.update(CATALOG, project, settings={"database_engine": other}).changes.diff()
    sections = attributed(patch)
    assert (
        {"database", "scheduler_database"}
        <= set(sections)
        <= {"core", "database", "scheduler", "scheduler_database", "update"}
    )
    assert any("psycopg" in line for _, line in sections["database"])
    git_apply(previewed, patch)
    assert updated_with(project, {"database_engine": other})
    assert_same(project, previewed)


# -- migrations ---------------------------------------------------------------------------


def ledger_migrations(project) -> dict[str, list[str]]:
    from tests.test_ledger import ledger_of

    packs = ledger_of(project)["packs"]
    return {name: table["migrations"] for name, table in packs.items() if "migrations" in table}


@pytest.mark.parametrize("components", SETS, ids=lambda s: "+".join(sorted(s)) or "core")
def test_a_migration_runs_once_and_is_recorded(tmp_path, components):
    v1, v2 = versions(tmp_path)
    project = made_with(v1, tmp_path / "project", components)
    assert ledger_migrations(project) == {}
    outcome = update.update(v2, project)
    assert [step.name for step in outcome.changes.steps][0] == (
        "migration probe:rename-probe-parts"
    )
    outcome.changes.apply()
    assert ledger_migrations(project) == {"probe": ["rename-probe-parts"]}
    second = update.update(v2, project).changes
    assert not second and not second.steps, "a second update ran something"
    assert ledger_migrations(made_with(v2, tmp_path / "new", components)) == {
        "probe": ["rename-probe-parts"]
    }


@pytest.mark.parametrize("components", SETS, ids=lambda s: "+".join(sorted(s)) or "core")
def test_running_a_migration_twice_equals_once(tmp_path, components):
    """Over the fixture's combinations, on the old shape (with the owner's edits and a module
    of theirs importing the moved one) and on the new shape, where it does nothing."""
    v1, v2 = versions(tmp_path)
    old = made_with(v1, tmp_path / "old", components)
    make_owner_edits(old)
    (old / "app/core/mine.py").write_text("import app.core.probe_steady\n")
    shutil.copytree(old, tmp_path / "twice")
    once = migrated(old, PROBE_MIGRATION, 1, v2)
    assert once != snapshot(tmp_path / "twice"), "the migration changed nothing"
    assert migrated(tmp_path / "twice", PROBE_MIGRATION, 2, v2) == once
    new = made_with(v2, tmp_path / "new", components)
    assert migrated(new, PROBE_MIGRATION, 1, v2) == snapshot(new)


def test_a_move_onto_an_existing_different_file_stops(tmp_path):
    v1, v2 = versions(tmp_path)
    project = made_with(v1, tmp_path / "project", {"redis"})
    (project / "app/core/probe_constants.py").write_text("MINE = 1\n")
    edited = snapshot(project)
    with pytest.raises(PlanError, match="probe_constants.py, which exists already"):
        update.update(v2, project)
    assert snapshot(project) == edited


def test_an_untouched_project_is_not_changed(tmp_path):
    v1, _ = versions(tmp_path)
    project = made_with(v1, tmp_path, LARGEST)
    assert not update.update(v1, project).changes


def test_the_owners_work_survives(tmp_path):
    v1, v2 = versions(tmp_path)
    project = made_with(v1, tmp_path / "project", {"redis"})
    kept = make_owner_edits(project)
    steady = project / "app/core/probe_steady.py"
    steady.write_text(steady.read_text() + "\nMINE = 2\n")
    mine = project / "app/core/mine.py"
    mine.write_text(
        "from app.core.config import get_settings\n"
        "from app.core.probe_steady import LEVEL\n\n"
        "TWICE = 2 * LEVEL\n"
        "WAIT = get_settings().probe_timeout\n"
    )
    assert updated(v2, project)
    for path, text in kept:
        assert text in (project / path).read_text(), f"lost {text!r} in {path}"
    assert not steady.exists(), "the migration moves it"
    assert "MINE = 2" in (project / "app/core/probe_constants.py").read_text()
    assert "from app.core.probe_constants import LEVEL\n" in mine.read_text()
    assert mine.read_text().endswith("WAIT = get_settings().probe_deadline\n")
    assert "probe_level: int = 2" in (project / "app/core/config.py").read_text()
    assert not updated(v2, project)


def test_a_changed_element_the_new_version_keeps_is_kept(tmp_path):
    """The owner changed an element v2 still makes the same way: no conflict, theirs stays."""
    v1, v2 = versions(tmp_path)
    project = made_with(v1, tmp_path / "project", {"redis"})
    compose = project / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("image: redis:7-alpine", "image: redis:8"))
    assert updated(v2, project)
    assert "image: redis:8" in compose.read_text()


# file, generated text, the owner's text, and what --take-new leaves: the new version, or
# (a Statement: its primitive never removes a statement whose code differs) the owner's
CONFLICTS = {
    "Statement": ("app/core/config.py", "probe_level: int = 1", "probe_level: int = 7", False),
    "ComposeService": ("docker-compose.yml", "image: probe:1", "image: probe:7", True),
    "owned file": ("app/core/probe.py", '"ok"', '"mine"', True),
}


@pytest.mark.parametrize("kind", list(CONFLICTS))
def test_a_real_conflict_stops_with_nothing_written(tmp_path, kind):
    path, old, new, replaced = CONFLICTS[kind]
    v1, v2 = versions(tmp_path)
    project = made_with(v1, tmp_path / "project", {"redis"})
    (project / path).write_text((project / path).read_text().replace(old, new))
    edited = snapshot(project)
    with pytest.raises(UpdateConflict) as conflict:
        update.update(v2, project)
    assert conflict.value.exit_code == UPDATE_CONFLICT
    assert f"  {path}: " in str(conflict.value)
    assert snapshot(project) == edited
    mine = tmp_path / "mine"
    shutil.copytree(project, mine)
    assert updated(v2, mine, "mine")
    assert new in (mine / path).read_text()
    assert updated(v2, project, "new")
    assert (new not in (project / path).read_text()) == replaced
    assert "<<<<<<<" not in "".join(p.decode(errors="replace") for p in snapshot(project).values())


def test_a_project_from_a_newer_aegis_is_refused(tmp_path):
    v1, _ = versions(tmp_path)
    project = made_with(v1, tmp_path, {"redis"})
    pyproject = project / "pyproject.toml"
    made = f'version = "{__version__}"'
    assert made in pyproject.read_text()
    pyproject.write_text(pyproject.read_text().replace(made, 'version = "9.0"'))
    edited = snapshot(project)
    with pytest.raises(PlanError, match="made by Aegis 9.0, newer than this Aegis"):
        update.update(v1, project)
    assert snapshot(project) == edited


# -- the command line --------------------------------------------------------------------


def aegis(*args):
    from typer.testing import CliRunner

    from aegis.cli import app

    result = CliRunner().invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.output


def test_check_is_0_when_up_to_date_and_1_after_a_version_bump(tmp_path, monkeypatch):
    from tests.aegis_helpers import init

    project = init(tmp_path, ["redis"])
    assert aegis("check", "--path", project) == (0, "Up to date.\n")
    for module in ("aegis.manifest", "aegis.engine", "aegis.update"):
        monkeypatch.setattr(f"{module}.__version__", "0.9.0")
    code, output = aegis("check", "--path", project)
    assert code == 1, output
    assert "pyproject.toml" in output and ".aegis/ledger.toml" in output
    assert aegis("update", "--path", project)[0] == 0
    assert aegis("check", "--path", project) == (0, "Up to date.\n")


def test_a_conflict_exits_3_and_the_flags_resolve_it(tmp_path):
    from aegis import __version__
    from aegis.ledger import LEDGER
    from tests.aegis_helpers import init

    project = init(tmp_path, ["redis"])
    owned = project / "app/core/redis.py"
    owned.write_text(owned.read_text() + "\nMINE = 1\n")
    ledger = project / LEDGER
    recorded = ledger.read_text()
    start = recorded.index('"app/core/redis.py" = "') + len('"app/core/redis.py" = "')
    # as if an earlier Aegis, one whose output is not shipped (no base to merge against),
    # had generated another file there
    recorded = recorded[:start] + "py:0" + recorded[recorded.index('"', start) :]
    pack = f'[packs.redis]\nversion = "{__version__}"'
    assert pack in recorded
    ledger.write_text(recorded.replace(pack, '[packs.redis]\nversion = "0.0.1"'))
    before = snapshot(project)
    code, output = aegis("update", "--path", project)
    assert code == UPDATE_CONFLICT, output
    assert "app/core/redis.py: the whole file" in output
    assert snapshot(project) == before
    assert aegis("update", "--keep-mine", "--take-new", "--path", project)[0] == 2
    assert aegis("update", "--keep-mine", "--path", project)[0] == 0
    assert "MINE = 1" in owned.read_text()
    assert aegis("check", "--path", project)[0] == 0


# -- swapping an implementation ----------------------------------------------------------

ENGINES = ("sqlite", "postgresql")


@pytest.mark.parametrize("engine", ENGINES)
def test_swapping_the_database_engine_gives_what_init_gives(tmp_path, engine):
    from tests.aegis_helpers import init

    other = ENGINES[1 - ENGINES.index(engine)]
    components = ["database", "scheduler"]
    project = init(tmp_path / "project", components, {"database_engine": engine})
    expected = init(tmp_path / "expected", components, {"database_engine": other})
    assert updated_with(project, {"database_engine": other})
    copy_secrets(expected, project)
    assert_same(expected, project)


def test_swapping_there_and_back_keeps_the_owners_work_exactly(tmp_path):
    from tests.aegis_helpers import init

    project = init(tmp_path, ["database", "scheduler"])
    kept = make_owner_edits(project)
    edited = snapshot(project)
    assert updated_with(project, {"database_engine": "postgresql"})
    for path, text in kept:
        assert text in (project / path).read_text(), f"lost {text!r} in {path}"
    assert 'database_engine = "postgresql"' in (project / "pyproject.toml").read_text()
    assert updated_with(project, {"database_engine": "sqlite"})
    after = snapshot(project)
    assert after == edited, tree_difference(edited, after)


def test_an_option_of_a_pack_not_in_the_project_is_refused(tmp_path):
    from aegis.errors import InvalidOption
    from tests.aegis_helpers import init

    project = init(tmp_path, ["redis"])
    with pytest.raises(InvalidOption, match="`database` is not in this project"):
        update.update(CATALOG, project, settings={"database_engine": "postgresql"})


def updated_with(project, settings) -> bool:
    changes = update.update(CATALOG, project, settings=settings).changes
    changes.apply()
    return bool(changes)


@pytest.fixture
def postgresql_database():
    """The URL of a PostgreSQL database of this test's own (dropped afterwards)."""
    import subprocess
    import uuid

    name = f"migrations_{uuid.uuid4().hex[:12]}"
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c"]
    subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True, capture_output=True)
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    subprocess.run(
        [*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True, capture_output=True
    )


@pytest.mark.generated
@pytest.mark.parametrize("engine", ENGINES)
def test_a_swapped_edited_project_passes_its_own_tests(
    tmp_path, tmp_path_factory, monkeypatch, postgresql_database, engine
):
    """The owner's project with the scheduler, swapped to the other engine: lint, strict
    types and its own suite pass, on PostgreSQL (its own database) and on SQLite."""
    from aegis.testing import covering_cases
    from aegis.testing.generated import ensure_environment, lint_and_test
    from tests.aegis_helpers import add, init

    python = ensure_environment(
        Workbench(CATALOG), covering_cases(CATALOG), tmp_path_factory.mktemp("requirements")
    )
    other = ENGINES[1 - ENGINES.index(engine)]
    project = init(tmp_path / "project")
    make_owner_edits(project)  # then the components, as an owner grows a project
    assert add(project, ["database", "scheduler"], {"database_engine": engine})
    assert updated_with(project, {"database_engine": other})
    pyproject = (project / "pyproject.toml").read_text()
    assert f'database_engine = "{other}"' in pyproject
    assert ("psycopg" in pyproject) == (other == "postgresql")
    if other == "postgresql":  # its suite makes a schema per test there
        monkeypatch.setenv("TEST_DATABASE_URL", postgresql_database)
    else:
        monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    lint_and_test(python, project)


def test_the_command_line_preview_shows_the_migration_then_runs_it_once(tmp_path, monkeypatch):
    v1, v2 = versions(tmp_path)
    project = made_with(v1, tmp_path / "project", {"redis"})
    monkeypatch.setattr("aegis.cli._catalog", lambda: v2)
    code, output = aegis("update", "--dry-run", "--path", project)
    assert code == 0, output
    assert output.startswith("# aegis: migration probe:rename-probe-parts\n")
    assert "+++ b/app/core/probe_constants.py" in output
    assert aegis("update", "--path", project)[0] == 0
    assert ledger_migrations(project) == {"probe": ["rename-probe-parts"]}
    assert aegis("update", "--dry-run", "--path", project) == (0, "")
