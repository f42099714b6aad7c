"""Sentry reporting, against a local server that speaks Sentry's envelope endpoint."""

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from fastapi.testclient import TestClient

from app.components.backend.main import create_app
from app.core.health import Status
from app.core.sentry import check_sentry, init_sentry
from tests.conftest import SetEnv


class Ingest(ThreadingHTTPServer):
    """Receives envelopes as Sentry's ingest does and keeps their decoded bodies."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.envelopes: list[bytes] = []

    @property
    def dsn(self) -> str:
        return f"http://public@127.0.0.1:{self.server_address[1]}/1"


class _Handler(BaseHTTPRequestHandler):
    server: Ingest

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli  # type: ignore[import-not-found]

            body = brotli.decompress(body)
        self.server.envelopes.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads what arrived, not the log."""


@pytest.fixture
def ingest() -> Iterator[Ingest]:
    server = Ingest()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _no_client() -> None:
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


@pytest.fixture(autouse=True)
def sentry_off() -> Iterator[None]:
    """Every test starts and ends with no Sentry client."""
    _no_client()
    yield
    _no_client()


def test_nothing_is_initialised_without_a_dsn(set_env: SetEnv) -> None:
    set_env(sentry_dsn="")
    init_sentry()
    assert not sentry_sdk.is_initialized()


def test_an_unhandled_error_reaches_sentry(set_env: SetEnv, ingest: Ingest) -> None:
    set_env(sentry_dsn=ingest.dsn, environment="staging")
    init_sentry()
    app = create_app()

    @app.get("/boom")
    async def boom() -> None:
        raise ZeroDivisionError("division by zero in /boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/boom").status_code == 500
    sentry_sdk.flush(timeout=5)
    received = b"".join(ingest.envelopes)
    assert b"ZeroDivisionError" in received
    assert b'"environment":"staging"' in received


async def test_check_reports_reporting(set_env: SetEnv, ingest: Ingest) -> None:
    set_env(sentry_dsn=ingest.dsn)
    init_sentry()
    assert (await check_sentry()).status is Status.HEALTHY


async def test_check_warns_in_production_without_a_dsn(set_env: SetEnv) -> None:
    set_env(sentry_dsn="", environment="production")
    result = await check_sentry()
    assert result.status is Status.WARNING
    assert "SENTRY_DSN" in result.message
