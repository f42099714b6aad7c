"""Median wall time of the aegis commands users wait for, each run as a fresh process.

.venv/bin/python scripts/benchmark.py [--runs N] [--cpu]

`--cpu`: the CPU time (user + system) of each run instead, which other processes on a busy
machine disturb less than the wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

AEGIS = [sys.executable, "-m", "aegis"]
# Measure what users get: byte-compiled modules (pip and `uv --compile-bytecode` write them).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


CPU = False  # set by --cpu


def _clock() -> float:
    if not CPU:
        return time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def timed(command: list[str], prepare: Callable[[], None] = lambda: None, runs: int = 7) -> float:
    samples = []
    prepare()
    subprocess.run(command, check=False, capture_output=True, env=ENV)  # warm-up
    for _ in range(runs):
        prepare()
        start = _clock()
        subprocess.run(command, check=False, capture_output=True, env=ENV)
        samples.append(_clock() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cpu", action="store_true", help="CPU time instead of wall time")
    arguments = parser.parse_args()
    runs = arguments.runs
    global CPU
    CPU = arguments.cpu
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from aegis.catalog import Catalog

    everything = ",".join(pack.name for pack in Catalog.load().selectable)
    work = Path(tempfile.mkdtemp(prefix="aegis-bench-"))
    core, project = work / "core", work / "project"

    def fresh_core() -> None:
        shutil.rmtree(project, ignore_errors=True)
        shutil.copytree(core, project)

    def clean() -> None:
        shutil.rmtree(work / "out", ignore_errors=True)

    subprocess.run(
        [*AEGIS, "init", "core", "-o", str(work), "--yes"], check=True, stdout=subprocess.DEVNULL
    )
    rows = [
        ("aegis --help", timed([*AEGIS, "--help"], runs=runs)),
        (
            "aegis init (core)",
            timed([*AEGIS, "init", "demo", "-o", str(work / "out"), "--yes"], clean, runs),
        ),
        (
            "aegis init -c redis",
            timed([*AEGIS, "init", "demo", "-o", str(work / "out"), "-c", "redis"], clean, runs),
        ),
        (
            f"aegis init -c {everything}",
            timed([*AEGIS, "init", "demo", "-o", str(work / "out"), "-c", everything], clean, runs),
        ),
        (
            "aegis add redis",
            timed([*AEGIS, "add", "redis", "--path", str(project)], fresh_core, runs),
        ),
        (
            "aegis diff add redis",
            timed([*AEGIS, "diff", "add", "redis", "--path", str(core)], runs=runs),
        ),
    ]
    shutil.rmtree(work)
    width = max(len(name) for name, _ in rows)
    what = "CPU time (user + system)" if CPU else "wall time"
    print(f"median {what} of {runs} runs, each a fresh process ({sys.version.split()[0]})")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
