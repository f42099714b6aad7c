"""Third-party packs as their authors use them: installed by entry point into an environment
of their own, listed with their origin, generated into projects, and passing the contract suite
with their own `pytest` — the example Sentry pack, and a pack fresh from `aegis pack new`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aegis.testing.generated import environment_dir

pytestmark = pytest.mark.generated

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "aegis-sentry"
UV = [sys.executable, "-m", "uv"]


def uv_env() -> dict[str, str]:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    return env


@pytest.fixture(scope="module")
def authors_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """An environment with Aegis, the example pack and a new scaffolded pack installed."""
    root = tmp_path_factory.mktemp("third-party")
    venv = root / "venv"
    subprocess.run([*UV, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    python = venv / "bin" / "python"
    scaffold = root / "packs"
    scaffold.mkdir()
    install = [*UV, "pip", "install", "--quiet", "--python", str(python)]
    subprocess.run([*install, "-e", str(ROOT), "-e", f"{EXAMPLE}[test]"], check=True, env=uv_env())
    aegis(venv, "pack", "new", "probe", "-o", str(scaffold), "--summary", "A probe", cwd=root)
    subprocess.run([*install, "-e", f"{scaffold / 'aegis-probe'}[test]"], check=True, env=uv_env())
    yield venv, scaffold / "aegis-probe"


def aegis(venv: Path, *args: str, cwd: Path) -> str:
    result = subprocess.run(
        [str(venv / "bin" / "aegis"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**uv_env(), "COLUMNS": "250"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def own_pytest(venv: Path, folder: Path) -> str:
    """The pack's own `pytest`, sharing the generated-project environment of this suite."""
    env = {**uv_env(), "AEGIS_GENERATED_ENV": str(environment_dir())}
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    return result.stdout


def test_installed_packs_are_listed_with_their_origin(authors_env, tmp_path) -> None:
    venv, _ = authors_env
    listing = aegis(venv, "components", cwd=tmp_path)
    assert "sentry" in listing and "aegis-sentry 0.1.0" in listing
    assert "probe" in listing and "aegis-probe 0.1.0" in listing
    aegis(venv, "init", "shop", "-c", "sentry,probe,worker", "--yes", cwd=tmp_path)
    project = tmp_path / "shop"
    assert (project / "app/core/sentry.py").is_file()
    assert "init_sentry" in (project / "app/core/bootstrap.py").read_text()
    assert (
        'components = ["probe", "redis", "sentry", "worker"]'
        in (project / "pyproject.toml").read_text()
    )


def test_the_example_pack_passes_the_contract(authors_env) -> None:
    venv, _ = authors_env
    summary = own_pytest(venv, EXAMPLE).strip().splitlines()[-1]
    assert "passed" in summary and "failed" not in summary and "skipped" not in summary


def test_a_new_pack_passes_its_own_tests_out_of_the_box(authors_env) -> None:
    venv, scaffold = authors_env
    summary = own_pytest(venv, scaffold).strip().splitlines()[-1]
    assert "passed" in summary and "failed" not in summary and "skipped" not in summary
