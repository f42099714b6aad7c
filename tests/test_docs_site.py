"""The documentation site builds with `mkdocs build --strict` (no broken link, no page left out
of the navigation), with a page for every component and service of the catalogue and the
help of every command, examples included, as the CLI prints it."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.aegis_helpers import CATALOG
from tests.test_cli_help import IDS, examples_of

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def text_of(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


@pytest.mark.parametrize("pack", CATALOG.selectable, ids=lambda pack: pack.name)
def test_every_pack_has_its_page_in_the_navigation(site: Path, pack):
    page = site / "reference" / pack.name / "index.html"
    text = text_of(page)
    assert pack.summary in text
    for option in pack.options:
        assert f"--{pack.option_key(option).replace('_', '-')}" in text
    for path in CATALOG.owned_paths(pack, CATALOG.default_options(CATALOG.closure(pack.name))):
        assert path in text
    home = (site / "index.html").read_text()
    assert f'href="reference/{pack.name}/"' in home  # the navigation, on every page


def test_the_command_reference_has_every_command_s_examples(site: Path):
    text = text_of(site / "reference" / "commands" / "index.html")
    for command in IDS:
        assert f"aegis {command}" in text
        for example in examples_of(tuple(command.split())):
            assert example in text


def test_the_guides_are_in_the_site(site: Path):
    for page in ("getting-started", "cli", "guarantees", "reliability", "writing-a-pack"):
        assert (site / page / "index.html").is_file()
    assert "Exit codes" in text_of(site / "reliability" / "index.html")
