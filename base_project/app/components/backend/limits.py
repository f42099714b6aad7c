"""Limits of every request: a body larger than `MAX_REQUEST_BODY_BYTES` is refused
with 413 (before it is read whole), and a validation error never echoes the input."""

from typing import Any

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import get_settings

LOCATION_PART_CHARACTERS = 64
BODY_HEADERS = (b"content-length", b"transfer-encoding")
HTTP_1 = ("1.0", "1.1")


class BodyTooLarge(HTTPException):
    """The request body is over the limit (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"request body over {limit} bytes (MAX_REQUEST_BODY_BYTES)",
        )


def may_have_body(scope: Scope) -> bool:
    """Whether the request can carry a body: an HTTP/1 request with neither
    `Content-Length` nor `Transfer-Encoding` has none (RFC 9112, 6.3); an HTTP/2
    one needs neither header to have one."""
    if scope.get("http_version") not in HTTP_1:
        return True
    return any(name in BODY_HEADERS for name, _ in scope["headers"])


class BodyLimit:
    """ASGI middleware: 413 for a declared or streamed body over `max_bytes`.

    A request without a body (most of them: every GET) goes straight through, with
    no wrapper around its messages.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not may_have_body(scope):
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLarge(self.max_bytes)
        response = JSONResponse({"detail": error.detail}, error.status_code)
        await response(scope, receive, send)


def _short(part: Any) -> Any:
    if isinstance(part, str) and len(part) > LOCATION_PART_CHARACTERS:
        return part[:LOCATION_PART_CHARACTERS] + "..."
    return part


async def validation_error(request: Request, error: Exception) -> JSONResponse:
    """422 with where and why each value was refused, never the value itself."""
    assert isinstance(error, RequestValidationError)
    detail = [
        {
            "type": item["type"],
            "loc": [_short(part) for part in item["loc"]],
            "msg": item["msg"],
        }
        for item in error.errors()
    ]
    return JSONResponse({"detail": detail}, status.HTTP_422_UNPROCESSABLE_CONTENT)


def install_limits(app: FastAPI) -> None:
    """The body limit and the validation-error answer, on the app."""
    app.add_middleware(BodyLimit, max_bytes=get_settings().max_request_body_bytes)
    app.add_exception_handler(RequestValidationError, validation_error)
