"""The session dependency, through the example `/items` API and the app lifespan."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.components.backend.main import create_app
from app.core.database import get_engine
from app.core.migrations import current_revision, head_revision
from app.models import Item


@pytest.fixture
def items_client(migrated_database: str) -> Iterator[TestClient]:
    """A client of the app on a migrated database without rows."""
    with TestClient(create_app()) as client:
        yield client


def test_startup_migrates_the_database(fresh_database: str) -> None:
    with TestClient(create_app()):
        assert head_revision() is not None
        assert current_revision() == head_revision()


def test_items_crud_through_the_session_dependency(items_client: TestClient) -> None:
    created = items_client.post("/items", json={"name": "first", "description": "a"})
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["name"] == "first"
    assert item["description"] == "a"
    with Session(get_engine()) as session:
        stored = session.exec(select(Item)).all()
    assert [(row.id, row.name) for row in stored] == [(item["id"], "first")]

    second = items_client.post("/items", json={"name": "second"}).json()
    listed = items_client.get("/items").json()
    assert [row["name"] for row in listed] == ["first", "second"]
    assert items_client.get("/items", params={"offset": 1}).json() == [second]

    changed = items_client.patch(f"/items/{item['id']}", json={"description": "b"})
    assert changed.status_code == 200
    assert changed.json()["description"] == "b"
    assert changed.json()["name"] == "first"
    assert items_client.get(f"/items/{item['id']}").json()["description"] == "b"

    assert items_client.delete(f"/items/{item['id']}").status_code == 204
    assert items_client.get(f"/items/{item['id']}").status_code == 404
    assert [row["id"] for row in items_client.get("/items").json()] == [second["id"]]


def test_items_are_validated(items_client: TestClient) -> None:
    assert items_client.post("/items", json={"name": ""}).status_code == 422
    assert items_client.post("/items", json={}).status_code == 422
    assert items_client.patch("/items/1", json={"name": "x"}).status_code == 404
    assert items_client.get("/items").json() == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/items/{id}", {"name": None}),
        ("PATCH", "/items/{id}", {"description": None}),
        ("POST", "/items", {"name": None}),
        ("GET", f"/items/{2**63}", None),
        ("PATCH", f"/items/{2**63}", {"name": "x"}),
        ("DELETE", f"/items/{2**64}", None),
        ("GET", "/items/0", None),
        ("GET", f"/items?offset={2**63}", None),
    ],
)
def test_nulls_and_out_of_range_ids_are_422_not_500(
    items_client: TestClient, method: str, path: str, body: dict[str, None] | None
) -> None:
    """A null in a required column and an id the database cannot store are the
    client's mistake: 422, and the stored item is unchanged."""
    item = items_client.post("/items", json={"name": "kept", "description": "d"}).json()
    response = items_client.request(method, path.format(id=item["id"]), json=body)
    assert response.status_code == 422, response.text
    assert items_client.get(f"/items/{item['id']}").json() == item
