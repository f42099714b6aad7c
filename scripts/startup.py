"""Web start-up of a generated project: seconds from launching its webserver entrypoint
to the first HTTP answer (any status) of `/health/ready`, median of several runs.

    .venv/bin/python scripts/startup.py                 # the project with every component
    .venv/bin/python scripts/startup.py --runs 9 -c database,worker
    .venv/bin/python scripts/startup.py --project path/to/a/project

It generates the project into a temporary folder and runs it with the shared environment
of the generated-project tests (`.cache/generated-env`, built by those tests or by
`aegis.testing.generated.ensure_environment`). Uvicorn answers only once the app's lifespan
has started, so the first answer marks the end of start-up.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aegis.testing.generated import environment_dir  # noqa: E402
from tests.aegis_helpers import CATALOG, allowed_sets, init  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a running process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_answer(project: Path, python: Path, path: str) -> tuple[float, float]:
    """Wall seconds from spawning the webserver to its first HTTP answer on `path`,
    and the CPU seconds the server used until then (steadier on a busy machine)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    env |= {"PYTHONPATH": str(project), "HOST": "127.0.0.1", "PORT": str(port)}
    env |= {"LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(python), "-m", "app.entrypoints.webserver"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("the server exited")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", path)
                connection.getresponse().read()
                return time.perf_counter() - started, cpu_seconds(process.pid)
            except OSError:
                time.sleep(0.005)
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("-c", "--components", help="comma-separated; default: all")
    parser.add_argument("--path", default="/health/ready")
    parser.add_argument("--project", type=Path, help="an existing project instead")
    options = parser.parse_args()
    components = (
        options.components.split(",")
        if options.components
        else CATALOG.sort(max(allowed_sets(), key=len))
    )
    python = environment_dir() / "bin" / "python"
    with tempfile.TemporaryDirectory() as scratch:
        project = options.project or init(Path(scratch), CATALOG.sort(components))
        first_answer(project, python, options.path)  # warm the bytecode cache
        runs = [first_answer(project, python, options.path) for _ in range(options.runs)]
    wall = [w for w, _ in runs]
    cpu = [c for _, c in runs]
    print(
        f"{','.join(components) or 'core'}: first answer of {options.path} after "
        f"{statistics.median(wall):.3f} s wall (min {min(wall):.3f}, max {max(wall):.3f}), "
        f"{statistics.median(cpu):.3f} s CPU (min {min(cpu):.3f}); median of {len(runs)}"
    )


if __name__ == "__main__":
    main()
