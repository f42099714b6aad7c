"""Worker process: the arq worker of one queue.

`python -m app.entrypoints.worker default` consumes the `default` queue. Run one
process per queue; start more processes of the same queue to scale it.
`--check` exits 0 when a worker of the queue is alive (for container health checks).
While Redis is unavailable the process waits and reconnects (see `supervisor`).
"""

import argparse
import asyncio
from collections.abc import Sequence

from arq.worker import check_health

from app.components.worker.keys import QUEUE_NAMES
from app.components.worker.queues import WORKER_SETTINGS
from app.components.worker.supervisor import supervise
from app.core.bootstrap import bootstrap


def run(queue: str, burst: bool = False) -> None:
    """Consume `queue` until stopped, or until it is empty with `burst`."""
    bootstrap()
    asyncio.run(supervise(queue, burst))


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and run (or check) the worker of one queue."""
    parser = argparse.ArgumentParser(description="Run the arq worker of one queue.")
    parser.add_argument("queue", choices=QUEUE_NAMES, help="the queue to consume")
    parser.add_argument(
        "--burst", action="store_true", help="stop once the queue is empty"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 0 if a worker of it is alive"
    )
    options = parser.parse_args(argv)
    if options.check:
        raise SystemExit(check_health(WORKER_SETTINGS[options.queue]))
    run(options.queue, burst=options.burst)


if __name__ == "__main__":
    main()
