"""`litassist chat` (and `litassist` with no arguments): the terminal UI."""

from __future__ import annotations

import click

from assistant.cli.app import app_from, cli


@cli.command()
@click.pass_context
def chat(ctx: click.Context) -> None:
    """Open the terminal UI: chat with cited answers, sources, library, compare, export."""
    from assistant.tui.app import LitassistApp

    LitassistApp(app_from(ctx)).run()
