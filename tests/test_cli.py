"""The commands as a user runs them: output, exit codes, and what gets written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aegis import __version__, cli
from aegis.cli import app
from tests.aegis_helpers import CATALOG, SELECTABLE, closure, init, snapshot

runner = CliRunner()
LEAF = next(p.name for p in CATALOG.selectable if p.requires and p.kind == "component")


def invoke(*args: str | Path, input: str | None = None):
    result = runner.invoke(app, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output, result.output
    return result


def test_startup_does_not_import_the_heavy_libraries():
    code = (
        "import sys, aegis.cli; heavy = {'libcst', 'jinja2', 'tomlkit', 'ruamel', 'fastapi'};"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version():
    result = invoke("version")
    assert result.exit_code == 0
    assert result.output.strip() == f"aegis {__version__}"


def test_init_reports_implied_components_and_next_steps(tmp_path: Path):
    result = invoke("init", "demo", "-o", tmp_path, "-c", LEAF)
    assert result.exit_code == 0, result.output
    for needed in CATALOG[LEAF].requires:
        assert f"`{needed}` comes too: `{LEAF}` requires it." in result.output
    assert "pip install -e '.[dev]'" in result.output
    assert snapshot(tmp_path / "demo") == snapshot(init(tmp_path / "same", [LEAF], name="demo"))


def test_components_lists_status_inside_a_project(tmp_path: Path):
    project = init(tmp_path, [LEAF])
    result = invoke("components", "--path", project)
    assert result.exit_code == 0
    for line in result.output.splitlines():
        for name in SELECTABLE:
            if line.startswith(f"│ {name} "):
                expected = "installed" if name in closure([LEAF]) else "available"
                assert expected in line, line


def test_diff_exit_code_tells_whether_anything_would_change(tmp_path: Path):
    project = init(tmp_path)
    before = snapshot(project)
    result = invoke("diff", "add", LEAF, "--path", project, "--no-color")
    assert result.exit_code == 1
    assert result.output.startswith("# aegis: ")
    assert snapshot(project) == before
    stat = invoke("diff", "add", LEAF, "--path", project, "--stat")
    assert stat.exit_code == 1
    assert "pyproject.toml" in stat.output
    invoke("add", LEAF, "--path", project)
    again = invoke("diff", "add", LEAF, "--path", project, "--no-color")
    assert again.exit_code == 0
    assert again.output == ""


def test_dry_run_writes_nothing(tmp_path: Path):
    project = init(tmp_path)
    before = snapshot(project)
    result = invoke("add", LEAF, "--path", project, "--dry-run")
    assert result.exit_code == 0
    assert "Dry run" in result.output
    assert "pyproject.toml" in result.output
    assert snapshot(project) == before


def test_adding_again_says_so(tmp_path: Path):
    project = init(tmp_path, [LEAF])
    result = invoke("add", LEAF, "--path", project)
    assert result.exit_code == 0
    assert f"`{LEAF}` is already in this project; nothing to do for it." in result.output
    assert "Nothing to change." in result.output


def test_options_on_the_command_line(tmp_path: Path):
    with_options = [p for p in CATALOG.selectable if p.options]
    if not with_options:
        pytest.fail("no pack declares an option")
    pack = with_options[0]
    option = pack.options[0]
    value = next(choice for choice in option.choices if choice != option.default)
    flag = f"--{pack.option_key(option).replace('_', '-')}"
    result = invoke("init", "demo", "-o", tmp_path, "-c", pack.name, flag, value)
    assert result.exit_code == 0, result.output
    pyproject = (tmp_path / "demo" / "pyproject.toml").read_text()
    assert f'{pack.option_key(option)} = "{value}"' in pyproject
    other = init(tmp_path / "x")
    refused = invoke("add", LEAF, "--path", other, flag, value)
    assert refused.exit_code == 2
    assert f"belongs to `{pack.name}`" in refused.output


def test_interactive_selection_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    result = invoke("init", "demo", "-o", tmp_path, input=f"{LEAF}\ny\n")
    assert result.exit_code == 0, result.output
    for number, name in enumerate(SELECTABLE, 1):
        assert f"{number:>2}. {name} (" in result.output
        assert CATALOG[name].summary in result.output
    assert snapshot(tmp_path / "demo") == snapshot(init(tmp_path / "same", [LEAF], name="demo"))


SERVICE = next(pack for pack in CATALOG.selectable if pack.kind == "service")
FLAGS = {"component": "--components", "service": "--services"}


@pytest.mark.parametrize("name", SELECTABLE)
def test_each_name_goes_with_the_flag_of_its_kind(tmp_path: Path, name: str):
    kind = CATALOG[name].kind
    wrong = FLAGS["service" if kind == "component" else "component"]
    result = invoke("init", "demo", "-o", tmp_path, wrong, name)
    assert result.exit_code == 2
    assert f"`{name}` is a {kind}" in result.output
    assert f"pass it with {FLAGS[kind]}" in result.output
    assert not (tmp_path / "demo").exists()


def test_a_service_brings_the_components_it_requires_and_says_so(tmp_path: Path):
    result = invoke("init", "demo", "-o", tmp_path, "-s", SERVICE.name)
    assert result.exit_code == 0, result.output
    for needed in SERVICE.requires:
        assert f"`{needed}` comes too: `{SERVICE.name}` requires it." in result.output
    manifest = (tmp_path / "demo" / "pyproject.toml").read_text()
    assert f"components = {CATALOG.sort(closure([SERVICE.name]))}".replace("'", '"') in manifest


def test_components_lists_components_and_services_apart(tmp_path: Path):
    output = invoke("components", "--path", init(tmp_path)).output
    components_at = output.index("Components: infrastructure")
    services_at = output.index("Services: features built on components")
    for pack in CATALOG.selectable:
        row = output.index(f"│ {pack.name} ")
        if pack.kind == "component":
            assert components_at < row < services_at, pack.name
        else:
            assert row > services_at, pack.name
    service_row = next(line for line in output.splitlines() if f"│ {SERVICE.name} " in line)
    assert all(needed in service_row for needed in SERVICE.requires)


def test_an_unknown_name_lists_components_and_services(tmp_path: Path):
    result = invoke("add", "nothing-like-it", "--path", init(tmp_path))
    assert result.exit_code == 2
    assert "Available components: " in result.output
    assert f"services: {SERVICE.name}" in result.output


def test_commands_find_the_project_from_a_subfolder(tmp_path: Path, monkeypatch):
    project = init(tmp_path)
    nested = project / "app" / "core"
    (project / "app" / "pyproject.toml").write_text('[project]\nname = "not-the-project"\n')
    monkeypatch.chdir(nested)
    result = invoke("add", LEAF)
    assert result.exit_code == 0, result.output
    expected = snapshot(init(tmp_path / "expected", [LEAF]))
    found = snapshot(project)
    assert found.pop("app/pyproject.toml")
    assert found == expected
    for command in (["components"], ["diff", "remove", LEAF, "--stat"], ["remove", LEAF]):
        assert invoke(*command).exit_code in (0, 1)
    monkeypatch.chdir(tmp_path)
    result = invoke("add", LEAF)
    assert result.exit_code == 2
    assert f"No pyproject.toml with [tool.aegis] in {tmp_path} or any folder above it" in (
        result.output
    )


def test_uncommitted_changes_in_files_it_edits_are_listed(tmp_path: Path):
    project = init(tmp_path)
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "generated"], check=True)
    clean = invoke("add", LEAF, "--path", project)
    assert clean.exit_code == 0
    assert "not committed to git" not in clean.output
    invoke("remove", *CATALOG.sort(closure([LEAF])), "--path", project)
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nMy notes.\n")
    (project / "untracked.txt").write_text("not Aegis's business\n")
    dirty = invoke("add", LEAF, "--path", project)
    assert dirty.exit_code == 0
    listed = dirty.output.split("changes not committed to git: ")[1].split(". Aegis")[0]
    changed = set(listed.split(", "))
    assert "README.md" in changed and "untracked.txt" not in changed
    assert "My notes." in readme.read_text()


def _commit_all(work_tree: Path, *git_dir: str) -> list[str]:
    git = ["git", *git_dir, "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=work_tree, check=True)
    subprocess.run([*git, "add", "-A"], cwd=work_tree, check=True)
    subprocess.run([*git, "commit", "-qm", "generated"], cwd=work_tree, check=True)
    return git


def test_uncommitted_changes_are_listed_in_a_repository_above_the_project(tmp_path: Path):
    project = init(tmp_path / "repository" / "services")
    _commit_all(tmp_path / "repository")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nMy notes.\n")
    result = invoke("add", LEAF, "--path", project)
    assert result.exit_code == 0
    assert "changes not committed to git: README.md." in result.output


def test_uncommitted_changes_are_listed_with_the_repository_named_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project = init(tmp_path / "work")
    git_dir = tmp_path / "elsewhere.git"
    _commit_all(project, f"--git-dir={git_dir}", f"--work-tree={project}")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nMy notes.\n")
    monkeypatch.setenv("GIT_DIR", str(git_dir))
    monkeypatch.setenv("GIT_WORK_TREE", str(project))
    result = invoke("add", LEAF, "--path", project)
    assert result.exit_code == 0
    assert "changes not committed to git: README.md." in result.output
