"""Edits of the compose file's shared block (`x-app`, merged into every app service) by
packs outside the catalogue: the algebra holds for them as it does for the built-in packs.

Two fixture packs each add a service that `x-app` depends on and a variable it passes; with
`redis` (which edits `x-app` too), every add order gives the same bytes, which are `init`'s,
and removing one gives the project made without it.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from aegis.catalog import Catalog
from aegis.edits import ComposeDependsOn, ComposeEnvironment, ComposeService
from aegis.pack import Origin, Pack
from aegis.testing.workbench import Workbench, snapshot, tree_difference
from tests.aegis_helpers import CATALOG

PACKS = ("alpha", "beta", "redis")


def shared_block_pack(name: str, root: Path) -> Pack:
    """A pack whose service every app service depends on, through `x-app`."""
    (root / name / "files").mkdir(parents=True, exist_ok=True)
    edits = [
        ComposeService(name, {"image": f"{name}:1"}),
        ComposeDependsOn("x-app", name, "service_started"),
        ComposeEnvironment("x-app", f"{name.upper()}_URL", f"http://{name}:80"),
    ]
    return Pack(
        name=name,
        kind="component",
        summary=f"the {name} fixture",
        edits=lambda options: edits,
        root=root / name,
        origin=Origin(f"aegis-{name}", "1.0"),
    )


@pytest.fixture(scope="module")
def workbench(tmp_path_factory) -> Workbench:
    root = tmp_path_factory.mktemp("packs")
    return Workbench(Catalog([*CATALOG, *(shared_block_pack(n, root) for n in ("alpha", "beta"))]))


def test_every_add_order_gives_the_bytes_of_init(tmp_path, workbench):
    expected = snapshot(workbench.init(tmp_path / "init", PACKS, None, "demo-svc"))
    compose = expected["docker-compose.yml"].decode()
    assert "    alpha:\n      condition: service_started" in compose
    assert "    BETA_URL: http://beta:80" in compose
    for number, order in enumerate(itertools.permutations(PACKS)):
        project = workbench.init(tmp_path / str(number), (), None, "demo-svc")
        for name in order:
            assert workbench.add(project, [name], None)
        got = snapshot(project)
        assert got == expected, (order, tree_difference(got, expected))


@pytest.mark.parametrize("removed", PACKS)
def test_removing_one_gives_the_project_made_without_it(tmp_path, workbench, removed):
    project = workbench.init(tmp_path / "all", PACKS, None, "demo-svc")
    assert workbench.remove(project, [removed])
    rest = [name for name in PACKS if name != removed]
    without = snapshot(workbench.init(tmp_path / "rest", rest, None, "demo-svc"))
    got = snapshot(project)
    assert got == without, tree_difference(got, without)
