"""`scheduler`: run the scheduler process, list its jobs, show its health."""

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

scheduler_app = typer.Typer(
    name="scheduler", help="Scheduled jobs (APScheduler).", no_args_is_help=True
)


@scheduler_app.command()
def run() -> None:
    """Run the scheduler process until Ctrl-C or SIGTERM."""
    from app.entrypoints.scheduler import main

    main()


@scheduler_app.command()
def jobs(
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the jobs as JSON.")
    ] = False,
) -> None:
    """List the registered jobs, their triggers and their next run (UTC)."""
    from app.components.scheduler.health import configured_jobs

    listed = configured_jobs(datetime.now(UTC))
    if json_output:
        typer.echo(json.dumps(listed, indent=2))
        return
    table = Table(title="Scheduled jobs")
    for column in ("ID", "Name", "Trigger", "Next run"):
        table.add_column(column)
    for job in listed:
        cells = (job["id"], job["name"], job["trigger"], job["next_run_time"] or "-")
        table.add_row(*(escape(cell) for cell in cells))
    Console().print(table)


@scheduler_app.command()
def status() -> None:
    """Show the scheduler process's health; exit with status 1 when unhealthy."""
    from app.components.scheduler.health import check_scheduler
    from app.core.health import Status

    result = asyncio.run(check_scheduler())
    typer.echo(f"{result.status.value}: {result.message}")
    if result.status is Status.UNHEALTHY:
        raise typer.Exit(code=1)
