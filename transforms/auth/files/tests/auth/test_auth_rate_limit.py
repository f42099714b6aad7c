"""The in-process rate limiter: fixed windows, Retry-After, forgetting old keys."""

from app.services.auth.rate_limit import MemoryRateLimiter


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_limit_holds_until_the_window_ends() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock)
    assert [await limiter.hit("k", 3, 60) for _ in range(3)] == [None, None, None]
    assert await limiter.hit("k", 3, 60) == 60
    clock.now += 45.5
    assert await limiter.hit("k", 3, 60) == 15
    assert await limiter.hit("other", 3, 60) is None
    clock.now += 15
    assert await limiter.hit("k", 3, 60) is None


async def test_ended_windows_are_forgotten() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock)
    for number in range(10_000):
        await limiter.hit(f"key-{number}", 1, 1)
    clock.now += 2
    await limiter.hit("new", 1, 1)
    assert await limiter.hit("key-0", 1, 1) is None
    assert len(limiter._windows) <= 2
