"""The migration process of Kubernetes: the Job applies, the init containers wait."""

import threading
import time

import pytest

from app.core.migrations import current_revision, head_revision, upgrade_database
from app.entrypoints.migrate import main, wait_for_head


def test_the_job_brings_the_database_to_the_latest_revision(
    fresh_database: str,
) -> None:
    assert current_revision() is None
    main([])
    assert current_revision() == head_revision()


def test_waiting_on_an_unmigrated_database_fails_after_the_timeout(
    fresh_database: str,
) -> None:
    started = time.monotonic()
    with pytest.raises(SystemExit) as stopped:
        main(["--wait", "--timeout", "0.3"])
    assert stopped.value.code == 1
    # At the timeout, not after the next poll (every 2 s) that would come after it.
    assert 0.3 <= time.monotonic() - started < 1.5


def test_waiting_returns_once_another_process_migrates(fresh_database: str) -> None:
    outcome: list[bool] = []
    waiter = threading.Thread(
        target=lambda: outcome.append(wait_for_head(timeout=30, interval=0.05))
    )
    waiter.start()
    time.sleep(0.2)
    assert waiter.is_alive()
    upgrade_database()
    waiter.join(timeout=30)
    assert outcome == [True]
    main(["--wait", "--timeout", "0"])
