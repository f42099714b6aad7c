"""Prometheus metrics: every process serves its own at `/metrics` on `METRICS_PORT`.

A port of its own rather than a route of the app: Prometheus scrapes each pod (web
server, scheduler, every worker) the same way, the workers and the scheduler serve no
HTTP otherwise, and the port is in no Service or ingress, so the public never reaches
it and Prometheus needs no credentials. `METRICS_PORT=0` serves none.
"""

import logging
import socket
import threading
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

from app.core.config import get_settings

logger = logging.getLogger(__name__)

# How long a stop may wait for the serving loop to notice it; the loop wakes this
# often (prometheus_client's own server wakes every 0.5 s, and every shutdown of a
# web app, a reload in `dev` included, waited that long).
STOP_POLL_SECONDS = 0.05

_server: ThreadingWSGIServer | None = None


class _QuietHandler(WSGIRequestHandler):
    """No access log: Prometheus scrapes every few seconds."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(host: str, port: int) -> ThreadingWSGIServer:
    """The metrics app on `host:port` (IPv4 or IPv6, as `host` resolves), served by a
    daemon thread."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    server_class = type(
        "MetricsServer", (ThreadingWSGIServer,), {"address_family": family}
    )
    server: ThreadingWSGIServer = make_server(
        host, port, make_wsgi_app(), server_class, handler_class=_QuietHandler
    )
    threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": STOP_POLL_SECONDS},
        name="metrics-server",
        daemon=True,
    ).start()
    return server


def start_metrics_server(port: int | None = None) -> int | None:
    """Serve `/metrics` on `port` (default `METRICS_PORT`) in a thread; the port served,
    or None when disabled or taken (e.g. by another process of `dev`: a warning)."""
    global _server
    settings = get_settings()
    port = settings.metrics_port if port is None else port
    if _server is not None:
        return int(_server.server_port)
    if port == 0:
        return None
    try:
        _server = _serve(settings.host, port)
    except OSError as exc:
        logger.warning("metrics not served: port %s is taken (%s)", port, exc)
        return None
    logger.info("metrics on http://%s:%s/metrics", settings.host, _server.server_port)
    return int(_server.server_port)


def stop_metrics_server() -> None:
    """Stop serving `/metrics` (a later start serves again)."""
    global _server
    if _server is not None:
        _server.shutdown()
        _server.server_close()
        _server = None


async def serve_metrics() -> None:
    """Web startup hook: serve `/metrics`."""
    start_metrics_server()


async def stop_metrics() -> None:
    """Web shutdown hook: stop serving `/metrics`."""
    stop_metrics_server()
