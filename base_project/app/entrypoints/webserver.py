"""Web server process: the FastAPI app (API and dashboard) under uvicorn."""

from pathlib import Path

import uvicorn

from app.core.bootstrap import bootstrap
from app.core.config import get_settings

# With reload, only the package's Python files restart the server: state files
# (the scheduler's heartbeat), data, logs and the virtual environment never do.
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def run(host: str | None = None, port: int | None = None, reload: bool = False) -> None:
    """Serve the app; host and port default to the settings."""
    bootstrap()
    settings = get_settings()
    uvicorn.run(
        "app.components.backend.main:app",
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        reload_dirs=[str(PACKAGE_DIR)] if reload else None,
        log_level=settings.log_level.lower(),
    )


if __name__ == "__main__":
    run()
