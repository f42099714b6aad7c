"""`db`: database migrations (Alembic)."""

from typing import Annotated

import typer

db_app = typer.Typer(name="db", help="Database migrations.", no_args_is_help=True)


@db_app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from app.core.migrations import current_revision, upgrade_database

    upgrade_database(revision)
    typer.echo(f"database at revision {current_revision() or 'base'}")


@db_app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, or `base`.")],
) -> None:
    """Revert migrations down to REVISION."""
    from app.core.migrations import current_revision, downgrade_database

    downgrade_database(revision)
    typer.echo(f"database at revision {current_revision() or 'base'}")


@db_app.command()
def revision(
    message: Annotated[str, typer.Option("--message", "-m", help="What changes.")],
    autogenerate: Annotated[
        bool, typer.Option(help="Compare the models with the database.")
    ] = True,
) -> None:
    """Write a new migration script under app/migrations/versions/."""
    from app.core.migrations import create_revision

    for path in create_revision(message, autogenerate=autogenerate):
        typer.echo(f"created {path}")


@db_app.command()
def current() -> None:
    """Show the database's revision and the latest one available."""
    from app.core.migrations import current_revision, head_revision

    typer.echo(f"current: {current_revision() or 'base (no migration applied)'}")
    typer.echo(f"head:    {head_revision() or 'none'}")
