"""Hooks of the web app: run on the app once it is built (middleware,
instrumentation), and by the FastAPI lifespan, in list order, at startup and
shutdown."""

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from app.core.config import get_settings
from app.services.system_health import start_cpu_sampler

AppHook = Callable[[FastAPI], None]
Hook = Callable[[], Awaitable[None]]

logger = logging.getLogger(__name__)


async def log_startup() -> None:
    """Announce the service and its environment."""
    settings = get_settings()
    logger.info("%s starting (%s)", settings.app_name, settings.environment)


async def log_shutdown() -> None:
    """Announce that the service stops."""
    logger.info("%s stopping", get_settings().app_name)


APP_HOOKS: list[AppHook] = []

STARTUP_HOOKS: list[Hook] = [
    log_startup,
    start_cpu_sampler,
]

SHUTDOWN_HOOKS: list[Hook] = [
    log_shutdown,
]
