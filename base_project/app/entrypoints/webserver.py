"""Web server process: the FastAPI app (API and dashboard) under uvicorn."""

import uvicorn

from app.core.bootstrap import bootstrap
from app.core.config import get_settings


def run(host: str | None = None, port: int | None = None, reload: bool = False) -> None:
    """Serve the app; host and port default to the settings."""
    bootstrap()
    settings = get_settings()
    uvicorn.run(
        "app.components.backend.main:app",
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        log_level=settings.log_level.lower(),
    )


if __name__ == "__main__":
    run()
