"""The health registry: concurrency, timeouts, failures, latency, aggregation."""

import asyncio
import time

import pytest

from app.core.health import (
    CheckResult,
    HealthRegistry,
    Status,
    check_name,
    worst_status,
)


async def check_ok() -> CheckResult:
    return CheckResult(name="ok", status=Status.HEALTHY, message="fine")


async def check_busy() -> CheckResult:
    return CheckResult(name="busy", status=Status.WARNING, message="busy")


async def check_broken() -> CheckResult:
    raise ConnectionError("connection refused")


async def check_slow() -> CheckResult:
    await asyncio.sleep(0.2)
    return CheckResult(name="slow", status=Status.HEALTHY)


async def check_stuck() -> CheckResult:
    await asyncio.sleep(30)
    return CheckResult(name="stuck", status=Status.HEALTHY)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], Status.HEALTHY),
        ([Status.HEALTHY, Status.HEALTHY], Status.HEALTHY),
        ([Status.HEALTHY, Status.WARNING], Status.WARNING),
        ([Status.WARNING, Status.UNHEALTHY, Status.HEALTHY], Status.UNHEALTHY),
        ([Status.UNHEALTHY, Status.WARNING], Status.UNHEALTHY),
    ],
)
def test_worst_status(statuses: list[Status], expected: Status) -> None:
    assert worst_status(statuses) is expected


def test_check_name_strips_the_check_prefix() -> None:
    assert check_name(check_broken) == "broken"


async def test_overall_status_is_the_worst_check() -> None:
    assert (await HealthRegistry([check_ok]).run()).status is Status.HEALTHY
    report = await HealthRegistry([check_ok, check_busy]).run()
    assert report.status is Status.WARNING
    assert report.components == {"ok": Status.HEALTHY, "busy": Status.WARNING}
    report = await HealthRegistry([check_busy, check_broken, check_ok]).run()
    assert report.status is Status.UNHEALTHY


async def test_results_keep_registration_order() -> None:
    report = await HealthRegistry([check_slow, check_ok, check_busy]).run()
    assert [result.name for result in report.checks] == ["slow", "ok", "busy"]


async def test_exception_becomes_unhealthy_result() -> None:
    report = await HealthRegistry([check_ok, check_broken]).run()
    broken = report.checks[1]
    assert broken.name == "broken"
    assert broken.status is Status.UNHEALTHY
    assert broken.message == "ConnectionError: connection refused"
    assert report.checks[0].status is Status.HEALTHY


async def test_timeout_becomes_unhealthy_result() -> None:
    registry = HealthRegistry([check_stuck, check_ok], timeout=0.1)
    started = time.perf_counter()
    report = await registry.run()
    assert time.perf_counter() - started < 2
    stuck = report.checks[0]
    assert stuck.name == "stuck"
    assert stuck.status is Status.UNHEALTHY
    assert "timed out" in stuck.message
    assert 100 <= stuck.latency_ms < 2000
    assert report.status is Status.UNHEALTHY


async def test_latency_is_measured_by_the_registry() -> None:
    report = await HealthRegistry([check_slow, check_ok]).run()
    slow, ok = report.checks
    assert 200 <= slow.latency_ms < 2000
    assert 0 <= ok.latency_ms < slow.latency_ms


async def test_checks_run_concurrently() -> None:
    registry = HealthRegistry([check_slow, check_slow, check_slow, check_slow])
    started = time.perf_counter()
    report = await registry.run()
    elapsed = time.perf_counter() - started
    assert len(report.checks) == 4
    assert 0.2 <= elapsed < 0.6


def test_register_adds_each_check_once() -> None:
    registry = HealthRegistry([check_ok])
    assert registry.register(check_busy) is check_busy
    registry.register(check_busy)
    assert registry.checks == [check_ok, check_busy]
