"""Bad input: one readable message, a non-zero exit, and the project exactly as it was."""

from __future__ import annotations

import os
import shutil
import signal
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
        ("fastapi", "a package the generated project installs"),
        ("redis", "a package the generated project installs"),
        ("pydantic", "a package the generated project installs"),
        ("Pydantic_Core", "a package the generated project installs"),
        ("CON", "a device name on Windows"),
        ("nul", "a device name on Windows"),
        ("LPT1", "a device name on Windows"),
        ("com9.service", "a device name on Windows"),
        ("a" * 300, "The name is 300 characters long"),
    ],
)
def test_invalid_project_names_are_refused(tmp_path: Path, name: str, message: str) -> None:
    code, output = aegis("init", "-o", tmp_path, "--yes", "--", name)
    assert code == 2
    assert message in output
    assert list(tmp_path.iterdir()) == []


def test_every_dependency_the_catalogue_declares_is_refused_as_a_name(tmp_path: Path) -> None:
    from aegis.errors import InvalidName
    from aegis.names import _declared, validate_project_name
    from tests.aegis_helpers import CATALOG

    declared = _declared(CATALOG)
    assert {"fastapi", "uvicorn", "typer"} <= declared  # the core's, read from its template
    for name in declared:
        with pytest.raises(InvalidName, match="a package the generated project installs"):
            validate_project_name(name, CATALOG, tmp_path)


def test_the_shipped_catalogue_declares_nothing_outside_the_installed_closure() -> None:
    """The shipped catalogue's names are the closure alone: what it declares must be in it
    (if not, run scripts/dependency-names.py). Any other catalogue adds what it declares."""
    from aegis.catalog import Catalog
    from aegis.names import _declared, _installed_closure, dependency_names
    from tests.aegis_helpers import CATALOG

    assert CATALOG.shipped
    assert _declared(CATALOG) <= _installed_closure()
    assert dependency_names(CATALOG) == _installed_closure()
    built = Catalog(list(CATALOG))
    assert not built.shipped
    assert dependency_names(built) == _declared(built) | _installed_closure()


def test_a_long_name_that_fits_is_accepted(tmp_path: Path) -> None:
    name = "a" * 200
    code, output = aegis("init", name, "-o", tmp_path, "--yes")
    assert code == 0, output
    assert (tmp_path / name / "pyproject.toml").is_file()


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


@pytest.mark.parametrize("path", ["README.md", "pyproject.toml", "app/core/config.py"])
def test_force_never_overwrites_a_file_that_differs(tmp_path: Path, path: str) -> None:
    target = tmp_path / "demo"
    (target / path).parent.mkdir(parents=True)
    (target / path).write_text("the owner's own\n")
    (target / "notes.txt").write_text("mine\n")
    before = snapshot(target)
    code, output = aegis("init", "demo", "-o", tmp_path, "--yes", "--force")
    assert code == 2, output
    assert f"already has files that differ from the ones Aegis would write: {path}." in output
    assert snapshot(target) == before
    assert sorted(p.name for p in target.iterdir()) == sorted({path.split("/")[0], "notes.txt"})


def test_force_keeps_a_file_that_is_already_what_aegis_writes(tmp_path: Path) -> None:
    reference = init(tmp_path / "reference", name="demo")
    target = tmp_path / "demo"
    target.mkdir()
    shutil.copy(reference / "README.md", target / "README.md")
    code, output = aegis("init", "demo", "-o", tmp_path, "--yes", "--force")
    assert code == 0, output
    assert snapshot(target) == snapshot(reference)


@pytest.mark.parametrize("force", [False, True])
def test_init_refuses_a_folder_that_holds_an_aegis_project(tmp_path: Path, force: bool) -> None:
    project = init(tmp_path, [SELECTABLE[0]], name="demo")
    before = snapshot(project)
    flags = ["--force"] if force else []
    code, output = aegis("init", "demo", "-o", tmp_path, "--yes", *flags)
    assert code == 2
    assert "already holds an Aegis project. Use `aegis add`" in output
    assert "`aegis update`" in output
    assert snapshot(project) == before


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
    assert [p.name for p in (project / ".aegis").iterdir()] == ["ledger.toml"]
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


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('components = "database"', "components must be a list of component names"),
        ("components = [5]", "components must be a list of component names"),
        ('components = ["nope"]', "names `nope`, which is not an Aegis component"),
        ('components = ["scheduler_database"]', "which is not an Aegis component"),
        ("version = 3", "version must be a string"),
        ('options = "x"', "[tool.aegis.options] must be a table of strings"),
    ],
)
def test_a_manifest_with_wrong_types_or_names_is_explained(project: Path, line, message) -> None:
    pyproject = project / "pyproject.toml"
    key = line.split(" =")[0]
    text = pyproject.read_text()
    if key == "options":
        text = text.replace("\n[tool.aegis.options]\n", "\n")
    kept = [
        old for old in text.split("[tool.aegis]\n", 1)[1].splitlines() if not old.startswith(key)
    ]
    pyproject.write_text(
        text.split("[tool.aegis]\n")[0] + "[tool.aegis]\n" + "\n".join([line, *kept]) + "\n"
    )
    before = snapshot(project)
    for command in (
        ["add", SELECTABLE[0]],
        ["remove", SELECTABLE[0]],
        ["diff", "add", SELECTABLE[0]],
    ):
        code, output = aegis(*command, "--path", project)
        assert code == 2, output
        assert message in output
        assert snapshot(project) == before


