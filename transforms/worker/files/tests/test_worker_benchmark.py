"""The worker benchmark script runs (as briefly as it can: one job, one round) against
raw arq; it times nothing here."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.redis_test_db import own_redis_url

PROJECT = Path(__file__).resolve().parent.parent
WORKER_REDIS_URL = own_redis_url("TEST_WORKER_REDIS_URL", 10)


@pytest.mark.processes
def test_the_worker_benchmark_compares_with_raw_arq() -> None:
    script = PROJECT / "scripts" / "benchmark_worker.py"
    env = {**os.environ, "REDIS_URL": WORKER_REDIS_URL, "PYTHONPATH": str(PROJECT)}
    result = subprocess.run(
        [sys.executable, str(script), "--jobs", "1", "--rounds", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "x raw arq's time" in result.stdout
    assert "x raw arq's rate" in result.stdout
