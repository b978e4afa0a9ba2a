"""`litassist chat` (and `litassist` with no arguments): the terminal UI."""

from __future__ import annotations

import os
import sys

import click

from assistant.cli.app import app_from, cli


@cli.command()
@click.pass_context
def chat(ctx: click.Context) -> None:
    """Open the terminal UI: chat with cited answers, sources, library, compare, export."""
    from assistant.tui.app import LitassistApp

    app = LitassistApp(app_from(ctx))
    app.run()
    if app.lingering_work():
        # An abandoned answer still waits on its endpoint in a worker thread, which the
        # interpreter would join at exit (for as long as the endpoint's timeout): everything
        # stored is committed and closed by now, so leave at once, as ctrl+q promises.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(app.return_code or 0)
