"""Prometheus metrics: every process serves its own at `/metrics` on `METRICS_PORT`.

A port of its own rather than a route of the app: Prometheus scrapes each pod (web
server, scheduler, every worker) the same way, the workers and the scheduler serve no
HTTP otherwise, and the port is in no Service or ingress, so the public never reaches
it and Prometheus needs no credentials. `METRICS_PORT=0` serves none.
"""

import logging
import selectors
import socket
import threading
from dataclasses import dataclass, field
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

from app.core.config import get_settings

logger = logging.getLogger(__name__)


class _QuietHandler(WSGIRequestHandler):
    """No access log: Prometheus scrapes every few seconds."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class _Serving:
    """A metrics server and the thread serving it until a byte arrives on `wake`.

    socketserver's own loop notices a stop only at its next poll: every shutdown of a
    web app (each reload of `dev`, each app a test builds) would wait for it.
    """

    server: ThreadingWSGIServer
    wake: tuple[socket.socket, socket.socket] = field(default_factory=socket.socketpair)
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(
            target=self._serve, name="metrics-server", daemon=True
        )
        self.thread.start()

    def _serve(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.server, selectors.EVENT_READ)
            selector.register(self.wake[0], selectors.EVENT_READ)
            while not any(key.fileobj is self.wake[0] for key, _ in selector.select()):
                self.server.handle_request()

    def stop(self) -> None:
        """Wake the serving thread, wait for it, close the sockets."""
        self.wake[1].send(b"\0")
        self.thread.join()
        self.server.server_close()
        for end in self.wake:
            end.close()


_serving: _Serving | None = None


def _serve(host: str, port: int) -> _Serving:
    """The metrics app on `host:port` (IPv4 or IPv6, as `host` resolves), served by a
    daemon thread."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    server_class = type(
        "MetricsServer", (ThreadingWSGIServer,), {"address_family": family}
    )
    server: ThreadingWSGIServer = make_server(
        host, port, make_wsgi_app(), server_class, handler_class=_QuietHandler
    )
    return _Serving(server)


def start_metrics_server(port: int | None = None) -> int | None:
    """Serve `/metrics` on `port` (default `METRICS_PORT`) in a thread; the port served,
    or None when disabled or taken (e.g. by another process of `dev`: a warning)."""
    global _serving
    settings = get_settings()
    port = settings.metrics_port if port is None else port
    if _serving is not None:
        return int(_serving.server.server_port)
    if port == 0:
        return None
    try:
        _serving = _serve(settings.host, port)
    except OSError as exc:
        logger.warning("metrics not served: port %s is taken (%s)", port, exc)
        return None
    served = int(_serving.server.server_port)
    logger.info("metrics on http://%s:%s/metrics", settings.host, served)
    return served


def stop_metrics_server() -> None:
    """Stop serving `/metrics` (a later start serves again)."""
    global _serving
    if _serving is not None:
        _serving.stop()
        _serving = None


async def serve_metrics() -> None:
    """Web startup hook: serve `/metrics`."""
    start_metrics_server()


async def stop_metrics() -> None:
    """Web shutdown hook: stop serving `/metrics`."""
    stop_metrics_server()
