"""The Flet dashboard: loaded on demand, its page shell, a real websocket session."""

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack
import pytest
from fastapi.testclient import TestClient
from websockets.sync.client import connect

from app.components.backend.main import create_app
from app.core.checks import get_registry

REGISTER_CLIENT = 1  # flet.messaging.protocol.MessageAction.REGISTER_CLIENT
PATCH_CONTROL = 2
FLET_FRAME = 0x00  # first byte of a msgpack-encoded Flet protocol frame


@pytest.mark.processes
def test_the_web_app_starts_without_loading_flet() -> None:
    probe = "import sys, app.components.backend.main; print('flet' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


def test_the_first_dashboard_request_loads_it() -> None:
    app = create_app()
    with TestClient(app) as client:
        assert not app.state.dashboard.loaded
        client.get("/health")
        assert not app.state.dashboard.loaded
        assert client.get("/dashboard/").status_code == 200
        assert app.state.dashboard.loaded


def test_the_page_may_load_only_what_this_server_serves(client: TestClient) -> None:
    policy = client.get("/dashboard/").headers["content-security-policy"]
    directives = dict(d.strip().partition(" ")[::2] for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert "http" not in policy
    for directive, sources in directives.items():
        assert "*" not in sources.split(), directive


def test_page_shell_is_served_without_cdn(client: TestClient) -> None:
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<base href="/dashboard/">' in html
    assert "flet.noCdn=true;" in html
    assert 'flet.webSocketEndpoint="/dashboard/ws";' in html
    assert "https://" not in html
    assert client.get("/dashboard/flutter_bootstrap.js").status_code == 200


def test_dashboard_does_not_shadow_the_api(client: TestClient) -> None:
    response = client.get("/health")
    assert response.headers["content-type"] == "application/json"


def strings(value: Any) -> Iterator[str]:
    """Every string anywhere in a decoded message."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def cards(value: Any) -> Iterator[set[str]]:
    """The strings of every Card control anywhere in a decoded message."""
    if isinstance(value, dict):
        if value.get("_c") == "Card":
            yield set(strings(value))
            return
        value = list(value.values())
    if isinstance(value, list | tuple):
        for item in value:
            yield from cards(item)


def overall(text: str) -> bool:
    """Whether a text is the overall status line."""
    return text.startswith("Overall: ")


def decode(frame: bytes) -> list[Any]:
    """A server frame: `[0x00][msgpack [action, body]]`."""
    assert frame[0] == FLET_FRAME
    message: list[Any] = msgpack.unpackb(frame[1:], strict_map_key=False)
    return message


@pytest.mark.usefixtures("relaxed_thresholds")
async def test_websocket_session_sends_a_card_per_check(live_server: str) -> None:
    expected = {result.name for result in (await get_registry().run()).checks}
    assert {"cpu", "memory", "disk"} <= expected
    register = [
        REGISTER_CLIENT,
        {
            "session_id": "",
            "page_name": "",
            "page": {"route": "/", "width": 1280, "height": 800},
        },
    ]
    ws_url = live_server.replace("http://", "ws://") + "/dashboard/ws"
    seen: set[str] = set()
    card_texts: dict[str, set[str]] = {}
    actions: list[int] = []
    with connect(ws_url, open_timeout=10) as websocket:
        websocket.send(bytes([FLET_FRAME]) + msgpack.packb(register))
        deadline = time.monotonic() + 20
        while not (expected <= set(card_texts) and any(overall(t) for t in seen)):
            try:
                frame = websocket.recv(timeout=max(deadline - time.monotonic(), 0))
            except TimeoutError:
                pytest.fail(f"the dashboard sent only {sorted(seen)}")
            assert isinstance(frame, bytes), frame
            action, body = decode(frame)
            actions.append(action)
            seen.update(strings(body))
            for texts in cards(body):
                card_texts.update({name: texts for name in expected & texts})
    assert actions[0] == REGISTER_CLIENT
    assert PATCH_CONTROL in actions
    for name in expected:
        texts = card_texts[name]
        assert texts & {"HEALTHY", "WARNING", "UNHEALTHY"}, texts
        assert any(text.endswith(" ms") for text in texts), texts
    for name in ("cpu", "memory", "disk"):
        assert "HEALTHY" in card_texts[name]
        assert any(text.endswith("% used") for text in card_texts[name])
