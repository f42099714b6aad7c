"""What every process runs first: web server, scheduler, each worker and the CLI."""

from collections.abc import Callable
from functools import cache

from app.core.logging import configure_logging

BootstrapHook = Callable[[], None]

BOOTSTRAP_HOOKS: list[BootstrapHook] = [
    configure_logging,
]


@cache
def bootstrap() -> None:
    """Run every hook of `BOOTSTRAP_HOOKS`, in order, once per process."""
    for hook in BOOTSTRAP_HOOKS:
        hook()