def test_an_unknown_option_value_in_the_manifest_is_explained(project: Path) -> None:
    from tests.aegis_helpers import CATALOG

    pack = next(p for p in CATALOG.selectable if p.options)
    key = pack.option_key(pack.options[0])
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f'{key} = "mysql"\n')
    code, output = aegis("add", pack.name, "--path", project)
    assert code == 2
    assert f"{key} must be one of" in output and "(found `mysql`)" in output


def test_a_file_that_is_not_utf8_is_named(project: Path) -> None:
    config = project / "app/core/config.py"
    config.write_bytes(config.read_bytes() + b"# caf\xe9\n")
    before = snapshot(project)
    code, output = aegis("add", *SELECTABLE, "--path", project)
    assert code == 2
    assert "app/core/config.py is not UTF-8 text (byte 0xe9" in output
    assert snapshot(project) == before


@pytest.mark.parametrize("command", ["add", "remove"])
def test_a_dependency_that_is_not_a_requirement_is_named(project: Path, command: str) -> None:
    if command == "remove":
        assert aegis("add", "redis", "--path", project)[0] == 0
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(
        text.replace("dependencies = [\n", 'dependencies = [\n    "foo >=< 1",\n', 1)
    )
    before = snapshot(project)
    code, output = aegis(command, "redis", "--path", project)
    assert code == 2, output
    assert "in pyproject.toml" in output
    assert "'foo >=< 1' is not a valid requirement" in output
    assert snapshot(project) == before


def test_a_folder_where_a_file_should_be_is_named(project: Path) -> None:
    checks = project / "app/core/checks.py"
    checks.unlink()
    checks.mkdir()
    code, output = aegis("add", *SELECTABLE, "--path", project)
    assert code == 2
    assert "app/core/checks.py is a folder, where Aegis expects a file" in output


# -- the error boundary ----------------------------------------------------------------


def test_an_internal_error_is_logged_not_shown(project: Path, monkeypatch) -> None:
    from aegis import engine

    def broken(*args, **kwargs):
        raise RuntimeError("something Aegis did not expect")

    monkeypatch.setattr(engine, "add", broken)
    code, output = aegis("add", SELECTABLE[0], "--path", project)
    assert code == 70
    assert "Internal error: RuntimeError: something Aegis did not expect" in output
    log = Path(output.split("The details are in ")[1].split(":")[0])
    try:
        assert (
            "Traceback" in log.read_text() and "something Aegis did not expect" in log.read_text()
        )
    finally:
        log.unlink()
    result = runner.invoke(app, ["--debug", "add", SELECTABLE[0], "--path", str(project)])
    assert result.exit_code == 70
    assert "Traceback" in result.output and "the traceback is above" in result.output


def test_ctrl_c_before_writing_changes_nothing(project: Path, monkeypatch) -> None:
    from aegis import engine

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    before = snapshot(project)
    monkeypatch.setattr(engine, "add", interrupted)
    code, output = aegis("add", SELECTABLE[0], "--path", project)
    assert code == 130
    assert "Interrupted: stopped before writing anything" in output
    assert snapshot(project) == before


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_writing_rolls_back(project: Path, signum: int) -> None:
    """The signal arrives in the middle of the writes (sent by the fault hook at the 10th
    rename): the command puts back what it wrote and exits 128 + the signal number."""
    from aegis import confined

    before = snapshot(project)
    renames = []

    def signal_at_the_tenth_rename(operation: str, path: str) -> None:
        if operation == "rename":
            renames.append(path)
            if len(renames) == 10:
                os.kill(os.getpid(), signum)

    confined.set_fault_hook(signal_at_the_tenth_rename)
    try:
        code, output = aegis("add", *SELECTABLE, "--path", project)
    finally:
        confined.set_fault_hook(None)
    assert code == 128 + signum
    name = signal.Signals(signum).name
    assert f"Interrupted ({name}) while writing: the files already written were put back" in output
    assert snapshot(project) == before


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_real_process_signalled_at_each_rename_rolls_back(project: Path, signum: int) -> None:
    """strace sends the signal to a real `aegis add` at its N-th rename, for several N."""
    import subprocess
    import sys

    name = signal.Signals(signum).name
    aegis_command = [str(Path(sys.executable).with_name("aegis")), "add", SELECTABLE[0]]
    before = snapshot(project)
    after = snapshot(init(project.parent / "after", [SELECTABLE[0]]))
    for point in (1, 2, 5, 10):
        traced = subprocess.run(
            ["strace", "-f", "-o", os.devnull, "-e", "trace=renameat",
             "-e", f"inject=renameat:signal={name[3:]}:when={point}",
             *aegis_command, "--path", str(project)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert "Traceback" not in traced.stderr
        assert traced.returncode == 128 + signum, traced.stderr
        assert snapshot(project) in (before, after)
        if snapshot(project) == after:  # the signal came after the last write
            assert "just after the changes were complete" in traced.stderr
            break
        assert "the project is exactly as it was" in traced.stderr
