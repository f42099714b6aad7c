"""A database that is not there at start-up, or goes away: retried, never a 500."""

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.components.backend.main import create_app
from app.core import checks, database
from app.services.database_health import check_database_ready


def test_the_database_is_a_readiness_check() -> None:
    assert check_database_ready in checks.READINESS_CHECKS


def test_migrations_are_retried_until_the_database_is_there(
    tmp_path: Path,
    set_database_url: Callable[[str], None],
    set_env: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each probe answers afresh, and the first retries come soon: 0.05 s, 0.1 s, ...
    set_env(readiness_cache_seconds=0)
    monkeypatch.setattr(database, "FIRST_RETRY_DELAY", 0.05)
    folder = tmp_path / "data"
    folder.write_text("")  # a file where the database's folder belongs
    set_database_url(f"sqlite:///{folder / 'app.db'}")
    with TestClient(create_app()) as client:
        ready = client.get("/health/ready")
        assert ready.status_code == 503
        reason = ready.json()["reasons"]["database"]
        assert reason.startswith("migrations not applied yet (attempt ")
        assert client.get("/health/live").status_code == 200
        folder.unlink()
        folder.mkdir()
        deadline = time.monotonic() + 30
        while client.get("/health/ready").json()["checks"]["database"] != "healthy":
            assert time.monotonic() < deadline, "the migrations were never retried"
            time.sleep(0.1)
        created = client.post("/items", json={"name": "after the outage"})
        assert created.status_code == 201, created.text


def test_an_unreachable_database_is_503_not_500(
    tmp_path: Path, set_database_url: Callable[[str], None]
) -> None:
    with TestClient(create_app()) as client:
        set_database_url(f"sqlite:///{tmp_path}")  # a folder: sqlite cannot open it
        response = client.get("/items")
    assert response.status_code == 503
    assert response.json()["detail"].startswith("the database is unavailable")
    assert response.headers["retry-after"] == "5"
