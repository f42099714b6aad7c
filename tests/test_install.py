"""`aegis init --install`: the project's own .venv with the project installed (uv, else pip);
an unreachable package index is a clear message and exit code 5, and the project generated
before it stays complete."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aegis import cli, install
from aegis.errors import INSTALL_FAILED
from tests.aegis_helpers import init, interruptible, snapshot

AEGIS = str(Path(sys.executable).parent / "aegis")
NOWHERE = "http://127.0.0.1:9/simple"  # the discard port: nothing listens there
UNREACHABLE_INDEX = {
    "UV_DEFAULT_INDEX": NOWHERE,
    "UV_INDEX_URL": NOWHERE,
    "UV_NO_CACHE": "1",
    "PIP_INDEX_URL": NOWHERE,
    "PIP_RETRIES": "0",
    "PIP_TIMEOUT": "2",
    "PIP_NO_CACHE_DIR": "1",
}


def test_an_unreachable_index_is_named_and_the_project_stays(tmp_path: Path):
    result = subprocess.run(
        [AEGIS, "init", "demo", "-o", str(tmp_path), "--yes", "--install"],
        capture_output=True,
        text=True,
        env={**os.environ, **UNREACHABLE_INDEX},
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == INSTALL_FAILED, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "the package index could not be reached" in result.stderr
    assert f"cd {tmp_path / 'demo'} && pip install -e '.[dev]'" in result.stderr
    assert "Created" in result.stdout
    written = {k: v for k, v in snapshot(tmp_path / "demo").items() if ".venv" not in k}
    assert written == snapshot(init(tmp_path / "core", [], name="demo"))


def test_with_pip_when_uv_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(install, "installer", lambda: [])
    for key, value in UNREACHABLE_INDEX.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(cli.app, ["init", "demo", "-o", str(tmp_path), "-y", "--install"])
    assert result.exit_code == INSTALL_FAILED, result.output
    assert "Creating .venv (venv): done." in result.output
    assert "(pip)" in result.output
    assert "the package index could not be reached" in result.output
    assert (tmp_path / "demo" / ".venv" / "bin" / "python").exists()


@pytest.mark.generated
def test_install_creates_a_working_environment(tmp_path: Path):
    result = subprocess.run(
        [AEGIS, "init", "demo", "-o", str(tmp_path), "--yes", "--install"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Installing the project and its dev tools (uv): done." in result.stdout
    bin = tmp_path / "demo" / ".venv" / "bin"
    for command in ([bin / "demo", "--help"], [bin / "ruff", "--version"]):  # app and dev tools
        ran = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path / "demo")
        assert ran.returncode == 0, ran.stdout + ran.stderr


@pytest.fixture
def silent_index() -> Iterator[dict[str, str]]:
    """An index that accepts connections and never answers, so the install is still
    running whenever the test interrupts it."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/simple"
        yield UNREACHABLE_INDEX | {
            "UV_DEFAULT_INDEX": url,
            "UV_INDEX_URL": url,
            "PIP_INDEX_URL": url,
            "UV_HTTP_TIMEOUT": "120",
        }


def test_ctrl_c_while_installing_says_the_project_is_there(
    tmp_path: Path, silent_index: dict[str, str]
):
    import pexpect

    child = pexpect.spawn(
        AEGIS,
        ["init", "demo", "-o", str(tmp_path), "--yes", "--install"],
        env={**os.environ, **silent_index, "TERM": "xterm"},
        encoding="utf-8",
        use_poll=True,  # select() fails on descriptors above 1023
        preexec_fn=interruptible,
        timeout=60,
    )
    child.expect_exact("Creating .venv (uv): done.")
    child.expect_exact("Installing the project")  # the spinner line (not shown on a dumb terminal)
    child.sendintr()
    child.expect_exact("stopped while installing. The project is created and complete")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    written = {k: v for k, v in snapshot(tmp_path / "demo").items() if ".venv" not in k}
    assert written == snapshot(init(tmp_path / "core", [], name="demo"))
