"""Counting attempts in fixed windows: the interface, and the in-process counter."""

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

MAX_TRACKED_KEYS = 10_000


class RateLimiter(Protocol):
    """Counts attempts per key; says how long to wait once over the limit."""

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        """Count one attempt: None while within `limit` per window, else the seconds
        until the window ends (for `Retry-After`)."""


class MemoryRateLimiter:
    """Counts in this process (each web process counts on its own)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        """Count one attempt for `key`."""
        now = self._clock()
        with self._lock:
            if len(self._windows) >= MAX_TRACKED_KEYS:
                self._forget_ended(now)
            ends, count = self._windows.get(key, (now + window_seconds, 0))
            if ends <= now:
                ends, count = now + window_seconds, 0
            self._windows[key] = (ends, count + 1)
        if count + 1 > limit:
            return max(1, math.ceil(ends - now))
        return None

    def _forget_ended(self, now: float) -> None:
        for key in [k for k, (ends, _) in self._windows.items() if ends <= now]:
            del self._windows[key]
