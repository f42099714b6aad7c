"""Database migrations as a process of their own, for Kubernetes.

`python -m app.entrypoints.migrate` brings the schema to the latest revision (the Job
`migrate`); `python -m app.entrypoints.migrate --wait` returns once the database is at
that revision (the init container of every app pod, so that no pod of a new release
starts on the schema of the previous one). It exits 1 after `--timeout` seconds.
"""

import argparse
import logging
import time
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from app.core.bootstrap import bootstrap
from app.core.migrations import current_revision, head_revision, upgrade_database

logger = logging.getLogger(__name__)


def wait_for_head(timeout: float, interval: float = 2.0) -> bool:
    """Whether the database reached the latest revision within `timeout` seconds."""
    head = head_revision()
    deadline = time.monotonic() + timeout
    while True:
        try:
            current = current_revision()
        except (SQLAlchemyError, OSError) as exc:
            logger.info("database not reachable yet: %s", exc)
            current = None
        if current == head:
            logger.info("database at revision %s", head)
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            logger.error("database at %s after %ss, not at %s", current, timeout, head)
            return False
        time.sleep(min(interval, left))  # gives up at the timeout, not an interval on


def main(argv: Sequence[str] | None = None) -> None:
    """Apply the migrations, or with `--wait` wait until they are applied."""
    parser = argparse.ArgumentParser(description="Apply or wait for the migrations.")
    parser.add_argument("--wait", action="store_true", help="wait until applied")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds to wait (with --wait)"
    )
    options = parser.parse_args(argv)
    bootstrap()
    if options.wait:
        if not wait_for_head(options.timeout):
            raise SystemExit(1)
        return
    upgrade_database()
    logger.info("database at revision %s", current_revision())


if __name__ == "__main__":
    main()
