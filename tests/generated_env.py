"""One shared virtual environment for running generated projects (built once, cached).

Generated projects are never installed into it: they all name their package `app`, so each
runs from its own folder with PYTHONPATH pointing at it. The environment holds the union of
the dependencies (and dev extras) of every allowed combination.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.aegis_helpers import CATALOG, allowed_sets, init, option_variants

ROOT = Path(__file__).resolve().parent.parent
ENV_DIR = Path(os.environ.get("AEGIS_GENERATED_ENV", ROOT / ".cache" / "generated-env"))


def requirements(scratch: Path) -> list[str]:
    """Every requirement any generated project declares (dependencies and `dev` extra)."""
    everything = max(allowed_sets(), key=len)  # dependencies only ever add up
    found: set[str] = set()
    for number, options in enumerate(option_variants(everything)):
        project = init(scratch / str(number), CATALOG.sort(everything), options)
        data = tomllib.loads((project / "pyproject.toml").read_text())
        found.update(data["project"]["dependencies"])
        found.update(data["project"].get("optional-dependencies", {}).get("dev", []))
    return sorted(found)


def ensure_environment(scratch: Path) -> Path:
    """The environment's python, created or brought up to date with uv."""
    python = ENV_DIR / "bin" / "python"
    uv = [sys.executable, "-m", "uv"]
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    if not python.exists():
        subprocess.run(
            [*uv, "venv", "--quiet", "--python", sys.executable, str(ENV_DIR)], check=True, env=env
        )
    subprocess.run(
        [*uv, "pip", "install", "--quiet", "--python", str(python), *requirements(scratch)],
        check=True,
        env=env,
    )
    return python
