"""Every API router of the project, included by the app factory in this order
(after the probes, which are routes of the app itself)."""

from fastapi import APIRouter

from app.components.backend.api.health import router as health_router

ROUTERS: list[APIRouter] = [
    health_router,
]
