"""scheduler + database: applied whichever comes first, reverted with either."""

from __future__ import annotations

from pathlib import Path

import pytest

from aegis.edit import yaml
from tests.aegis_helpers import add, assigned, init, remove, snapshot, tree_difference

ENGINES = ["sqlite", "postgresql"]
MAIN = "app/components/scheduler/main.py"
JOBS = "app/components/scheduler/jobs.py"


@pytest.mark.parametrize("engine", ENGINES)
def test_the_job_store_and_the_backup_job(tmp_path: Path, engine: str) -> None:
    project = init(tmp_path, ["database", "scheduler"], {"database_engine": engine})
    assert assigned(project, MAIN, "JOB_STORE_FACTORY") == "database_job_store"
    assert assigned(project, JOBS, "JOBS") == "[HEALTH_SNAPSHOT, DATABASE_BACKUP]"
    main = (project / MAIN).read_text()
    assert "from app.components.scheduler.persistence import database_job_store" in main
    config = (project / "app/core/config.py").read_text()
    assert 'backup_dir: str = "data/backups"' in config
    assert "backup_retention: int = 7" in config
    compose = yaml.load((project / "docker-compose.yml").read_text())
    scheduler = compose["services"]["scheduler"]
    if engine == "postgresql":
        assert scheduler["depends_on"]["postgres"]["condition"] == "service_healthy"
    else:
        assert "depends_on" not in scheduler


@pytest.mark.parametrize("engine", ENGINES)
def test_the_same_bytes_whichever_comes_first(tmp_path: Path, engine: str) -> None:
    options = {"database_engine": engine}
    together = snapshot(init(tmp_path / "a", ["scheduler", "database"], options))
    scheduler_first = init(tmp_path / "b", ["scheduler"])
    assert add(scheduler_first, ["database"], options)
    database_first = init(tmp_path / "c", ["database"], options)
    assert add(database_first, ["scheduler"])
    for project in (scheduler_first, database_first):
        tree = snapshot(project)
        assert tree == together, tree_difference(tree, together)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("removed", ["database", "scheduler"])
def test_removing_either_reverts_the_integration(tmp_path: Path, engine: str, removed: str) -> None:
    options = {"database_engine": engine}
    kept = "scheduler" if removed == "database" else "database"
    expected = snapshot(init(tmp_path / "a", [kept], options if kept == "database" else {}))
    project = init(tmp_path / "b", ["database", "scheduler"], options)
    assert remove(project, [removed])
    after = snapshot(project)
    assert after == expected, tree_difference(after, expected)
