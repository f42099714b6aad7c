"""`python -m app`: the project's command line."""

from app.cli.main import app as cli

cli(prog_name="python -m app")
