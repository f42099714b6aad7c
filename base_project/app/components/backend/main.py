"""The FastAPI application: lifespan, API routers and the mounted dashboard."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import flet.fastapi as flet_fastapi
from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from app.components.backend.api.routing import ROUTERS
from app.components.backend.lifecycle import SHUTDOWN_HOOKS, STARTUP_HOOKS
from app.components.frontend.dashboard import create_dashboard_app
from app.core.bootstrap import bootstrap
from app.core.config import get_settings

DASHBOARD_PATH = "/dashboard"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start Flet's session manager and run the startup and shutdown hooks."""
    await flet_fastapi.app_manager.start()
    for hook in STARTUP_HOOKS:
        await hook()
    try:
        yield
    finally:
        for hook in SHUTDOWN_HOOKS:
            await hook()
        await flet_fastapi.app_manager.shutdown()


def create_app() -> FastAPI:
    """Build the application: every router of `ROUTERS`, then the dashboard."""
    bootstrap()
    settings = get_settings()
    app = FastAPI(title=settings.app_name, debug=settings.debug, lifespan=lifespan)
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/", include_in_schema=False)
    async def index() -> RedirectResponse:
        """Send browsers to the dashboard."""
        return RedirectResponse(f"{DASHBOARD_PATH}/")

    app.mount(DASHBOARD_PATH, create_dashboard_app())
    return app


app = create_app()
