"""GET /health and GET /health/detailed over the real app."""

import pytest
from fastapi.testclient import TestClient

from app.core import checks
from app.core.health import CheckResult, Status

CORE_CHECKS = {"cpu", "memory", "disk"}


async def check_broken() -> CheckResult:
    raise RuntimeError("boom")


@pytest.mark.usefixtures("relaxed_thresholds")
def test_health_reports_every_registered_check(client: TestClient) -> None:
    response = client.get("/health")
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"status", "components"}
    assert set(body["components"]) >= CORE_CHECKS
    assert len(body["components"]) == len(checks.HEALTH_CHECKS)
    assert response.status_code == (503 if body["status"] == "unhealthy" else 200)


@pytest.mark.usefixtures("relaxed_thresholds", "system_checks_only")
def test_health_is_healthy_with_relaxed_thresholds(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "healthy",
        "components": {"cpu": "healthy", "memory": "healthy", "disk": "healthy"},
    }


@pytest.mark.usefixtures("critical_thresholds")
def test_health_is_503_when_unhealthy(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert {body["components"][name] for name in CORE_CHECKS} == {"unhealthy"}


@pytest.mark.usefixtures("relaxed_thresholds")
def test_detailed_lists_every_check_with_its_result(client: TestClient) -> None:
    response = client.get("/health/detailed")
    body = response.json()
    assert set(body) == {"status", "checks"}
    by_name = {check["name"]: check for check in body["checks"]}
    assert len(by_name) == len(checks.HEALTH_CHECKS)
    for name in CORE_CHECKS:
        check = by_name[name]
        assert set(check) == {"name", "status", "message", "latency_ms", "details"}
        assert check["status"] == "healthy"
        assert check["message"].endswith("% used")
        assert check["latency_ms"] > 0
        assert 0 <= check["details"]["percent"] <= 100


@pytest.mark.usefixtures("relaxed_thresholds", "system_checks_only")
def test_a_failing_check_is_reported_not_raised(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "HEALTH_CHECKS", [*checks.HEALTH_CHECKS, check_broken])
    response = client.get("/health/detailed")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == Status.UNHEALTHY
    broken = body["checks"][-1]
    assert broken["name"] == "broken"
    assert broken["status"] == "unhealthy"
    assert broken["message"] == "RuntimeError: boom"
    summary = client.get("/health")
    assert summary.status_code == 503
    assert summary.json()["components"]["broken"] == "unhealthy"


def test_root_redirects_to_the_dashboard(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/dashboard/"
