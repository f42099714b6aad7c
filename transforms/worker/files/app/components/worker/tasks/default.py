"""Tasks of the `default` queue: the application's background work."""

from typing import Any

from app.services.benchmark import WorkMilliseconds, simulated_work
from app.services.text_analysis import analyse_text


async def text_stats(ctx: dict[str, Any], text: str) -> dict[str, int]:
    """Count the characters, words and lines of `text`; fails on blank text."""
    return analyse_text(text).model_dump()


async def load_test(ctx: dict[str, Any], work_ms: WorkMilliseconds = 0.0) -> None:
    """One job of `worker load-test`: waits `work_ms` milliseconds, like I/O would."""
    await simulated_work(work_ms)


TASKS = [text_stats, load_test]
