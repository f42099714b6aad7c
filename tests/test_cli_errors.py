"""Bad input: one readable message, a non-zero exit, and the project exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aegis.cli import app
from tests.aegis_helpers import SELECTABLE, init, snapshot

runner = CliRunner()


def aegis(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return init(tmp_path)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../escape", "is a path"),
        ("nested/name", "is a path"),
        ("-leading-dash", "not a valid project name"),
        ("trailing-", "not a valid project name"),
        ("has space", "not a valid project name"),
        ("ünïcode", "not a valid project name"),
        ("app", "reserved"),
        ("json", "reserved"),
        ("aegis", "reserved"),
    ],
)
def test_invalid_project_names_are_refused(tmp_path: Path, name: str, message: str) -> None:
    code, output = aegis("init", "-o", tmp_path, "--yes", "--", name)
    assert code == 2
    assert message in output
    assert list(tmp_path.iterdir()) == []


def test_existing_non_empty_target_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    code, output = aegis("init", "demo", "-o", tmp_path, "--yes")
    assert code == 2
    assert "already exists and is not empty" in output
    assert snapshot(target) == {"notes.txt": b"mine\n"}


def test_force_writes_into_a_folder_but_keeps_foreign_files(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    code, _ = aegis("init", "demo", "-o", tmp_path, "--yes", "--force")
    assert code == 0
    assert (target / "notes.txt").read_text() == "mine\n"
    assert (target / "pyproject.toml").is_file()


def test_target_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "demo").write_text("a file\n")
    code, output = aegis("init", "demo", "-o", tmp_path, "--yes", "--force")
    assert code == 2
    assert "is not a directory" in output


def test_unknown_component_suggests_the_closest(tmp_path: Path) -> None:
    misspelt = SELECTABLE[0][:-1] + "x"
    code, output = aegis("init", "demo", "-o", tmp_path, "-c", misspelt)
    assert code == 2
    assert f"Unknown component `{misspelt}`" in output
    assert f"Did you mean `{SELECTABLE[0]}`?" in output
    assert list(tmp_path.iterdir()) == []


def test_unknown_component_on_add_leaves_project_alone(project: Path) -> None:
    before = snapshot(project)
    code, output = aegis("add", "no-such-thing", "--path", project)
    assert code == 2
    assert "Unknown component `no-such-thing`" in output
    assert snapshot(project) == before


def test_unknown_option_is_refused(tmp_path: Path) -> None:
    code, output = aegis("init", "demo", "-o", tmp_path, "--yes", "--colour", "blue")
    assert code == 2
    assert "Unknown option `--colour`" in output
    assert list(tmp_path.iterdir()) == []


def test_add_outside_an_aegis_project(tmp_path: Path) -> None:
    code, output = aegis("add", SELECTABLE[0], "--path", tmp_path)
    assert code == 2
    assert "not an Aegis project" in output
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n')
    code, output = aegis("add", SELECTABLE[0], "--path", tmp_path)
    assert code == 2
    assert "no [tool.aegis] table" in output
    assert snapshot(tmp_path) == {"pyproject.toml": b'[project]\nname = "other"\n'}


@pytest.mark.parametrize("component", SELECTABLE)
def test_a_file_that_no_longer_parses_stops_everything(project: Path, component: str) -> None:
    broken = project / "app/core/config.py"
    broken.write_text(broken.read_text() + "\ndef broken(:\n")
    before = snapshot(project)
    code, output = aegis("add", component, "--path", project)
    touches_config = "app/core/config.py" in _touched_paths(project, component)
    if touches_config:
        assert code == 2
        assert "app/core/config.py does not parse" in output
        assert snapshot(project) == before
    else:
        assert code == 0


@pytest.mark.parametrize("component", SELECTABLE)
def test_a_deleted_anchor_is_named_and_nothing_is_written(project: Path, component: str) -> None:
    checks = project / "app/core/checks.py"
    checks.write_text(checks.read_text().replace("HEALTH_CHECKS", "MY_CHECKS"))
    before = snapshot(project)
    code, output = aegis("add", component, "--path", project)
    if "app/core/checks.py" in _touched_paths(project, component):
        assert code == 2
        assert "in app/core/checks.py, could not find" in output
        assert "HEALTH_CHECKS" in output
        assert snapshot(project) == before
    else:
        assert code == 0


def test_remove_refuses_dependents_and_keeps_project(tmp_path: Path) -> None:
    required = {req: name for name in SELECTABLE for req in _pack(name).requires}
    if not required:
        pytest.fail("the catalogue has no component that requires another")
    needed, dependent = next(iter(required.items()))
    project = init(tmp_path, [dependent])
    before = snapshot(project)
    code, output = aegis("remove", needed, "--path", project)
    assert code == 2
    assert f"`{dependent}` requires `{needed}`" in output
    assert "--with-dependents" in output
    assert snapshot(project) == before
    code, output = aegis("remove", needed, "--path", project, "--with-dependents")
    assert code == 0
    assert f"`{dependent}` goes too: it requires `{needed}`." in output
    assert snapshot(project) == snapshot(init(tmp_path / "plain"))


def test_remove_refuses_to_delete_files_the_user_changed(tmp_path: Path) -> None:
    component = SELECTABLE[0]
    project = init(tmp_path, [component])
    core = snapshot(init(tmp_path / "core"))
    owned = sorted(set(snapshot(project)) - set(core))
    changed = project / owned[0]
    changed.write_text(changed.read_text() + "# my change\n")
    before = snapshot(project)
    code, output = aegis("remove", component, "--path", project)
    assert code == 2
    assert owned[0] in output
    assert "--force" in output
    assert snapshot(project) == before
    code, _ = aegis("remove", component, "--path", project, "--force")
    assert code == 0
    assert snapshot(project) == core


def test_remove_of_a_component_not_present(project: Path) -> None:
    before = snapshot(project)
    code, output = aegis("remove", SELECTABLE[0], "--path", project)
    assert code == 2
    assert "is not in this project" in output
    assert snapshot(project) == before


def test_a_failed_write_is_rolled_back(project: Path) -> None:
    import errno

    from aegis import confined, engine
    from aegis.errors import WriteFailed
    from tests.aegis_helpers import CATALOG

    before = snapshot(project)
    renames = []

    def disk_full_at_the_third_rename(operation: str, path: str) -> None:
        if operation == "rename":
            renames.append(path)
            if len(renames) == 3:
                raise OSError(errno.ENOSPC, "No space left on device")

    outcome = engine.add(CATALOG, project, SELECTABLE, {})
    confined.set_fault_hook(disk_full_at_the_third_rename)
    try:
        with pytest.raises(WriteFailed, match="No space left on device") as failure:
            outcome.changes.apply()
    finally:
        confined.set_fault_hook(None)
    assert f"Could not write {renames[2]}" in str(failure.value)
    assert snapshot(project) == before
    assert not (project / ".aegis").exists()
    assert [p for p in project.rglob("*") if p.name.endswith(".aegis-tmp")] == []


def _pack(name: str):
    from tests.aegis_helpers import CATALOG

    return CATALOG[name]


def _touched_paths(project: Path, component: str) -> set[str]:
    """Files `add component` edits (from its declaration, not from running it)."""
    from tests.aegis_helpers import CATALOG, closure

    paths: set[str] = set()
    for name in closure([component]):
        paths |= {
            edit.path
            for edit in CATALOG[name].edits_for(
                CATALOG.default_options(CATALOG.sort(closure([component])))
            )
        }
    return paths
