"""Request limits: bodies over MAX_REQUEST_BODY_BYTES get 413, validation errors never
echo the input back."""

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field
from starlette.types import Message

from app.components.backend.main import create_app

SetEnv = Callable[..., None]

LIMIT = 1000


class Note(BaseModel):
    """A body with a bounded field."""

    text: str = Field(max_length=10)
    count: int = Field(ge=0, le=2**63 - 1)


def with_echo_route(app: FastAPI) -> FastAPI:
    @app.post("/notes")
    async def create_note(note: Note) -> Note:
        return note

    return app


@pytest.fixture
def client(set_env: SetEnv) -> TestClient:
    """A client of the app with `MAX_REQUEST_BODY_BYTES=1000` and a `POST /notes`."""
    set_env(max_request_body_bytes=LIMIT)
    return TestClient(with_echo_route(create_app()))


def test_a_body_within_the_limit_is_read(client: TestClient) -> None:
    response = client.post("/notes", json={"text": "hi", "count": 1})
    assert response.status_code == 200


def test_a_declared_body_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    response = client.post("/notes", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert "MAX_REQUEST_BODY_BYTES" in response.json()["detail"]


def test_a_streamed_body_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b'{"text": "' + b"x" * 300

    response = client.post(
        "/notes", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        {"text": "x" * 900, "count": 1},
        {"text": "a", "count": 2**70},
        {"text": None, "count": 1},
    ],
)
def test_validation_errors_do_not_echo_the_input(
    client: TestClient, body: dict[str, object]
) -> None:
    response = client.post("/notes", json=body)
    assert response.status_code == 422
    assert len(response.content) < 600
    assert "x" * 100 not in response.text
    assert str(2**70) not in response.text
    for error in response.json()["detail"]:
        assert set(error) == {"type", "loc", "msg"}


async def test_an_http2_body_needs_no_length_header_to_be_limited(
    set_env: SetEnv,
) -> None:
    set_env(max_request_body_bytes=LIMIT)
    app = with_echo_route(create_app())
    chunks = [b'{"text": "' + b"x" * 300] * 10
    received = [
        {"type": "http.request", "body": chunk, "more_body": n < len(chunks) - 1}
        for n, chunk in enumerate(chunks)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return received.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "2",
        "method": "POST",
        "scheme": "http",
        "path": "/notes",
        "raw_path": b"/notes",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    await app(scope, receive, send)
    assert sent[0]["type"] == "http.response.start"
    assert sent[0]["status"] == 413
