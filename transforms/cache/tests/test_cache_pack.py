"""The cache pack: declaration, and the consistency of what it generates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.aegis_helpers import CATALOG, init
from tests.compose_check import compose_problems

PACK = CATALOG["cache"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return init(tmp_path_factory.mktemp("cache"), ["cache"])


def test_declaration() -> None:
    assert PACK.kind == "component"
    assert PACK.order == 50
    assert PACK.requires == ("redis",)


def test_it_brings_redis_and_registers_its_check_and_commands(project: Path) -> None:
    pyproject = (project / "pyproject.toml").read_text()
    assert 'components = ["redis", "cache"]' in pyproject
    checks = (project / "app/core/checks.py").read_text()
    assert checks.index("    check_redis,") < checks.index("    check_cache,")
    assert "    cache_app,\n" in (project / "app/cli/main.py").read_text()
    assert compose_problems(project) == []


def test_every_setting_is_documented_in_env_example(project: Path) -> None:
    config = (project / "app/core/config.py").read_text()
    fields = dict(re.findall(r"^    (cache_\w+): \w+ = (.+)$", config, re.MULTILINE))
    assert set(fields) == {"cache_prefix", "cache_default_ttl", "cache_retry_seconds"}
    env_example = (project / ".env.example").read_text()
    env = dict(re.findall(r"^(CACHE_\w+)=(.*)$", env_example, re.MULTILINE))
    assert env == {name.upper(): value.strip('"') for name, value in fields.items()}
