"""Queue names and the Redis keys derived from them."""

SYSTEM_QUEUE = "system"
DEFAULT_QUEUE = "default"

QUEUE_NAMES: tuple[str, ...] = (SYSTEM_QUEUE, DEFAULT_QUEUE)
"""Every queue, each consumed by its own worker process."""


def queue_key(queue: str) -> str:
    """The sorted set holding a queue's pending jobs (arq's `queue_name`)."""
    return f"arq:queue:{queue}"


def health_check_key(queue: str) -> str:
    """The key a live worker of the queue refreshes (arq's health-check key)."""
    return f"{queue_key(queue)}:health-check"


def failures_key(queue: str) -> str:
    """The sorted set of recently failed job ids, scored by failure time."""
    return f"{queue_key(queue)}:failures"
