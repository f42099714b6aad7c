"""The database pack: what it adds to a core project, per engine, and its inverse."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from aegis.edit import yaml
from tests.aegis_helpers import init, remove, snapshot, tree_difference

ENGINES = ["sqlite", "postgresql"]
URLS = {
    "sqlite": "sqlite:///data/app.db",
    "postgresql": "postgresql+psycopg://postgres@localhost:5432/app",
}


def module_list(project: Path, path: str, name: str) -> list[str]:
    """The elements of the module-level list `name`, as source."""
    for node in ast.parse((project / path).read_text()).body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign):
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == name:
            assert isinstance(node.value, ast.List)
            return [ast.unparse(element) for element in node.value.elts]
    raise AssertionError(f"no list {name} in {path}")


def settings_fields(project: Path) -> dict[str, str]:
    tree = ast.parse((project / "app/core/config.py").read_text())
    settings = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    return {
        node.target.id: ast.unparse(node.value)
        for node in settings.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.value is not None
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_registers_everything_in_the_core_anchors(tmp_path: Path, engine: str) -> None:
    project = init(tmp_path, ["database"], {"database_engine": engine})
    assert settings_fields(project)["database_url"] == repr(URLS[engine])
    assert module_list(project, "app/core/checks.py", "HEALTH_CHECKS")[-1] == ("check_database")
    lifecycle = "app/components/backend/lifecycle.py"
    assert module_list(project, lifecycle, "STARTUP_HOOKS") == [
        "log_startup",
        "start_cpu_sampler",
        "init_database",
    ]
    assert module_list(project, lifecycle, "SHUTDOWN_HOOKS") == [
        "log_shutdown",
        "close_database",
    ]
    routers = module_list(project, "app/components/backend/api/routing.py", "ROUTERS")
    assert routers[-1] == "items_router"
    assert module_list(project, "app/cli/main.py", "COMMAND_GROUPS") == ["db_app"]
    for owned in ("alembic.ini", "conftest.py", "app/migrations/versions/0001_initial.py"):
        assert (project / owned).is_file(), owned


@pytest.mark.parametrize("engine", ENGINES)
def test_dependencies_and_manifest(tmp_path: Path, engine: str) -> None:
    project = init(tmp_path, ["database"], {"database_engine": engine})
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    dependencies = pyproject["project"]["dependencies"]
    assert {"sqlmodel>=0.0.22", "alembic>=1.13"} <= set(dependencies)
    assert ("psycopg[binary]>=3.2" in dependencies) == (engine == "postgresql")
    assert pyproject["tool"]["aegis"]["components"] == ["database"]
    assert pyproject["tool"]["aegis"]["options"] == {"database_engine": engine}
    conftest = (project / "conftest.py").read_text()
    default = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert (default in conftest) == (engine == "postgresql")


def test_sqlite_adds_no_compose_service(tmp_path: Path) -> None:
    core = yaml.load((init(tmp_path / "core") / "docker-compose.yml").read_text())
    project = init(tmp_path / "db", ["database"])
    compose = yaml.load((project / "docker-compose.yml").read_text())
    assert compose == core
    assert "data/" in (project / ".env.example").read_text()


def test_postgresql_adds_a_service_without_committing_a_password(tmp_path: Path) -> None:
    project = init(tmp_path, ["database"], {"database_engine": "postgresql"})
    compose = yaml.load((project / "docker-compose.yml").read_text())
    postgres = compose["services"]["postgres"]
    password = postgres["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD:?")
    assert "pg_isready" in postgres["healthcheck"]["test"][1]
    assert "postgres-data:/var/lib/postgresql/data" in postgres["volumes"]
    assert "postgres-data" in compose["volumes"]
    depends = compose["services"]["web"]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    env_lines = (project / ".env.example").read_text().splitlines()
    assert "POSTGRES_PASSWORD=" in env_lines
    database_url = next(line for line in env_lines if line.startswith("DATABASE_URL="))
    assert ":" not in database_url.split("//")[1].split("@")[0]


@pytest.mark.parametrize("engine", ENGINES)
def test_remove_restores_the_core(tmp_path: Path, engine: str) -> None:
    core = snapshot(init(tmp_path / "core"))
    project = init(tmp_path / "db", ["database"], {"database_engine": engine})
    assert remove(project, ["database"])
    after = snapshot(project)
    assert after == core, tree_difference(after, core)
