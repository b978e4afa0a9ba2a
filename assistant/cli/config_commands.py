"""`litassist config`: show the effective settings (secrets masked) or save some of them."""

from __future__ import annotations

from typing import Any

import click

from assistant.cli.app import cli, echo_json, settings_from
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
        click.echo(f"{key:<{width}}  {value}")


def valid_values(key: str) -> str:
    """What `key` accepts, for an error line: `a whole number from 1 to 100`, the choices."""
    import typing

    from assistant.settings import Settings

    field = Settings.model_fields[key]
    if field.annotation is int:
        low = next((m.ge for m in field.metadata if getattr(m, "ge", None) is not None), None)
        high = next((m.le for m in field.metadata if getattr(m, "le", None) is not None), None)
        if low is not None and high is not None:
            return f"a whole number from {low} to {high}"
        return "a whole number"
    choices = typing.get_args(field.annotation)
    if choices and all(isinstance(c, str) for c in choices):
        return "one of " + ", ".join(choices)
    return field.description or "see `litassist config`"


@config.command("set")
@click.argument("key", metavar="KEY")
@click.argument("value")
def config_set(key: str, value: str) -> None:
    """Save KEY=VALUE in the config file.

    KEY is one of: openai_base_url, model, answer_mode, k, theme, embedder, chroma_url,
    notes_dir.  The API key is never saved (set OPENAI_API_KEY in the environment).
    """
    from assistant.settings import SAVABLE_KEYS, Settings, save_settings

    if key not in SAVABLE_KEYS:
        raise LitassistError(f"Cannot save {key!r}; savable keys: {', '.join(SAVABLE_KEYS)}.")
    field = Settings.model_fields[key]
    try:
        typed: Any = int(value) if field.annotation is int else value
        Settings(**{key: typed})
    except Exception as exc:
        raise LitassistError(
            f"Invalid value for {key}: {value!r}; it must be {valid_values(key)}."
        ) from exc
    path = save_settings({key: typed})
    click.echo(f"Saved {key} in {path}.")
