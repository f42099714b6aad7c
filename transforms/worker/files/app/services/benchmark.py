"""Simulated work, used to measure the worker's throughput and latency."""

import asyncio


async def simulated_work(milliseconds: float) -> None:
    """Wait without using the CPU, as a job waiting on I/O would."""
    if milliseconds > 0:
        await asyncio.sleep(milliseconds / 1000)
