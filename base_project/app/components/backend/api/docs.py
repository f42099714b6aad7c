"""The API documentation in production: `/docs` and `/openapi.json` for operators only
(in development FastAPI serves them to anyone)."""

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from app.core.operators import Operator


def protected_docs(app: FastAPI) -> APIRouter:
    """`/openapi.json` and `/docs` of `app`, behind the operator credentials."""
    router = APIRouter(include_in_schema=False, dependencies=[Operator])

    @router.get("/openapi.json")
    async def openapi() -> JSONResponse:
        """The OpenAPI schema."""
        return JSONResponse(app.openapi())

    @router.get("/docs")
    async def docs() -> HTMLResponse:
        """Swagger UI over the schema."""
        return get_swagger_ui_html(openapi_url="/openapi.json", title=app.title)

    return router
