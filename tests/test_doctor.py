"""`aegis doctor`: silent on every generated combination, and each invariant it checks, once
broken, is reported with its file and a fix."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from aegis.confined import ProjectFiles
from aegis.doctor import problems
from aegis.ledger import LEDGER
from aegis.testing.cases import covering_cases
from aegis.testing.workbench import Workbench
from tests.aegis_helpers import CATALOG, init


def test_silent_on_every_generated_combination(tmp_path):
    bench = Workbench(CATALOG)
    for number, case in enumerate(covering_cases(CATALOG)):
        project = bench.init(tmp_path / str(number), case.ordered, case.options)
        assert problems(CATALOG, ProjectFiles(project)) == [], case.label


def _replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        text = (project / path).read_text()
        assert re.search(old, text, re.M), f"{old!r} not in {path}"
        (project / path).write_text(re.sub(old, new, text, count=1, flags=re.M))

    return edit


def _forget(project: Path, pack: str) -> None:
    import tomlkit

    ledger = tomlkit.parse((project / LEDGER).read_text())
    del ledger["packs"][pack]
    (project / LEDGER).write_text(tomlkit.dumps(ledger))


BREAKS = {
    "no ledger record": (
        lambda project: _forget(project, "cache"),
        f"{LEDGER}: no record of `cache`, which the project has. Fix: run `aegis update`",
    ),
    "a pack the manifest lacks": (
        _replace("pyproject.toml", r', "cache"', ""),
        f"{LEDGER}: records `cache`, which \\[tool.aegis\\] does not list",
    ),
    "an owned file gone": (
        lambda project: (project / "app/core/cache.py").unlink(),
        "app/core/cache.py: missing; `cache` owns it. Fix: restore it",
    ),
    "a registered module gone": (
        lambda project: (project / "app/core/redis.py").unlink(),
        "app/core/checks.py: imports `check_redis` from app.core.redis, which does not exist",
    ),
    "a dependency gone": (
        _replace("pyproject.toml", r'^    "redis>=[^"]*",\n', ""),
        "pyproject.toml: `redis` needs the dependency redis.* Fix: add",
    ),
    "a setting undocumented": (
        _replace(".env.example", r"^REDIS_URL=.*\n", ""),
        r"\.env\.example: no line for REDIS_URL, the setting `redis_url` that `redis` "
        "declares. Fix: add `REDIS_URL=",
    ),
    "a compose variable gone": (
        _replace("docker-compose.yml", r"^    REDIS_URL: .*\n", ""),
        "docker-compose.yml: the environment of `x-app` has no REDIS_URL, which `redis` puts "
        "there. Fix: add `REDIS_URL: redis://redis:6379/0`",
    ),
    "a service's own environment drops it": (
        _replace(
            "docker-compose.yml",
            r"^(    command: python -m app.entrypoints.webserver\n)",
            r"\1    environment:\n      OTHER: x\n",
        ),
        "docker-compose.yml: the service `web` inherits `x-app` but its own `environment:` "
        "drops REDIS_URL, which `redis` needs there. Fix: add",
    ),
    "a compose service gone": (
        _replace("docker-compose.yml", r"^  redis:\n(    .*\n)+", ""),
        "docker-compose.yml: .*redis.* Fix: correct the file",
    ),
}


@pytest.mark.parametrize("kind", list(BREAKS))
def test_each_broken_invariant_is_reported_with_file_and_fix(tmp_path, kind):
    breaking, expected = BREAKS[kind]
    project = init(tmp_path, ["redis", "cache"])
    breaking(project)
    found = problems(CATALOG, ProjectFiles(project))
    assert any(re.match(expected, problem) for problem in found), found


def test_the_command_exits_1_on_a_broken_project(tmp_path):
    from typer.testing import CliRunner

    from aegis.cli import app

    project = init(tmp_path, ["redis"])
    result = CliRunner().invoke(app, ["doctor", "--path", str(project)])
    assert (result.exit_code, result.output) == (0, "Everything agrees.\n")
    (project / "app/core/redis.py").unlink()
    result = CliRunner().invoke(app, ["doctor", "--path", str(project)])
    assert result.exit_code == 1
    assert "app/core/redis.py: missing; `redis` owns it." in result.output
