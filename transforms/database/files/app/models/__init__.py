"""Database tables: import every model here so that `metadata` knows them all."""

from sqlmodel import SQLModel

from app.models.item import Item

metadata = SQLModel.metadata

__all__ = ["Item", "metadata"]
