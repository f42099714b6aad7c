"""Simulated work, used to measure the worker's throughput and latency."""

import asyncio
from typing import Annotated

from pydantic import Field

MAX_WORK_MS = 60_000.0
"""The longest simulated work of one job: a minute."""

WorkMilliseconds = Annotated[float, Field(ge=0, le=MAX_WORK_MS)]
"""Milliseconds of simulated work, bounded (a job must not hold a worker for ever)."""


async def simulated_work(milliseconds: float) -> None:
    """Wait without using the CPU, as a job waiting on I/O would."""
    if not 0 <= milliseconds <= MAX_WORK_MS:
        raise ValueError(f"work_ms must be between 0 and {MAX_WORK_MS:g}")
    if milliseconds > 0:
        await asyncio.sleep(milliseconds / 1000)
