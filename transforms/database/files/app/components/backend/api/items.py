"""`/items`: create, read, update and delete the example model through a session."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from sqlmodel import col, select

from app.core.database import SessionDep
from app.models.item import MAX_ID, Item, ItemCreate, ItemUpdate

router = APIRouter(prefix="/items", tags=["items"])

ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
"""An item id in the range the database stores (422 outside it, not a 500)."""


def get_item_or_404(session: SessionDep, item_id: int) -> Item:
    """The item with this id, or HTTP 404."""
    item = session.get(Item, item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"item {item_id} not found")
    return item


@router.post("", status_code=status.HTTP_201_CREATED)
def create_item(body: ItemCreate, session: SessionDep) -> Item:
    """Store a new item."""
    item = Item.model_validate(body)
    session.add(item)
    session.commit()
    session.refresh(item)
    return item


@router.get("")
def list_items(
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
) -> list[Item]:
    """Items in creation order, one page at a time."""
    statement = select(Item).order_by(col(Item.id)).offset(offset).limit(limit)
    return list(session.exec(statement).all())


@router.get("/{item_id}")
def read_item(item_id: ItemId, session: SessionDep) -> Item:
    """One item."""
    return get_item_or_404(session, item_id)


@router.patch("/{item_id}")
def update_item(item_id: ItemId, body: ItemUpdate, session: SessionDep) -> Item:
    """Change the fields given in the body."""
    item = get_item_or_404(session, item_id)
    item.sqlmodel_update(body.model_dump(exclude_unset=True))
    session.add(item)
    session.commit()
    session.refresh(item)
    return item


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_item(item_id: ItemId, session: SessionDep) -> None:
    """Delete an item."""
    session.delete(get_item_or_404(session, item_id))
    session.commit()
