"""The project's command line: `health`, `serve`, `dev`, one group per component."""

from typing import Annotated

import typer

from app.cli.health import health
from app.core.bootstrap import bootstrap

app = typer.Typer(help="Inspect and run the service.", no_args_is_help=True)
app.callback()(bootstrap)
app.command()(health)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes.")] = False,
) -> None:
    """Run the web server (API and dashboard); defaults come from the settings."""
    from app.entrypoints.webserver import run

    run(host=host, port=port, reload=reload)


@app.command()
def dev(
    host: Annotated[str | None, typer.Option(help="Web server bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Web server port.")] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(help="Run only this process (repeat for more), e.g. web."),
    ] = None,
) -> None:
    """Run every process (web with reload, scheduler, workers) until Ctrl-C.

    Each line is prefixed with its process's name. When a process exits by
    itself, the others are stopped too and the exit status is 1.
    """
    from app.entrypoints.dev import run as run_group
    from app.entrypoints.dev import select
    from app.entrypoints.processes import DEV_PROCESSES

    try:
        processes = select(DEV_PROCESSES, only or [])
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--only") from error
    settings = {"HOST": host, "PORT": None if port is None else str(port)}
    env = {name: value for name, value in settings.items() if value is not None}
    raise typer.Exit(code=run_group(processes, env))


COMMAND_GROUPS: list[typer.Typer] = []

for group in COMMAND_GROUPS:
    app.add_typer(group)
