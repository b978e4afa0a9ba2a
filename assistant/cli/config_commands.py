"""`litassist config`: show the effective settings (secrets masked) or save some of them."""

from __future__ import annotations

from typing import Any

import click

from assistant.cli.app import cli, echo, echo_json, settings_from
from assistant.errors import LitassistError


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
    from assistant.settings import SAVABLE_KEYS, Settings, save_settings

    if key not in SAVABLE_KEYS:
        raise LitassistError(f"Cannot save {key!r}; savable keys: {', '.join(SAVABLE_KEYS)}.")
    field = Settings.model_fields[key]
    typed: Any = int(value) if field.annotation is int else value
    try:
        Settings(**{key: typed})
    except Exception as exc:
        raise LitassistError(f"Invalid value for {key}: {value!r}.") from exc
    path = save_settings({key: typed})
    echo(f"Saved {key} in {path}.")
