"""Keep a queue's worker running through Redis outages.

arq's worker exits when its Redis connection breaks. The supervisor runs it again,
waiting longer after each failed attempt (up to `MAX_DELAY` seconds), so a Redis
restart never needs a worker restart. Jobs the lost worker was running stay queued
(arq removes a job from its queue only when it finishes), but their in-progress
markers would keep them from running again until they expire: the supervisor drops
those markers (of its own jobs only) once it reconnects.
"""

import asyncio
import dataclasses
import logging
import signal
from collections.abc import Iterable
from contextlib import suppress

from arq.connections import ArqRedis, create_pool
from arq.constants import in_progress_key_prefix, result_key_prefix
from arq.worker import Worker
from redis.exceptions import RedisError

from app.components.worker.pool import arq_redis_settings
from app.components.worker.queues import build_worker

logger = logging.getLogger(__name__)

FIRST_DELAY = 0.5
MAX_DELAY = 10.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def release_interrupted(pool: ArqRedis, job_ids: Iterable[str]) -> int:
    """Let jobs interrupted by an outage run again; return how many were released.

    A job whose result is stored did finish: its marker is left alone.
    """
    released = 0
    for job_id in job_ids:
        if not await pool.exists(result_key_prefix + job_id):
            released += await pool.delete(in_progress_key_prefix + job_id)
    return released


async def close_quietly(worker: Worker) -> None:
    """Close a worker whose Redis may be gone."""
    with suppress(RedisError, OSError, asyncio.CancelledError):
        await worker.close()


class Supervisor:
    """Runs the worker of one queue until stopped, reconnecting after outages."""

    def __init__(self, queue: str, burst: bool = False) -> None:
        self.queue = queue
        self.burst = burst
        self.stopping = asyncio.Event()
        self.worker: Worker | None = None
        self.interrupted: set[str] = set()

    def stop(self, signum: signal.Signals = signal.SIGTERM) -> None:
        """Stop for good: the running worker is stopped as arq would on a signal."""
        self.stopping.set()
        if self.worker is not None:
            self.worker.handle_sig(signum)

    async def run(self) -> None:
        """Run (and run again) the worker until `stop()` or, in burst mode, until the
        queue is empty."""
        delay = FIRST_DELAY
        while not self.stopping.is_set():
            try:
                await self._run_once()
                return
            except (RedisError, OSError) as error:
                if self.stopping.is_set():
                    return
                logger.warning(
                    "worker %s: Redis unavailable (%s); retrying in %.1f s",
                    self.queue,
                    error,
                    delay,
                )
            with suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=delay)
            delay = min(delay * 2, MAX_DELAY)

    async def _run_once(self) -> None:
        # One attempt per round: the backoff here replaces arq's own retries.
        settings = dataclasses.replace(arq_redis_settings(), conn_retries=0)
        pool = await create_pool(settings)
        released = await release_interrupted(pool, self.interrupted)
        if released:
            logger.info(
                "worker %s: %d interrupted jobs queued again", self.queue, released
            )
        self.interrupted.clear()
        worker = build_worker(
            self.queue, burst=self.burst, handle_signals=False, redis_pool=pool
        )
        self.worker = worker
        worker.main_task = asyncio.ensure_future(worker.main())
        try:
            await worker.main_task
        except asyncio.CancelledError:
            if not self.stopping.is_set():
                raise
        except (RedisError, OSError):
            self.interrupted.update(worker.tasks)
            raise
        finally:
            self.worker = None
            await close_quietly(worker)


async def supervise(queue: str, burst: bool = False) -> None:
    """Run the queue's worker; SIGINT or SIGTERM stop it."""
    supervisor = Supervisor(queue, burst)
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, supervisor.stop, signum)
    await supervisor.run()
