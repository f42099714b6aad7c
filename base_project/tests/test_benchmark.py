"""The benchmark script runs (as briefly as it can: a request or so per connection)
and reports every figure; it times nothing."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "benchmark.py"


@pytest.mark.processes
def test_the_benchmark_reports_each_endpoint_against_the_bare_one(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--duration", "0.01", "--connections", "2"]
        + ["--startup-runs", "1"],
        cwd=tmp_path,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()}
    for endpoint in ("bare", "/health/live", "/health/ready"):
        assert re.fullmatch(r"\d+\.\d\dx", rows[endpoint][-1]), result.stdout
        assert rows[endpoint][-2] == "0", result.stdout  # no error answer
        assert rows[endpoint][-3].isdigit(), result.stdout  # server CPU per request
    assert re.search(r"load generator used at most \d+% of a core", result.stdout)
    assert "start-up to the first ready answer: " in result.stdout
