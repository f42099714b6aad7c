"""`health`: run every registered check and print the results."""

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.core.health import HealthReport, Status

STATUS_STYLES: dict[Status, str] = {
    Status.HEALTHY: "green",
    Status.WARNING: "yellow",
    Status.UNHEALTHY: "bold red",
}


def report_table(report: HealthReport) -> Table:
    """A Rich table with one row per check."""
    style = STATUS_STYLES[report.status]
    table = Table(title=f"Health: [{style}]{report.status.value}[/{style}]")
    table.add_column("Check")
    table.add_column("Status")
    table.add_column("Latency", justify="right")
    table.add_column("Message")
    for result in report.checks:
        table.add_row(
            result.name,
            f"[{STATUS_STYLES[result.status]}]{result.status.value}[/]",
            f"{result.latency_ms:.1f} ms",
            result.message,
        )
    return table


def health(
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the detailed report as JSON.")
    ] = False,
    ready: Annotated[
        bool,
        typer.Option(
            "--ready", help="Only the readiness checks, as /health/ready runs them."
        ),
    ] = False,
) -> None:
    """Run every health check; exit with status 1 when the service is unhealthy."""
    # Imported here: the checks import every component's client library, which
    # every other command (`serve`, `dev`, `--help`) would load for nothing.
    from app.core.checks import get_readiness_registry, get_registry

    registry = get_readiness_registry() if ready else get_registry()
    report = asyncio.run(registry.run())
    if json_output:
        typer.echo(report.model_dump_json(indent=2))
    else:
        Console().print(report_table(report))
    if report.status is Status.UNHEALTHY:
        raise typer.Exit(code=1)
