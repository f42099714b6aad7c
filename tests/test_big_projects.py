"""Big projects: on a project with 1000 registered routers and a 2000-line settings module,
`add`, `remove` and `diff` give the bytes of the whole-module libcst path, undo exactly, and
parse each file at most once per command.

Nothing here names a component: every pack of the catalogue is added and removed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import libcst
import pytest

from aegis import documents, engine
from tests.aegis_helpers import (
    CATALOG,
    SELECTABLE,
    add,
    closure,
    init,
    remove,
    snapshot,
    tree_difference,
)

ROUTING = "app/components/backend/api/routing.py"
CONFIG = "app/core/config.py"


def grow(project: Path, routers: int = 1000, settings_lines: int = 2000) -> None:
    """Register `routers` routers in `routing.py` and add `settings_lines` lines of settings."""
    names = [f"feature_{number:04d}" for number in range(routers)]
    routing = project / ROUTING
    health = "from app.components.backend.api.health import router as health_router\n"
    imports = "".join(
        f"from app.components.backend.api.{n} import router as {n}_router\n" for n in names
    )
    text = routing.read_text().replace(health, imports + health)
    items = "".join(f"    {name}_router,\n" for name in names)
    routing.write_text(text.replace("    health_router,\n", "    health_router,\n" + items))
    fields = "".join(
        f"    # Feature {number}: whether it is on\n    feature_{number}_enabled: bool = True\n"
        for number in range(settings_lines // 2)
    )
    config = project / CONFIG
    anchor = "    dashboard_refresh_seconds: float = 5.0\n"
    config.write_text(config.read_text().replace(anchor, f"{anchor}\n{fields}"))


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = init(tmp_path_factory.mktemp("grown"))
    grow(project)
    assert len((project / CONFIG).read_text().splitlines()) > 2000
    return project


def whole_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the engine edit every Python module as a whole libcst module."""
    monkeypatch.setattr(documents, "_python", libcst.parse_module)


@pytest.mark.parametrize("component", SELECTABLE)
def test_add_and_remove_on_a_grown_project(tmp_path, monkeypatch, grown, component):
    project, reference = tmp_path / "partial", tmp_path / "whole"
    shutil.copytree(grown, project)
    shutil.copytree(grown, reference)
    before = snapshot(project)
    assert add(project, [component])
    with monkeypatch.context() as patch:
        whole_modules(patch)
        add(reference, [component])
    after = snapshot(project)
    assert after == snapshot(reference), tree_difference(after, snapshot(reference))
    for name in reversed(CATALOG.sort(closure([component]))):
        assert remove(project, [name])
    assert snapshot(project) == before, tree_difference(before, snapshot(project))


def test_diff_on_a_grown_project_is_what_add_writes(tmp_path, grown):
    project, previewed = tmp_path / "project", tmp_path / "previewed"
    shutil.copytree(grown, project)
    shutil.copytree(grown, previewed)
    everything = CATALOG.sort(SELECTABLE)
    patch = engine.add(CATALOG, project, everything, {}, per_pack=True).changes.diff()
    subprocess.run(["git", "apply", "-"], input=patch, text=True, cwd=previewed, check=True)
    add(project, everything)
    assert snapshot(project) == snapshot(previewed)


@pytest.mark.parametrize("per_pack", [False, True], ids=["add", "diff"])
def test_each_file_is_parsed_once_per_command(tmp_path, monkeypatch, per_pack):
    project = init(tmp_path)
    parsed: Counter[str] = Counter()
    parse = documents.parse

    def counting(kind: str, path: str, text: str):
        parsed[path] += 1
        return parse(kind, path, text)

    monkeypatch.setattr(documents, "parse", counting)
    everything = CATALOG.sort(SELECTABLE)
    engine.add(CATALOG, project, everything, {}, per_pack=per_pack).changes.apply()
    assert parsed[CONFIG] == 1 and parsed[ROUTING] == 1
    assert max(parsed.values()) == 1, parsed
    parsed.clear()
    engine.remove(CATALOG, project, everything, per_pack=per_pack)
    assert parsed[CONFIG] == 1 and max(parsed.values()) == 1, parsed
