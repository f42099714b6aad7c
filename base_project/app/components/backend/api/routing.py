"""Every API router of the project, included by the app factory in this order."""

from fastapi import APIRouter

from app.components.backend.api.health import router as health_router
from app.components.backend.api.probes import router as probes_router

ROUTERS: list[APIRouter] = [
    probes_router,
    health_router,
]
