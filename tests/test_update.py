"""`aegis update` between two versions of a pack (tests/test_ledger.py: the probe pack, whose
v2 changes its owned file and every kind of edit): the result is what v2's `init` gives, the
owner's work stays, and a real conflict stops it with nothing written."""

from __future__ import annotations

import shutil

import pytest

from aegis import update
from aegis.errors import UPDATE_CONFLICT, PlanError, UpdateConflict
from aegis.testing.workbench import Workbench, copy_secrets, git_apply
from tests.aegis_helpers import CATALOG, allowed_sets, make_owner_edits, snapshot, tree_difference
from tests.test_ledger import probe_catalog

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
    assert patch.startswith("# aegis: update\n")
    git_apply(previewed, patch)
    assert updated(v2, project)
    assert_same(project, previewed)


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
    assert updated(v2, project)
    for path, text in kept:
        assert text in (project / path).read_text(), f"lost {text!r} in {path}"
    assert "MINE = 2" in steady.read_text()
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
    pyproject.write_text(pyproject.read_text().replace('version = "0.2.0"', 'version = "9.0"'))
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
