"""The dashboard's mount point: Flet is loaded on the first dashboard request.

Importing `flet.fastapi` is a large part of the web process's start-up, and the API
does not need it: the server becomes ready without it, and the first visit to the
dashboard loads it (in a thread, so health probes keep being answered meanwhile).

Every dashboard response carries a Content-Security-Policy that lets the page load
only what this server serves: the Flet client otherwise still asks a CDN for a Rive
runtime, even when built with `no_cdn`.

In production the dashboard is for operators only: a page request needs operator
credentials (the browser asks for them: any user name, `OPS_TOKEN` as the password)
and gets a session cookie derived from the token, which the page's websocket (where
browsers send no credentials) must carry.
"""

import asyncio
import hashlib
import hmac

from fastapi.responses import JSONResponse
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import get_settings
from app.core.operators import (
    CHALLENGE,
    credentials_required,
    is_operator,
    same_secret,
)

SESSION_COOKIE = "dashboard_operator"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval' blob:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "frame-ancestors 'self'",
    )
)


def session_value() -> str:
    """The dashboard's session cookie: a digest of `OPS_TOKEN` ("" without one)."""
    token = get_settings().ops_token
    if not token:
        return ""
    return hmac.new(token.encode(), b"dashboard session", hashlib.sha256).hexdigest()


async def admission(scope: Scope) -> tuple[bool, bool]:
    """Whether the request may see the dashboard, and whether to set the cookie."""
    if get_settings().environment != "production":
        return True, False
    connection = HTTPConnection(scope)
    if same_secret(connection.cookies.get(SESSION_COOKIE, ""), session_value()):
        return True, False
    if await is_operator(connection):
        return True, bool(session_value())
    return False, False


def session_cookie(scope: Scope) -> str:
    """The `Set-Cookie` value of a new dashboard session, for the dashboard's path."""
    path = scope.get("root_path") or "/"
    return f"{SESSION_COOKIE}={session_value()}; Path={path}; HttpOnly; SameSite=Strict"


async def refuse(scope: Scope, receive: Receive, send: Send) -> None:
    """401 and a credentials prompt; a websocket is closed before it opens."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    error = credentials_required()
    response = JSONResponse({"detail": error.detail}, error.status_code, CHALLENGE)
    await response(scope, receive, send)


def create_flet_app() -> ASGIApp:
    """Import Flet and build the dashboard's web app (slow: run it in a thread)."""
    from app.components.frontend.dashboard import create_dashboard_app

    return create_dashboard_app()


class DashboardMount:
    """An ASGI app that builds the Flet dashboard when it is first requested."""

    def __init__(self) -> None:
        self._app: ASGIApp | None = None
        self._lock: asyncio.Lock | None = None

    @property
    def loaded(self) -> bool:
        """Whether a request has loaded the dashboard yet."""
        return self._app is not None

    async def _load(self) -> ASGIApp:
        if self._app is not None:
            return self._app
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._app is None:
                app = await asyncio.to_thread(create_flet_app)
                from flet.fastapi import app_manager

                await app_manager.start()
                self._app = app
        return self._app

    async def close(self) -> None:
        """Stop Flet's session manager, if the dashboard was ever loaded."""
        if self._app is None:
            return
        from flet.fastapi import app_manager

        await app_manager.shutdown()
        self._app = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        admitted, start_session = await admission(scope)
        if not admitted:
            await refuse(scope, receive, send)
            return
        app = await self._load()
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append(
                    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())
                )
                if start_session:
                    headers.append((b"set-cookie", session_cookie(scope).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_policy)
