"""`litassist config`: show the effective settings (secrets masked) or save some of them."""

from __future__ import annotations

from typing import Any

import click

from assistant.cli.app import cli, echo, echo_json, settings_from


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def config(ctx: click.Context, as_json: bool) -> None:
    """Show the effective settings (the API key is never shown)."""
    if ctx.invoked_subcommand is not None:
        return
    shown = settings_from(ctx).describe()
    if as_json:
        echo_json(shown)
        return
    width = max(len(key) for key in shown)
    for key, value in shown.items():
        echo(f"{key:<{width}}  {value}")


@config.command("set")
@click.argument("key")
@click.argument("value")
def config_set(key: str, value: str) -> None:
    """Save KEY=VALUE in the config file (endpoint, model, answer_mode, k, theme, ...)."""
    from assistant.settings import check_value, save_settings

    typed: Any = check_value(key, value)  # one line naming the key and what is valid
    path = save_settings({key: typed})
    echo(f"Saved {key} in {path}.")
