"""Operational endpoints need operator credentials; the health summary stays public."""

import base64
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from operations import OPERATOR_HEADERS, TEST_OPS_TOKEN
from starlette.websockets import WebSocketDisconnect

from app.components.backend import main
from app.components.backend.main import create_app
from app.components.frontend.mount import SESSION_COOKIE
from app.core.config import get_settings

SetEnv = Callable[..., None]

WRONG = {"X-Ops-Token": TEST_OPS_TOKEN + "x"}


def basic(password: str) -> dict[str, str]:
    """HTTP Basic credentials, as a browser sends them."""
    encoded = base64.b64encode(f"operator:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


@pytest.fixture
def anonymous() -> TestClient:
    """A client sending no credentials."""
    return TestClient(create_app())


@pytest.fixture
def production(set_env: SetEnv, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """A client without credentials of an app running with `ENVIRONMENT=production`.

    The startup hooks do not run: components refuse to start in production without
    their production settings, which are not what these tests are about.
    """
    set_env(environment="production")
    monkeypatch.setattr(main, "STARTUP_HOOKS", [])
    return TestClient(create_app())


@pytest.mark.parametrize("headers", [{}, WRONG, basic("nope"), {"X-Ops-Token": ""}])
def test_detailed_health_refuses_missing_or_wrong_credentials(
    anonymous: TestClient, headers: dict[str, str]
) -> None:
    response = anonymous.get("/health/detailed", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert "checks" not in response.json()


@pytest.mark.parametrize("headers", [OPERATOR_HEADERS, basic(TEST_OPS_TOKEN)])
def test_detailed_health_answers_the_operations_token(
    anonymous: TestClient, headers: dict[str, str]
) -> None:
    response = anonymous.get("/health/detailed", headers=headers)
    assert response.status_code in (200, 503)
    assert "checks" in response.json()


def test_an_empty_operations_token_lets_nobody_in(
    anonymous: TestClient, set_env: SetEnv
) -> None:
    set_env(ops_token="")
    for headers in ({"X-Ops-Token": ""}, basic(""), {}):
        assert anonymous.get("/health/detailed", headers=headers).status_code == 401


def test_the_health_summary_stays_public(anonymous: TestClient) -> None:
    assert anonymous.get("/health").status_code in (200, 503)


def test_the_new_project_has_a_generated_operations_token() -> None:
    """`.env` (git-ignored) holds a random token; no committed file holds one."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    lines = (root / ".env").read_text().splitlines()
    token = next(
        line.split("=", 1)[1] for line in lines if line.startswith("OPS_TOKEN=")
    )
    assert len(token) >= 32
    assert ".env" in (root / ".gitignore").read_text().splitlines()
    assert "OPS_TOKEN=\n" in (root / ".env.example").read_text()


def test_docs_are_public_in_development(anonymous: TestClient) -> None:
    assert anonymous.get("/docs").status_code == 200
    assert anonymous.get("/openapi.json").status_code == 200


def test_docs_need_credentials_in_production(production: TestClient) -> None:
    for path in ("/docs", "/openapi.json", "/redoc"):
        assert production.get(path).status_code in (401, 404), path
    assert production.get("/docs").status_code == 401
    assert production.get("/docs", headers=OPERATOR_HEADERS).status_code == 200
    schema = production.get("/openapi.json", headers=basic(TEST_OPS_TOKEN))
    assert "/health" in schema.json()["paths"]


def test_dashboard_needs_credentials_in_production(production: TestClient) -> None:
    with production:
        refused = production.get("/dashboard/")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Basic")
        assert not production.app.state.dashboard.loaded  # type: ignore[attr-defined]
        page = production.get("/dashboard/", headers=basic(TEST_OPS_TOKEN))
        assert page.status_code == 200
        assert SESSION_COOKIE in page.cookies
        assert TEST_OPS_TOKEN not in page.headers["set-cookie"]
        production.cookies.clear()
        with (
            pytest.raises(WebSocketDisconnect) as closed,
            production.websocket_connect("/dashboard/ws"),
        ):
            pass
        assert closed.value.code == 1008
        production.cookies.set(SESSION_COOKIE, page.cookies[SESSION_COOKIE])
        assert production.get("/dashboard/").status_code == 200
        with production.websocket_connect("/dashboard/ws") as session:
            assert session.scope["type"] == "websocket"


def test_dashboard_session_cookie_changes_with_the_token(
    production: TestClient, set_env: SetEnv
) -> None:
    with production:
        page = production.get("/dashboard/", headers=OPERATOR_HEADERS)
        cookie = page.cookies[SESSION_COOKIE]
        production.cookies.clear()
        set_env(ops_token=TEST_OPS_TOKEN + "-rotated")
        assert get_settings().ops_token.endswith("-rotated")
        production.cookies.set(SESSION_COOKIE, cookie)
        assert production.get("/dashboard/").status_code == 401


def test_dashboard_is_open_in_development(anonymous: TestClient) -> None:
    with anonymous:
        assert anonymous.get("/dashboard/").status_code == 200
