"""The dashboard's mount point: Flet is loaded on the first dashboard request.

Importing `flet.fastapi` is a large part of the web process's start-up, and the API
does not need it: the server becomes ready without it, and the first visit to the
dashboard loads it (in a thread, so health probes keep being answered meanwhile).

Every dashboard response carries a Content-Security-Policy that lets the page load
only what this server serves: the Flet client otherwise still asks a CDN for a Rive
runtime, even when built with `no_cdn`.
"""

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_policy)
