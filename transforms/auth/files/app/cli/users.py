"""`users`: create, list and deactivate users, set a password.

The database and the auth service are imported by the commands that use them: every
other command of the project (`serve`, `dev`, `--help`) loads this module too.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from sqlmodel import Session

    from app.models.user import User

users_app = typer.Typer(
    name="users", help="Users of the auth service.", no_args_is_help=True
)

PasswordFromStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input."),
]


@contextmanager
def database_session() -> Iterator["Session"]:
    """A session; a database that cannot be read ends the command with a hint."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    from app.core.database import get_engine

    try:
        with Session(get_engine()) as session:
            yield session
    except SQLAlchemyError as error:
        typer.echo(
            f"Cannot use the users table ({type(error).__name__}: "
            f"{str(error).splitlines()[0]}). Is the database migrated? "
            "Run `python -m app db upgrade`.",
            err=True,
        )
        raise typer.Exit(1) from None


def read_password(from_stdin: bool) -> str:
    """The new password: from standard input, or asked twice without echo."""
    from app.services.auth.passwords import password_problem

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password)
    if problem is not None:
        typer.echo(f"Refused: {problem}.", err=True)
        raise typer.Exit(1)
    return password


def find_user(session: "Session", email: str) -> "User":
    """The user with this address, or exit 1 saying so."""
    from app.services.auth.users import get_user_by_email

    user = get_user_by_email(session, email)
    if user is None:
        typer.echo(f"No user has the address {email}.", err=True)
        raise typer.Exit(1)
    return user


@users_app.command()
def create(
    email: Annotated[str, typer.Argument(help="The user's e-mail address.")],
    superuser: Annotated[
        bool, typer.Option("--superuser", help="May administer users.")
    ] = False,
    password_stdin: PasswordFromStdin = False,
) -> None:
    """Create a user (the password is asked for, or read with --password-stdin)."""
    from app.services.auth.users import EmailTaken, create_user

    password = read_password(password_stdin)
    with database_session() as session:
        try:
            user = create_user(session, email, password, is_superuser=superuser)
        except EmailTaken:
            typer.echo(f"A user with the address {email} already exists.", err=True)
            raise typer.Exit(1) from None
        kind = "superuser" if user.is_superuser else "user"
        typer.echo(f"Created {kind} {user.email} (id {user.id}).")


@users_app.command("list")
def list_users() -> None:
    """Every user, oldest first."""
    from sqlmodel import col, select

    from app.models.user import User

    with database_session() as session:
        users = session.exec(select(User).order_by(col(User.id))).all()
    table = Table(title=f"{len(users)} users")
    for column in ("id", "email", "active", "superuser", "created"):
        table.add_column(column)
    for user in users:
        table.add_row(
            str(user.id),
            user.email,
            "yes" if user.is_active else "no",
            "yes" if user.is_superuser else "no",
            user.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    Console(width=120).print(table)


@users_app.command()
def deactivate(
    email: Annotated[str, typer.Argument(help="The user's e-mail address.")],
) -> None:
    """Stop a user from logging in and end their sessions."""
    from app.services.auth.users import set_status

    with database_session() as session:
        user = set_status(session, find_user(session, email), is_active=False)
        typer.echo(f"Deactivated {user.email}; their sessions are revoked.")


@users_app.command("set-password")
def set_user_password(
    email: Annotated[str, typer.Argument(help="The user's e-mail address.")],
    password_stdin: PasswordFromStdin = False,
) -> None:
    """Set a user's password (their sessions end)."""
    from app.services.auth.users import set_password

    password = read_password(password_stdin)
    with database_session() as session:
        user = find_user(session, email)
        set_password(session, user, password)
        typer.echo(f"Password of {user.email} changed; their sessions are revoked.")
