"""An example table, served by the `/items` API: replace it with your own models."""

from datetime import UTC, datetime

from pydantic import field_validator
from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

MAX_ID = 2**63 - 1
"""The largest id the database stores (a signed 64-bit integer)."""


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


class ItemBase(SQLModel):
    """Fields a client provides."""

    name: str = Field(index=True, min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)


class Item(ItemBase, table=True):
    """A stored item."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTime(timezone=True)
    )


class ItemCreate(ItemBase):
    """Body of `POST /items`."""


class ItemUpdate(SQLModel):
    """Body of `PATCH /items/{id}`: only the fields given change."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)

    @field_validator("name", "description", mode="before")
    @classmethod
    def not_null(cls, value: object) -> object:
        """A field may be left out, not set to null (the columns are required)."""
        if value is None:
            raise ValueError("may be left out, but not null")
        return value
