"""`aegis init --install`: the new project's `.venv`, with the project and its dev tools
installed (uv when available, else pip), showing each step and the installer's progress.

Generating never needs the network; this step does. When it fails, the project stays as
generated and the message says why (an unreachable package index is named as such) and how
to install it by hand.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from aegis.errors import InstallFailed, Interrupted

if TYPE_CHECKING:
    from rich.console import Console

# What uv and pip print when they cannot reach a package index.
UNREACHABLE = (
    "failed to fetch",
    "error sending request",
    "dns error",
    "connection refused",
    "tcp connect error",
    "failed to establish a new connection",
    "network is unreachable",
    "temporary failure in name resolution",
    "max retries exceeded",
    "could not fetch url",
    "no matching distribution found",
    "is offline",
)


def installer() -> list[str]:
    """How to call uv (on the PATH or as a module of this Python), or [] for pip."""
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    found = shutil.which("uv")
    return [found] if found else []


def install_project(project: Path, console: Console) -> None:
    """Create `project/.venv` and install the project into it with its `dev` extra."""
    uv = installer()
    python = project / ".venv" / "bin" / "python"
    if uv:
        steps = [
            ("Creating .venv (uv)", [*uv, "venv", "--python", sys.executable, ".venv"]),
            (
                "Installing the project and its dev tools (uv)",
                [*uv, "pip", "install", "--python", str(python), "-e", ".[dev]"],
            ),
        ]
    else:
        steps = [
            ("Creating .venv (venv)", [sys.executable, "-m", "venv", ".venv"]),
            (
                "Installing the project and its dev tools (pip)",
                [str(python), "-m", "pip", "install", "--progress-bar", "off", "-e", ".[dev]"],
            ),
        ]
    try:
        for title, command in steps:
            _run(title, command, project, console)
    except KeyboardInterrupt:
        console.print()
        raise Interrupted(
            signal.SIGINT,
            f"stopped while installing. The project is created and complete; its .venv may "
            f"not be: install it with `cd {project} && pip install -e '.[dev]'`.",
        ) from None
    console.print(f"[green]Installed[/] into {project / '.venv'}.")


def _run(title: str, command: list[str], project: Path, console: Console) -> None:
    """Run one step, its latest output line as the progress shown beside a spinner."""
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    output: list[str] = []
    with console.status(title) as status:
        process = subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip())
            if line.strip():
                status.update(f"{title}: {line.strip()[:100]}")
        code = process.wait()
    console.print(f"{title}: {'done' if code == 0 else 'failed'}.")
    if code != 0:
        raise InstallFailed(_failure(project, output))


def _failure(project: Path, output: list[str]) -> str:
    lines = [line for line in output if line.strip()]
    last = "\n  ".join(lines[-5:])
    by_hand = (
        f"The project is generated and complete; install it by hand once this is fixed: "
        f"cd {project} && pip install -e '.[dev]'."
    )
    if any(marker in line.lower() for line in lines for marker in UNREACHABLE):
        return (
            "Installing failed: the package index could not be reached (no network, a proxy, "
            f"or a wrong PIP_INDEX_URL / UV_INDEX_URL).\n  {last}\n{by_hand}"
        )
    return f"Installing failed:\n  {last}\n{by_hand}"
