"""Invariant 8 beyond the contract suite: an owner-edited project with every component still
works, and the dashboard shows every check in a real browser.

The per-combination checks (lint, own tests, start, every pack's checks healthy) are part of
the contract suite (`tests/test_invariants.py`, marker `generated`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aegis.testing import covering_cases, generated
from aegis.testing.cases import Case
from aegis.testing.workbench import Workbench
from tests.aegis_helpers import CATALOG, add, allowed_sets, init, make_owner_edits

pytestmark = pytest.mark.generated

EVERYTHING = CATALOG.sort(max(allowed_sets(), key=len))


@pytest.fixture(scope="session")
def python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scratch = tmp_path_factory.mktemp("requirements")
    return generated.ensure_environment(Workbench(CATALOG), covering_cases(CATALOG), scratch)


def test_owner_edited_project_with_every_component_still_works(tmp_path, python):
    project = init(tmp_path)
    make_owner_edits(project)
    for name in reversed(EVERYTHING):
        add(project, [name])
    generated.lint_and_test(python, project)


BROWSER_CASES = [
    case
    for case in covering_cases(CATALOG)
    if not case.components or len(case.components) == len(CATALOG.selectable)
]


@pytest.mark.browser
@pytest.mark.parametrize("case", BROWSER_CASES, ids=[case.label for case in BROWSER_CASES])
def test_dashboard_shows_every_check_in_a_real_browser(tmp_path: Path, python: Path, case: Case):
    from tests.browser import capture_dashboard

    project = init(tmp_path, case.ordered, case.options)
    with (
        generated.machine_services(case.options) as env,
        generated.serve(project, python, env) as base_url,
    ):
        report = generated.fetch_json(f"{base_url}/health/detailed")
        names = [check["name"] for check in report["checks"]]
        capture = capture_dashboard(base_url, names, tmp_path / "dashboard.png")
    assert capture.complete, f"missing cards: {sorted(set(names) - set(capture.texts))}"
    assert "Overall:" in " ".join(capture.texts)
    assert (tmp_path / "dashboard.png").read_bytes().startswith(b"\x89PNG")
