"""Scheduler process: the jobs of `app.components.scheduler.jobs`, until SIGTERM."""

import asyncio
import signal

from app.components.scheduler.main import run_scheduler
from app.core.bootstrap import bootstrap


async def serve() -> None:
    """Run the scheduler; SIGINT or SIGTERM stop it cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await run_scheduler(stop)


def main() -> None:
    """Bootstrap the process and run the scheduler."""
    bootstrap()
    asyncio.run(serve())


if __name__ == "__main__":
    main()
