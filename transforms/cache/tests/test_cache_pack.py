"""The cache pack: declaration, and the consistency of what it generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from aegis.testing.compose import compose_problems
from tests.aegis_helpers import CATALOG, init

PACK = CATALOG["cache"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return init(tmp_path_factory.mktemp("cache"), ["cache"])


def test_declaration() -> None:
    assert PACK.kind == "component"
    assert PACK.requires == ("redis",)


def test_it_brings_redis_and_registers_its_check_and_commands(project: Path) -> None:
    pyproject = (project / "pyproject.toml").read_text()
    assert 'components = ["redis", "cache"]' in pyproject
    checks = (project / "app/core/checks.py").read_text()
    assert checks.index("    check_redis,") < checks.index("    check_cache,")
    assert "    cache_app,\n" in (project / "app/cli/main.py").read_text()
    assert compose_problems(project) == []
