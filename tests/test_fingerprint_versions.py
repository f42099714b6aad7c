"""Ledger fingerprints are the same text under every supported Python: a project made under
one interpreter reads as untouched under another, and a ledger that Aegis 0.2.0 wrote with
the running interpreter's `ast.dump` (3.12 and 3.13 forms) is still read as recorded.

The interpreters are looked for where pyenv installs them, then on the PATH; one that is not
installed skips its tests with the reason. Whatever is installed, the running interpreter is
checked against fingerprints recorded under Python 3.11 (`data/fingerprints-3.11.json`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aegis import ledger
from aegis.cli import app
from aegis.fingerprints import as_recorded, fingerprint
from aegis.ledger import LEDGER
from aegis.pyshape import python_shape, reference_shape
from tests.aegis_helpers import CATALOG, allowed_sets, init, snapshot
from tests.pyshape_sources import NEWER_SOURCES, SOURCES

ROOT = Path(__file__).resolve().parent.parent
RECORDED = Path(__file__).parent / "data" / "fingerprints-3.11.json"
VERSIONS = ("3.11", "3.12", "3.13")
RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"
# Reads {key: source} as JSON and writes {key: shape}; only the standard library is imported.
SHAPES = (
    "import json, sys\n"
    "from aegis.pyshape import python_shape\n"
    "sources = json.load(sys.stdin)\n"
    "json.dump({key: python_shape(text) for key, text in sources.items()}, sys.stdout)\n"
)


@cache
def interpreter(version: str) -> str | None:
    """A Python `version` installed here that runs, or None."""
    candidates = [str(path) for path in Path.home().glob(f".pyenv/versions/{version}.*/bin/python")]
    candidates += [found for found in [shutil.which(f"python{version}")] if found]
    for candidate in candidates:
        probe = [candidate, "-c", "import sys; print(*sys.version_info[:2], sep='.')"]
        result = subprocess.run(probe, capture_output=True, text=True, check=False)
        if result.returncode == 0 and result.stdout.strip() == version:
            return candidate
    return None


def require(version: str) -> str:
    found = interpreter(version)
    if found is None:
        pytest.skip(f"Python {version} is not installed (neither under pyenv nor on the PATH)")
    return found


def shapes_under(version: str, sources: dict[str, str]) -> dict[str, str | None]:
    """`python_shape` of each source, computed by Python `version` in a process of its own."""
    result = subprocess.run(
        [require(version), "-X", "utf8", "-c", SHAPES],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    shapes: dict[str, str | None] = json.loads(result.stdout)
    return shapes


def everything() -> list[str]:
    return CATALOG.sort(max(allowed_sets(), key=len))


def owned_files(project: Path) -> dict[str, str]:
    """Every file of `project` that a pack owns, by path."""
    import tomllib

    ledger = tomllib.loads((project / LEDGER).read_text(encoding="utf-8"))
    paths = {path for record in ledger["packs"].values() for path in record.get("files", {})}
    return {path: (project / path).read_text(encoding="utf-8") for path in sorted(paths)}


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("projects")
    return {
        "core": init(root / "core", []),
        "everything": init(root / "everything", everything()),
    }


@pytest.fixture(scope="module")
def python_sources(projects: dict[str, Path]) -> dict[str, str]:
    """The tricky sources and every Python file a pack owns in the generated projects."""
    sources = dict(SOURCES)
    for name, project in projects.items():
        for path, text in owned_files(project).items():
            if path.endswith(".py"):
                sources[f"{name}/{path}"] = text
    assert len(sources) > 150
    return sources


# -- the same text on every interpreter --------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_the_shape_is_the_same_text_on_every_interpreter(
    version: str, python_sources: dict[str, str]
) -> None:
    theirs = shapes_under(version, python_sources)
    for key, source in python_sources.items():
        mine = python_shape(source)
        assert mine is not None, key
        assert theirs[key] == mine, f"{key}: Python {version} and {RUNNING} differ"


def test_syntax_only_newer_interpreters_parse_has_one_shape_and_never_crashes() -> None:
    shapes = [shapes_under(version, NEWER_SOURCES) for version in ("3.12", "3.13")]
    assert shapes[0] == shapes[1]
    assert all(shape is not None for shape in shapes[0].values())
    # type parameters are written (a change of them is a change), though 3.11 has no field
    assert all("type_params=[TypeVar(name='T'" in str(shape) for shape in shapes[0].values())
    for source in NEWER_SOURCES.values():
        fingerprint("new.py", source)  # where it does not parse, the text is compared


def test_fingerprints_are_the_ones_recorded_under_3_11() -> None:
    """What every ledger made under 3.11 holds; checked whatever the running interpreter."""
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert set(recorded) == set(SOURCES)
    for name, source in SOURCES.items():
        assert fingerprint(f"{name}.py", source) == recorded[name], name
        assert fingerprint(f"{name}.py", source + "x = 0\n") != recorded[name], name


# -- earlier forms -------------------------------------------------------------------------------


@pytest.mark.skipif(RUNNING not in VERSIONS, reason=f"Aegis 0.2.0 never ran under {RUNNING}")
def test_the_form_of_the_running_interpreter_is_its_ast_dump(
    python_sources: dict[str, str],
) -> None:
    """What Aegis 0.2.0 recorded: `ast.dump` and `tokenize` of the running interpreter."""
    for key, source in python_sources.items():
        assert python_shape(source, RUNNING) == reference_shape(source), key  # type: ignore[arg-type]


@pytest.mark.parametrize("form", ["3.12", "3.13"])
def test_a_fingerprint_in_an_earlier_form_is_as_recorded(form: str) -> None:
    for name, source in SOURCES.items():
        path = f"{name}.py"
        earlier = fingerprint(path, source, form)  # type: ignore[arg-type]
        if form == "3.13" or "def " in source:  # the forms differ: not a no-op
            assert earlier != fingerprint(path, source), name
        assert as_recorded(path, source, earlier), name
        assert not as_recorded(path, source + "x = 0\n", earlier), name
        assert not as_recorded(path, source + "# mine\n", earlier), name
    markdown = "# Title\n\n```python\nclass C:\n    pass\n```\n"
    assert as_recorded("README.md", markdown, fingerprint("README.md", markdown, form))  # type: ignore[arg-type]


def made_under(form: str, parent: Path, components: list[str]) -> Path:
    """A project as Aegis 0.2.0 made it under Python `form`: its ledger records the
    fingerprints in that form of `ast.dump`."""
    canonical = ledger.fingerprint
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ledger, "fingerprint", lambda path, text: canonical(path, text, form))
        return init(parent, components)


def ledger_lines(project: Path) -> list[str]:
    return (project / LEDGER).read_text(encoding="utf-8").splitlines()


def invoke(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.output


@pytest.mark.parametrize("form", ["3.12", "3.13"])
def test_a_project_recorded_under_a_newer_python_is_as_recorded(form: str, tmp_path: Path) -> None:
    project = made_under(form, tmp_path / "then", ["scheduler", "worker"])
    today = init(tmp_path / "now", ["scheduler", "worker"])
    marks_then = ledger_lines(project)
    marks = list(zip(marks_then, ledger_lines(today), strict=True))
    assert sum(then != now for then, now in marks) > 20  # it is in the earlier form
    before = snapshot(project)
    # only the ledger is out of date: `update` writes today's fingerprints, nothing else
    code, output = invoke("check", "--path", project)
    assert code == 1 and output.count("modified") == 1 and "modified .aegis/ledger.toml" in output
    code, output = invoke("update", "--path", project)
    assert code == 0 and output.count("modified") == 1, output
    assert ledger_lines(project) == ledger_lines(today)
    after = snapshot(project)
    assert {path for path in before | after if before.get(path) != after.get(path)} == {LEDGER}
    assert invoke("check", "--path", project) == (0, "Up to date.\n")

    (project / LEDGER).write_text("\n".join(marks_then) + "\n", encoding="utf-8")
    changed = project / "app" / "components" / "worker" / "__init__.py"
    changed.write_text(changed.read_text(encoding="utf-8") + "MINE = 1\n", encoding="utf-8")
    code, output = invoke("remove", "worker", "--path", project)
    assert code != 0 and "app/components/worker/__init__.py" in output
    code, output = invoke("remove", "scheduler", "--path", project)
    assert code == 0, output
    assert not (project / "app" / "components" / "scheduler").exists()


# -- a project made here, under another interpreter -------------------------------------------


@pytest.fixture(scope="module")
def aegis_under(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The Python of a virtual environment of Python `version` with Aegis installed in it
    (editable), made on first use."""
    made: dict[str, Path] = {}

    def make(version: str) -> Path:
        if version not in made:
            python = require(version)
            uv = shutil.which("uv")
            if uv is None:
                pytest.skip("uv is not installed: it makes the environment of that Python")
            venv = tmp_path_factory.mktemp(f"venv-{version}")
            target = str(venv / "bin" / "python")
            for command in (
                [uv, "venv", "-q", "--allow-existing", "--python", python, str(venv)],
                [uv, "pip", "install", "-q", "--python", target, "-e", str(ROOT)],
            ):
                result = subprocess.run(command, capture_output=True, text=True, check=False)
                assert result.returncode == 0, result.stderr
            made[version] = Path(target)
        return made[version]

    return make


@pytest.mark.parametrize("version", ["3.12", "3.13"])
def test_a_project_made_here_is_untouched_under_another_python(
    version: str, aegis_under: Callable[[str], Path], tmp_path: Path
) -> None:
    if version == RUNNING:
        pytest.skip(f"the project is made under {RUNNING} itself")
    python = aegis_under(version)
    project = init(tmp_path, everything())
    env = {**os.environ, "PYTHONPATH": ""}

    def aegis(*args: str) -> tuple[int, str]:
        command = [str(python), "-m", "aegis", *args, "--path", str(project)]
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        return result.returncode, result.stdout + result.stderr

    assert aegis("check") == (0, "Up to date.\n")
    owned = project / "app" / "components" / "worker" / "__init__.py"
    owned.write_text(owned.read_text(encoding="utf-8") + "MINE = 1\n", encoding="utf-8")
    code, output = aegis("remove", "worker")
    assert code != 0 and "app/components/worker/__init__.py" in output, output
    code, output = aegis("remove", "scheduler")
    assert code == 0, output
    assert "Removed" in output and not (project / "app" / "components" / "scheduler").exists()
