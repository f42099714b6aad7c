"""The FastAPI application: lifespan, API routers and the mounted dashboard."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from app.components.backend.api.docs import protected_docs
from app.components.backend.api.probes import install_probes
from app.components.backend.api.routing import ROUTERS
from app.components.backend.lifecycle import APP_HOOKS, SHUTDOWN_HOOKS, STARTUP_HOOKS
from app.components.backend.limits import install_limits
from app.components.frontend.mount import DashboardMount
from app.core.bootstrap import bootstrap
from app.core.config import get_settings

DASHBOARD_PATH = "/dashboard"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the startup hooks; at shutdown, the shutdown hooks and the dashboard's."""
    for hook in STARTUP_HOOKS:
        await hook()
    try:
        yield
    finally:
        for hook in SHUTDOWN_HOOKS:
            await hook()
        await app.state.dashboard.close()


def create_app() -> FastAPI:
    """Build the application: the request limits, the probes, every router of
    `ROUTERS`, the dashboard, then every hook of `APP_HOOKS` on the app. In
    production the API docs are for operators only.

    The dashboard is mounted at `DASHBOARD_PATH`, after the API (a Flet app answers
    every path under it); Flet itself is loaded on the first dashboard request.
    """
    bootstrap()
    settings = get_settings()
    production = settings.environment == "production"
    app = FastAPI(
        title=settings.app_name,
        debug=settings.debug,
        lifespan=lifespan,
        openapi_url=None if production else "/openapi.json",
        docs_url=None if production else "/docs",
        redoc_url=None if production else "/redoc",
    )
    install_limits(app)
    install_probes(app)
    for router in ROUTERS:
        app.include_router(router)
    if production:
        app.include_router(protected_docs(app))

    @app.get("/", include_in_schema=False)
    async def index() -> RedirectResponse:
        """Send browsers to the dashboard."""
        return RedirectResponse(f"{DASHBOARD_PATH}/")

    app.state.dashboard = DashboardMount()
    app.mount(DASHBOARD_PATH, app.state.dashboard)
    for hook in APP_HOOKS:
        hook(app)
    return app


app = create_app()
