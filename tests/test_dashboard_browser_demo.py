"""A generated project's dashboard, seen by a real headless Chromium.

Renders base_project into a temporary directory (a throwaway rendering, to be
replaced by `aegis init`), serves it with uvicorn from the generated-project
environment, and checks that the browser shows a card for every core check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2 import Environment, StrictUndefined

from tests.browser import capture_dashboard, free_port

pytestmark = pytest.mark.browser

BASE_PROJECT = Path(__file__).resolve().parents[1] / "base_project"
GENENV_PYTHON = os.environ.get("AEGIS_GENENV_PYTHON", "/tmp/genenv/bin/python")
CONTEXT = {
    "project_name": "demo-svc",
    "project_slug": "demo-svc",
    "project_title": "Demo Svc",
    "aegis_version": "0.1.0",
}
CORE_CHECKS = ("cpu", "memory", "disk")
STATUSES = ("HEALTHY", "WARNING", "UNHEALTHY")


def render(source: Path, target: Path) -> None:
    """Render `*.jinja` files without their suffix, copy every other file."""
    env = Environment(keep_trailing_newline=True, undefined=StrictUndefined)
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() or "__pycache__" in relative.parts:
            continue
        out = target / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.name.endswith(".jinja"):
            template = env.from_string(path.read_text())
            out.with_name(path.name.removesuffix(".jinja")).write_text(template.render(CONTEXT))
        else:
            shutil.copyfile(path, out)


@pytest.fixture
def served_project(tmp_path: Path) -> Iterator[str]:
    """The rendered project, served by uvicorn; yields its base URL."""
    project = tmp_path / "demo-svc"
    render(BASE_PROJECT, project)
    port = free_port()
    server = subprocess.Popen(
        [
            GENENV_PYTHON,
            "-m",
            "uvicorn",
            "app.components.backend.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/health", timeout=5):
                    break
            except urllib.error.HTTPError:
                break  # 503 is an answer too: the server is up
            except OSError:
                assert server.poll() is None, "the generated server exited"
                assert time.monotonic() < deadline, "the generated server never answered"
                time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_browser_shows_a_card_per_core_check(served_project: str, tmp_path: Path) -> None:
    screenshot = tmp_path / "dashboard.png"
    capture = capture_dashboard(served_project, CORE_CHECKS, screenshot, timeout=60)
    print(f"dashboard screenshot: {screenshot}")
    assert capture.complete, f"the dashboard showed only {capture.texts}"
    for name in CORE_CHECKS:
        card = [text for text in capture.texts if text.split()[0] == name]
        assert card, f"no card for {name} in {capture.texts}"
        words = card[0].split()
        assert any(status in words for status in STATUSES), card
        assert "ms" in words, card
    assert any(text.startswith("Overall: ") for text in capture.texts)
    png = screenshot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 10_000
