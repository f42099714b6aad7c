"""The project's command line: `health`, `serve`, and one group per component."""

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


COMMAND_GROUPS: list[typer.Typer] = []

for group in COMMAND_GROUPS:
    app.add_typer(group)
