"""Logging set-up shared by every entrypoint."""

import logging

from app.core.config import get_settings

LOG_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"


def configure_logging(level: str | None = None) -> None:
    """Configure the root logger once, at the level from the settings."""
    logging.basicConfig(
        level=(level or get_settings().log_level).upper(),
        format=LOG_FORMAT,
        force=True,
    )
