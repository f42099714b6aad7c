"""The auth migration, on an empty database of the project's engine."""

from sqlalchemy import inspect

from app.core.database import get_engine
from app.core.migrations import (
    current_revision,
    downgrade_database,
    head_revision,
    upgrade_database,
)

AUTH_TABLES = {"users", "refresh_tokens", "one_time_tokens"}


def table_names() -> set[str]:
    with get_engine().connect() as connection:
        return set(inspect(connection).get_table_names())


def test_the_migration_upgrades_an_empty_database(fresh_database: str) -> None:
    assert table_names() == set()
    upgrade_database()
    assert table_names() >= AUTH_TABLES
    assert current_revision() == head_revision()

    downgrade_database("0001")
    assert table_names() & AUTH_TABLES == set()
    upgrade_database()
    assert table_names() >= AUTH_TABLES


def test_it_comes_right_after_the_database_migration(fresh_database: str) -> None:
    upgrade_database("0001")
    assert AUTH_TABLES & table_names() == set()
    upgrade_database("auth_0001")
    assert table_names() >= AUTH_TABLES
    with get_engine().connect() as connection:
        unique = {
            tuple(index["column_names"])
            for index in inspect(connection).get_indexes("users")
            if index["unique"]
        }
    assert ("email",) in unique
