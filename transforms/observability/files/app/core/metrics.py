"""Prometheus metrics: every process serves its own at `/metrics` on `METRICS_PORT`.

A port of its own rather than a route of the app: Prometheus scrapes each pod (web
server, scheduler, every worker) the same way, the workers and the scheduler serve no
HTTP otherwise, and the port is in no Service or ingress, so the public never reaches
it and Prometheus needs no credentials. `METRICS_PORT=0` serves none.
"""

import logging
from wsgiref.simple_server import WSGIServer

from prometheus_client import start_http_server

from app.core.config import get_settings

logger = logging.getLogger(__name__)

_server: WSGIServer | None = None


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
        _server, _ = start_http_server(port, addr=settings.host)
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
