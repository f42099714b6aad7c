"""The worker pack: declaration, and the consistency of what it generates."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from aegis.testing.compose import compose_problems
from tests.aegis_helpers import CATALOG, init

PACK = CATALOG["worker"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return init(tmp_path_factory.mktemp("worker"), ["worker"])


def compose(project: Path) -> dict:
    return YAML(typ="safe", pure=True).load((project / "docker-compose.yml").read_text())


def queue_names(project: Path) -> list[str]:
    """`QUEUE_NAMES` of the generated `keys.py`, evaluated from its source."""
    tree = ast.parse((project / "app/components/worker/keys.py").read_text())
    constants = {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
    }
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and node.target.id == "QUEUE_NAMES":
            return [constants[element.id] for element in node.value.elts]
    raise AssertionError("QUEUE_NAMES not found")


def test_declaration() -> None:
    assert PACK.kind == "component"
    assert PACK.requires == ("redis",)


def test_compose_file_is_consistent(project: Path) -> None:
    assert compose_problems(project) == []


def test_each_queue_has_a_scalable_service_and_a_make_target(project: Path) -> None:
    services = compose(project)["services"]
    makefile = (project / "Makefile").read_text()
    queues = queue_names(project)
    assert queues == ["system", "default"]
    for queue in queues:
        service = services[f"worker-{queue}"]
        assert service["command"] == f"python -m app.entrypoints.worker {queue}"
        assert "container_name" not in service
        assert "ports" not in service
        assert service["depends_on"] == {"redis": {"condition": "service_healthy"}}
        assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert re.search(rf"^worker-{queue}: ##", makefile, re.MULTILINE)


def test_compose_check_finds_broken_references(project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pyproject.toml").write_text((project / "pyproject.toml").read_text())
    for path in ("app/entrypoints/worker.py", "app/cli/main.py", "app/__main__.py"):
        (broken / path).parent.mkdir(parents=True, exist_ok=True)
        (broken / path).write_text((project / path).read_text())
    text = (project / "docker-compose.yml").read_text()
    assert compose_problems(project) == []
    text = text.replace("app.entrypoints.webserver", "app.entrypoints.gone")
    text = text.replace("redis-data:/data", "lost-data:/data")
    text = text.replace("python -m app.entrypoints.worker default", "demo-svc worker run default")
    text = text.replace("    redis:\n      condition", "    cache:\n      condition", 1)
    (broken / "docker-compose.yml").write_text(text)
    assert compose_problems(broken) == [
        "service `web`: command runs module `app.entrypoints.gone`, "
        "which the project does not have",
        "service `web` depends on `cache`, not a service",
        "service `dev` depends on `cache`, not a service",
        "service `redis` mounts volume `lost-data`, not declared",
        "service `worker-system` depends on `cache`, not a service",
        "service `worker-default` depends on `cache`, not a service",
    ]
    (broken / "app/cli/main.py").write_text('"""No app here."""\n')
    assert (
        "service `worker-default`: command runs script `demo-svc` = `app.cli.main:app`: "
        "`app` is not in `app.cli.main`"
    ) in compose_problems(broken)
