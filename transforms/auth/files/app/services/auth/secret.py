"""SECRET_KEY: the key that signs access tokens, and whether production may use it."""

import logging
import secrets
from functools import lru_cache

from app.core.config import get_settings

logger = logging.getLogger(__name__)

MIN_SECRET_BYTES = 32
PLACEHOLDER_WORDS = (
    "changeme",
    "change-me",
    "change_me",
    "secretkey",
    "secret-key",
    "secret_key",
    "placeholder",
    "example",
    "insecure",
)
MIN_DISTINCT_CHARACTERS = 10
HOW_TO_MAKE_ONE = (
    "make one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'` "
    "and set SECRET_KEY in the environment or in .env"
)


class UnsafeSecret(RuntimeError):
    """The secret key cannot be used in production."""


def secret_problem(secret: str) -> str | None:
    """Why `secret` is unfit for production (missing, short, a placeholder), or None."""
    if not secret:
        return "SECRET_KEY is not set"
    lowered = secret.lower()
    if any(word in lowered for word in PLACEHOLDER_WORDS):
        return "SECRET_KEY is a placeholder"
    if len(set(secret)) < MIN_DISTINCT_CHARACTERS:
        return "SECRET_KEY is not random (too few distinct characters)"
    size = len(secret.encode())
    if size < MIN_SECRET_BYTES:
        return f"SECRET_KEY is too short ({size} bytes, at least {MIN_SECRET_BYTES})"
    return None


def is_production() -> bool:
    """Whether ENVIRONMENT is `production`."""
    return get_settings().environment.strip().lower() == "production"


@lru_cache
def _temporary_key() -> str:
    logger.warning(
        "SECRET_KEY is not set: tokens are signed with a temporary key and stop "
        "working when this process ends; %s",
        HOW_TO_MAKE_ONE,
    )
    return secrets.token_urlsafe(MIN_SECRET_BYTES)


def signing_key() -> str:
    """The key for the access tokens.

    In production an unsafe key is refused; in development a missing one is
    replaced by a random key of this process.
    """
    secret = get_settings().secret_key
    if is_production():
        problem = secret_problem(secret)
        if problem is not None:
            raise UnsafeSecret(f"{problem}: {HOW_TO_MAKE_ONE}.")
    return secret or _temporary_key()
