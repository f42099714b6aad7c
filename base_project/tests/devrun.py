"""`python -m app dev` in a subprocess, as the tests drive it (see `dev_run`)."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


class DevRun:
    """`python -m app dev ARGS` in the project directory (or `cwd`, a copy of it, whose
    `app` package it then runs): its output, its end."""

    def __init__(
        self, args: tuple[str, ...], env: dict[str, str], cwd: Path = PROJECT_DIR
    ) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "dev", *args],
            cwd=cwd,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # signals reach it alone, as Ctrl-C would
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        """Everything printed so far."""
        return "\n".join(self.lines)

    def lines_of(self, name: str) -> list[str]:
        """The lines the process `name` printed, without their prefix."""
        found = []
        for line in list(self.lines):
            prefix, separator, text = line.partition(" | ")
            if separator and prefix.strip() == name:
                found.append(text)
        return found

    def count(self, text: str) -> int:
        """How many lines printed so far contain `text`."""
        return sum(text in line for line in list(self.lines))

    def wait_for(self, text: str, count: int = 1, timeout: float = 90) -> None:
        """Wait until `count` lines contain `text`; fail if the group ends first."""
        deadline = time.monotonic() + timeout
        while self.count(text) < count:
            if self.process.poll() is not None:
                self.reader.join(timeout=5)
                if self.count(text) >= count:
                    return
                raise AssertionError(f"dev ended before {text!r}:\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} after {timeout} s:\n{self.output}")
            time.sleep(0.05)

    def interrupt(self, timeout: float = 60) -> int:
        """Press Ctrl-C (SIGINT); return the exit status once every process stopped."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout=timeout)
        self.reader.join(timeout=5)
        return status
