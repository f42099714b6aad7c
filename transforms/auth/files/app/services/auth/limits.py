"""The rate limits of login and password-reset requests, and the limiter they use."""

from collections.abc import Callable
from functools import lru_cache

from app.core.config import get_settings
from app.services.auth.rate_limit import MemoryRateLimiter, RateLimiter
from app.services.auth.tokens import token_digest


def memory_rate_limiter() -> RateLimiter:
    """Counts in this process: right for a single web process."""
    return MemoryRateLimiter()


RATE_LIMITER_FACTORY: Callable[[], RateLimiter] = memory_rate_limiter


@lru_cache
def get_rate_limiter() -> RateLimiter:
    """The limiter of this process, made by `RATE_LIMITER_FACTORY` on first use."""
    return RATE_LIMITER_FACTORY()


def attempt_key(action: str, client: str, email: str) -> str:
    """One counter per action, client address and e-mail (hashed: no address kept)."""
    return f"{action}:{token_digest(f'{client} {email}')}"


async def login_retry_after(client: str, email: str) -> int | None:
    """Count a login attempt; the seconds to wait when over AUTH_LOGIN_LIMIT."""
    settings = get_settings()
    return await get_rate_limiter().hit(
        attempt_key("login", client, email),
        settings.auth_login_limit,
        settings.auth_login_window_seconds,
    )


async def reset_retry_after(client: str, email: str) -> int | None:
    """Count a password-reset request; the seconds to wait when over the limit."""
    settings = get_settings()
    return await get_rate_limiter().hit(
        attempt_key("reset", client, email),
        settings.auth_reset_limit,
        settings.auth_reset_window_seconds,
    )
