"""The wheel carries transforms/, base_project/ and releases/ (what earlier versions
generated, for `aegis update`): installed into a fresh environment and run from another
folder, it generates exactly what the checkout generates, and finds the releases.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aegis import __version__
from tests.aegis_helpers import CATALOG, allowed_sets, init, snapshot, tree_difference

ROOT = Path(__file__).resolve().parent.parent
UV = [sys.executable, "-m", "uv"]


def test_installed_wheel_generates_what_the_checkout_generates(tmp_path: Path) -> None:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(
        [*UV, "build", "--wheel", "--quiet", "--out-dir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        env=env,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    assert wheel.name.startswith(f"aegis_gen-{__version__}-"), "the wheel's version is Aegis's"
    venv = tmp_path / "venv"
    subprocess.run(
        [*UV, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, env=env
    )
    subprocess.run(
        [*UV, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), str(wheel)],
        check=True,
        env=env,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    everything = CATALOG.sort(max(allowed_sets(), key=len))
    components = ",".join(name for name in everything if CATALOG[name].kind == "component")
    services = ",".join(name for name in everything if CATALOG[name].kind == "service")
    result = subprocess.run(
        [str(venv / "bin" / "aegis"), "init", "demo-svc", "-c", components, "-s", services]
        + ["--yes"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shipped = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "from aegis import released; print("
            "sorted(p.name for p in released.releases_dir().glob('*' + released.SUFFIX)))",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    archives = sorted(p.name for p in (ROOT / "releases").glob("*.json.xz"))
    assert archives and shipped.stdout.strip() == str(archives), "releases/ is not in the wheel"
    expected = snapshot(init(tmp_path / "checkout", everything))
    generated = snapshot(elsewhere / "demo-svc")
    assert generated == expected, tree_difference(expected, generated)
