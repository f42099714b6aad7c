"""Benchmark the web server: requests/s and latency of the probes (and `/items` when the
project has it) as a ratio to a bare FastAPI endpoint measured in the same run, and the
time from start-up to the first ready answer.

    python scripts/benchmark.py                    # 50 connections, 30 s each
    python scripts/benchmark.py --duration 5 --connections 20

Each server is one uvicorn worker without access log, started from the current
directory with the current environment (`DATABASE_URL`, `REDIS_URL`: what the app
needs to be ready). The load comes from this process, on the same host: compare the
ratios, not the absolute figures, between machines. Each endpoint's server CPU time
per request is reported too: on a busy machine it is steadier than requests/s, and
the share of a core the load generator used tells whether it, rather than the
server, set the pace.
"""

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psutil

PROJECT = Path(__file__).resolve().parent.parent
APP = "app.components.backend.main:app"
PROBES = ("/health/live", "/health/ready")
OPTIONAL = ("/items",)
READY_TIMEOUT = 60.0


def bare_app() -> Any:
    """The yardstick: FastAPI with one endpoint that does nothing."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/bare")
    async def bare() -> dict[str, str]:
        return {"status": "ok"}

    return app


@dataclass(frozen=True)
class Result:
    """Requests/s and latency percentiles of one endpoint under load."""

    name: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    server_cpu: float = 0.0
    client_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def server_us(self) -> float:
        """Server CPU microseconds per request."""
        return self.server_cpu / max(self.requests, 1) * 1e6

    def share(self, cpu: float) -> float:
        """`cpu` seconds as a share of one core over the run."""
        return cpu / self.seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def get(port: int, path: str) -> int:
    """The status of one GET (0 when nothing answers)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@contextmanager
def server(target: str, *options: str) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """A uvicorn server of `target` on a free port, stopped at the end."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", target, "--port", str(port)]
    command += ["--workers", "1", "--log-level", "warning", "--no-access-log", *options]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PROJECT), str(PROJECT / "scripts")]),
    }
    process = subprocess.Popen(command, env=env)
    try:
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until(port: int, path: str, process: subprocess.Popen[bytes]) -> float:
    """Seconds until `path` answers 200; exits with a message if it never does."""
    started = time.perf_counter()
    while get(port, path) != 200:
        if process.poll() is not None or time.perf_counter() - started > READY_TIMEOUT:
            sys.exit(
                f"the server never answered 200 on {path}: is what it needs running?"
            )
        time.sleep(0.005)
    return time.perf_counter() - started


def content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


async def load(port: int, path: str, connections: int, seconds: float) -> Result:
    """GET `path` on keep-alive connections for `seconds`, once at least on each.

    A minimal HTTP/1.1 client on asyncio streams: a full client library costs more CPU
    per request than the endpoints measured, and would measure itself on two cores.
    """
    latencies: list[float] = []
    errors = 0
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:  # one request at least, however short the run
                started = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                await reader.readexactly(content_length(head))
                latencies.append(time.perf_counter() - started)
                errors += not head.startswith(b"HTTP/1.1 2")
                if time.perf_counter() >= deadline:
                    break
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    quantiles = (
        statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    )
    return Result(
        path, len(latencies), errors, elapsed, quantiles[49] * 1e3, quantiles[98] * 1e3
    )


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def measure(
    port: int, process: subprocess.Popen[bytes], path: str, options: argparse.Namespace
) -> Result:
    """Load `path` after a warm-up; with the CPU time the server and this process
    spent meanwhile."""
    warm_up = min(2.0, options.duration / 5)
    asyncio.run(load(port, path, options.connections, warm_up))
    server = psutil.Process(process.pid)
    server_before, client_before = cpu_seconds(server), time.process_time()
    result = asyncio.run(load(port, path, options.connections, options.duration))
    return replace(
        result,
        server_cpu=cpu_seconds(server) - server_before,
        client_cpu=time.process_time() - client_before,
    )


def until_ready(
    port: int, process: subprocess.Popen[bytes], started: float
) -> tuple[float, float]:
    """Wall seconds since `started` and CPU seconds of the server when it first
    answers 200 on /health/ready (CPU time is steadier on a busy machine)."""
    wait_until(port, "/health/ready", process)
    wall = time.perf_counter() - started
    cpu = psutil.Process(process.pid).cpu_times()
    return wall, cpu.user + cpu.system


def startup_seconds(runs: int) -> tuple[list[float], list[float]]:
    """Start-up wall and CPU seconds of `runs` servers started for that alone."""
    walls, cpus = [], []
    for _ in range(runs):
        started = time.perf_counter()
        with server(APP) as (port, process):
            wall, cpu = until_ready(port, process, started)
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


def report(results: list[Result], bare: Result) -> None:
    columns = ("req/s", "p50 ms", "p99 ms", "CPU us", "errors", "vs bare")
    print(f"{'endpoint':<16}" + "".join(f"{column:>10}" for column in columns))
    for result in [bare, *results]:
        ratio = result.rate / bare.rate
        print(
            f"{result.name:<16}{result.rate:>10.0f}{result.p50_ms:>10.1f}"
            f"{result.p99_ms:>10.1f}{result.server_us:>10.0f}{result.errors:>10}"
            f"{ratio:>9.2f}x"
        )
    busiest = max([bare, *results], key=lambda result: result.share(result.client_cpu))
    print(
        "CPU us: server CPU time per request. The load generator used at most "
        f"{busiest.share(busiest.client_cpu):.0%} of a core (the server "
        f"{busiest.share(busiest.server_cpu):.0%}, on {busiest.name})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument(
        "--duration", type=float, default=30.0, help="seconds per endpoint"
    )
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--startup-runs", type=int, default=3)
    options = parser.parse_args()
    if options.startup_runs < 1:
        parser.error("--startup-runs must be at least 1")
    # The server measured under load is the last start-up run: one start fewer.
    walls, cpus = startup_seconds(options.startup_runs - 1)
    started = time.perf_counter()
    with server(APP) as (port, process):
        wall, cpu = until_ready(port, process, started)
        walls.append(wall)
        cpus.append(cpu)
        with server("benchmark:bare_app", "--factory") as (bare_port, bare_process):
            wait_until(bare_port, "/bare", bare_process)
            paths = [*PROBES, *(path for path in OPTIONAL if get(port, path) == 200)]
            # The bare endpoint before and after the others: a machine whose load
            # drifts during the run skews every ratio less.
            bare_runs = [measure(bare_port, bare_process, "/bare", options)]
            results = [measure(port, process, path, options) for path in paths]
            bare_runs.append(measure(bare_port, bare_process, "/bare", options))
    bare = Result(
        "bare FastAPI",
        sum(run.requests for run in bare_runs),
        sum(run.errors for run in bare_runs),
        sum(run.seconds for run in bare_runs),
        statistics.mean(run.p50_ms for run in bare_runs),
        statistics.mean(run.p99_ms for run in bare_runs),
        sum(run.server_cpu for run in bare_runs),
        sum(run.client_cpu for run in bare_runs),
    )
    print(
        f"{options.connections} connections, {options.duration:g} s per endpoint, "
        "one uvicorn worker"
    )
    report(results, bare)
    print(
        f"start-up to the first ready answer: {statistics.median(walls):.2f} s, "
        f"{statistics.median(cpus):.2f} s of CPU (median of {len(walls)})"
    )


if __name__ == "__main__":
    main()
