"""Backing services of one's own for outage tests: a Redis and a PostgreSQL server on free
ports, in a scratch folder, that a test can kill and start again.

The machine's shared servers are never touched. PostgreSQL refuses to run as root, so when
the tests run as root its server runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from aegis.testing.generated import free_port

START_TIMEOUT = 30.0


def _wait(ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():
        assert time.monotonic() < deadline, f"{what} did not start"
        time.sleep(0.05)


class RedisServer:
    """`redis-server` with an append-only file fsynced on every write, so that a kill loses
    nothing it acknowledged."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.directory), "--appendonly", "yes", "--appendfsync", "always",
            "--save", "", "--logfile", str(self.directory / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command)
        _wait(self.answers, "redis-server")

    def answers(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None


class PostgresServer:
    """A PostgreSQL cluster of its own (initdb, trust authentication) on a free port."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="aegis-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self._as_postgres, str(self.bin / tool), *args], check=True, capture_output=True
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        """Immediate shutdown: every connection is cut, as in a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def create_database(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def own_redis(directory: Path) -> Iterator[RedisServer]:
    """A running Redis of one's own, killed at the end."""
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.kill()


@contextmanager
def own_postgresql() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster of one's own, not started; stopped and deleted at the end."""
    server = PostgresServer()
    try:
        yield server
    finally:
        server.remove()
