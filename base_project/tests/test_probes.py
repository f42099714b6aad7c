"""Liveness and readiness probes, and the background CPU sampler of the cpu check."""

import asyncio
import json
import threading
import time
from collections.abc import Callable

import psutil
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli.main import app as cli
from app.core import checks
from app.core.health import CheckResult, Status
from app.services.system_health import (
    CpuSampler,
    check_cpu,
    check_disk,
    check_memory,
)

SetEnv = Callable[..., None]


async def check_down() -> CheckResult:
    return CheckResult(name="down", status=Status.UNHEALTHY, message="not reachable")


async def check_busy() -> CheckResult:
    return CheckResult(name="busy", status=Status.WARNING, message="slow")


async def check_raising() -> CheckResult:
    raise ConnectionError("refused")


def test_live_answers_whatever_the_dependencies(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "READINESS_CHECKS", [check_down, check_raising])
    monkeypatch.setattr(checks, "HEALTH_CHECKS", [check_down])
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_ready_runs_only_the_readiness_checks(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "READINESS_CHECKS", [check_busy])
    monkeypatch.setattr(checks, "HEALTH_CHECKS", [check_down])
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"busy": "warning"},
        "reasons": {},
    }


def test_not_ready_is_503_with_each_reason(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        checks, "READINESS_CHECKS", [check_busy, check_down, check_raising]
    )
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {
        "ready": False,
        "checks": {"busy": "warning", "down": "unhealthy", "raising": "unhealthy"},
        "reasons": {"down": "not reachable", "raising": "ConnectionError: refused"},
    }


def test_host_resources_never_decide_readiness(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, critical_thresholds: None
) -> None:
    assert not {check_cpu, check_memory, check_disk} & set(checks.READINESS_CHECKS)
    monkeypatch.setattr(checks, "READINESS_CHECKS", [])
    assert client.get("/health/ready").status_code == 200


async def test_cpu_is_sampled_by_a_background_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    callers: list[str] = []
    measure = psutil.cpu_percent

    def recording(interval: float | None = None) -> float:
        callers.append(threading.current_thread().name)
        return measure(interval=interval)

    monkeypatch.setattr(psutil, "cpu_percent", recording)
    monkeypatch.setenv("CPU_SAMPLE_SECONDS", "0.02")
    sampler = CpuSampler()
    try:
        readings = [await sampler.percent()]
        async with asyncio.timeout(10):
            while len(callers) < 3:
                await asyncio.sleep(0.01)
        readings.append(await sampler.percent())
    finally:
        sampler.stop()
    assert all(0 <= reading <= 100 for reading in readings)
    assert set(callers) == {"cpu-sampler"}  # never the request's thread


async def test_the_cpu_check_reads_the_latest_sample() -> None:
    result = await check_cpu()
    assert result.name == "cpu"
    assert 0 <= result.details["percent"] <= 100


def test_a_readiness_report_is_reused_while_fresh(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, set_env: SetEnv
) -> None:
    runs: list[float] = []

    async def check_counted() -> CheckResult:
        runs.append(time.monotonic())
        return CheckResult(name="counted", status=Status.HEALTHY)

    monkeypatch.setattr(checks, "READINESS_CHECKS", [check_counted])
    set_env(readiness_cache_seconds=60)
    assert [client.get("/health/ready").status_code for _ in range(3)] == [200] * 3
    assert len(runs) == 1
    set_env(readiness_cache_seconds=0)
    client.get("/health/ready")
    client.get("/health/ready")
    assert len(runs) == 3


def test_the_probes_are_documented_with_their_models(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, model in (("/health/live", "Liveness"), ("/health/ready", "Readiness")):
        answer = paths[path]["get"]["responses"]["200"]["content"]["application/json"]
        assert answer["schema"] == {"$ref": f"#/components/schemas/{model}"}


def test_the_cli_runs_the_readiness_checks_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(checks, "HEALTH_CHECKS", [check_busy])
    monkeypatch.setattr(checks, "READINESS_CHECKS", [check_down])
    result = CliRunner().invoke(cli, ["health", "--ready", "--json"])
    assert result.exit_code == 1
    assert [c["name"] for c in json.loads(result.output)["checks"]] == ["down"]
