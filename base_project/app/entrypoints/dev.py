"""Development: every process of `DEV_PROCESSES` as one supervised group.

Each child runs this project's Python interpreter in its own process group; its
output is printed line by line, prefixed with its name in a colour of its own.

- Ctrl-C, SIGTERM or SIGHUP (the terminal closed) stops the group: SIGTERM to every
  child's process group, then SIGKILL to those still running after `STOP_TIMEOUT`
  seconds. Exit status 0.
- A child that exits by itself stops the group too: its exit status is reported,
  the others are stopped, and the group exits with status 1. A group missing one
  of its processes would mislead (jobs queue up with no worker), so it does not
  carry on; fix the cause and start it again. The web server's own reloader
  survives errors in the code it reloads, so editing code does not end the group.
"""

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from app.entrypoints.processes import DevProcess

COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "bright_red")
STOP_TIMEOUT = 10.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass
class Child:
    """A running process of the group."""

    spec: DevProcess
    prefix: Text
    process: asyncio.subprocess.Process


def describe_exit(returncode: int) -> str:
    """`exited with status 3`, or `was killed by SIGKILL`."""
    if returncode < 0:
        return f"was killed by {signal.Signals(-returncode).name}"
    return f"exited with status {returncode}"


class DevGroup:
    """Starts, relays, watches and stops the processes of the group."""

    def __init__(
        self,
        processes: Sequence[DevProcess],
        console: Console,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.processes = list(processes)
        self.console = console
        self.env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
        self.children: list[Child] = []
        width = max((len(p.name) for p in self.processes), default=0)
        self.prefixes = {
            p.name: Text(f"{p.name:<{width}} | ", style=COLOURS[i % len(COLOURS)])
            for i, p in enumerate(self.processes)
        }

    def say(self, message: str, style: str = "bold") -> None:
        """A line of the group itself (not of a child)."""
        self.console.print(Text(f"dev: {message}", style=style), soft_wrap=True)

    async def start(self, spec: DevProcess) -> Child:
        """Start one child in a process group of its own (Ctrl-C reaches only us)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *spec.command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=self.env,
            start_new_session=True,
        )
        return Child(spec, self.prefixes[spec.name], process)

    async def relay(self, child: Child) -> None:
        """Print the child's output, line by line, behind its prefix."""
        assert child.process.stdout is not None
        async for raw in child.process.stdout:
            line = raw.decode(errors="replace").rstrip()
            self.console.print(child.prefix + Text(line), soft_wrap=True)

    def signal(self, child: Child, signum: signal.Signals) -> None:
        """Send a signal to the child's whole process group (its reloader's too)."""
        if child.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signum)

    async def stop(self) -> None:
        """SIGTERM every child, then SIGKILL what still runs after STOP_TIMEOUT."""
        for child in self.children:
            self.signal(child, signal.SIGTERM)
        try:
            await asyncio.wait_for(self.wait_all(), STOP_TIMEOUT)
        except TimeoutError:
            for child in self.children:
                if child.process.returncode is None:
                    self.say(f"{child.spec.name} did not stop; killing it", "bold red")
                self.signal(child, signal.SIGKILL)
            await self.wait_all()

    async def wait_all(self) -> None:
        """Wait until every child has exited."""
        await asyncio.gather(*(child.process.wait() for child in self.children))

    async def run(self) -> int:
        """Run until a stop signal or a child's exit; return the exit status."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, stop.set)
        names = ", ".join(p.name for p in self.processes)
        self.say(f"starting {names}; Ctrl-C stops them all")
        relays: list[asyncio.Task[None]] = []
        ended: list[Child] = []
        try:
            for spec in self.processes:
                child = await self.start(spec)
                self.children.append(child)
                relays.append(asyncio.create_task(self.relay(child)))
            exits = {
                asyncio.create_task(child.process.wait()): child
                for child in self.children
            }
            stopped = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait(
                [*exits, stopped], return_when=asyncio.FIRST_COMPLETED
            )
            stopped.cancel()
            ended = [exits[task] for task in exits if task in done]
        finally:
            for signum in STOP_SIGNALS:
                loop.remove_signal_handler(signum)
            await self.stop()
            await asyncio.gather(*relays)
        for child in ended:
            code = child.process.returncode or 0
            self.say(
                f"{child.spec.name} {describe_exit(code)}; stopped the others",
                "bold red",
            )
        self.say("stopped" if not ended else "stopped after a process ended")
        return 1 if ended else 0


def select(processes: Sequence[DevProcess], only: Sequence[str]) -> list[DevProcess]:
    """The processes named in `only` (all when empty); unknown names raise."""
    if not only:
        return list(processes)
    known = {p.name for p in processes}
    unknown = sorted(set(only) - known)
    if unknown:
        raise ValueError(
            f"no process named {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    return [p for p in processes if p.name in only]


def run(processes: Sequence[DevProcess], env: Mapping[str, str] | None = None) -> int:
    """Run the group in this process, printing to standard output."""
    return asyncio.run(DevGroup(processes, Console(), env).run())
