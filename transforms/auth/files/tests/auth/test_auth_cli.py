"""The `users` commands."""

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli.main import app
from app.core.database import get_engine
from app.services.auth.users import authenticate
from tests.auth.support import PASSWORD, AuthApi

runner = CliRunner()


def can_log_in(email: str, password: str) -> bool:
    with Session(get_engine()) as session:
        return authenticate(session, email, password) is not None


def test_create_with_the_password_from_stdin(api: AuthApi) -> None:
    result = runner.invoke(
        app,
        ["users", "create", "Root@Example.com", "--superuser", "--password-stdin"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created superuser root@example.com" in result.output
    assert PASSWORD not in result.output
    assert can_log_in("root@example.com", PASSWORD)

    again = runner.invoke(
        app, ["users", "create", "root@example.com", "--password-stdin"], input="x" * 20
    )
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_create_asks_for_the_password_twice(api: AuthApi) -> None:
    result = runner.invoke(
        app, ["users", "create", "ann@example.com"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # never echoed
    assert "Created user ann@example.com" in result.output
    assert can_log_in("ann@example.com", PASSWORD)


def test_a_short_password_is_refused(api: AuthApi) -> None:
    result = runner.invoke(
        app, ["users", "create", "ann@example.com", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output


def test_list_deactivate_and_set_password(api: AuthApi) -> None:
    for email in ("ann@example.com", "bob@example.com"):
        runner.invoke(
            app, ["users", "create", email, "--password-stdin"], input=PASSWORD
        )
    listed = runner.invoke(app, ["users", "list"])
    assert listed.exit_code == 0, listed.output
    assert "2 users" in listed.output
    assert "ann@example.com" in listed.output and "bob@example.com" in listed.output

    changed = runner.invoke(
        app,
        ["users", "set-password", "ann@example.com", "--password-stdin"],
        input="a different passphrase\n",
    )
    assert changed.exit_code == 0, changed.output
    assert can_log_in("ann@example.com", "a different passphrase")
    assert not can_log_in("ann@example.com", PASSWORD)

    deactivated = runner.invoke(app, ["users", "deactivate", "bob@example.com"])
    assert deactivated.exit_code == 0
    assert not can_log_in("bob@example.com", PASSWORD)

    missing = runner.invoke(app, ["users", "deactivate", "nobody@example.com"])
    assert missing.exit_code == 1
    assert "No user has the address nobody@example.com" in missing.output


@pytest.mark.usefixtures("fresh_database")
def test_an_unmigrated_database_gets_a_hint() -> None:
    result = runner.invoke(app, ["users", "list"])
    assert result.exit_code == 1
    assert "db upgrade" in result.output
    assert "Traceback" not in result.output
