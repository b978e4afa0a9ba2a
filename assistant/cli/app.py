"""The root `litassist` group, its global options, and the error boundary around every command."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from assistant.errors import LitassistError
from assistant.redact import mask_urls_in
from assistant.terminal_safe import json_safe, terminal_safe

if TYPE_CHECKING:
    from assistant.app import Litassist
    from assistant.settings import Settings

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Overrides(dict[str, Any]):
    """Global flag values, kept on the click context and merged into `Settings`."""


def first_sentence(text: str) -> str:
    """The first sentence of a docstring's first paragraph, whole (click cuts it to fit)."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    head, dot, _ = paragraph.partition(". ")
    return head + "." if dot else paragraph


class SummaryGroup(click.Group):
    """A group whose command list shows each command's first sentence whole, wrapped to the
    width, where click would cut it at about 45 characters ("...")."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            rows.append((name, command.short_help or first_sentence(command.help or "")))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=SummaryGroup, invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    help="Library folder (default: your XDG data dir; env LITASSIST_HOME).",
)
@click.option("--chroma-url", help="Use a Chroma server (http://host:port) instead of the disk.")
@click.option("--embedder", help="'local' (default, offline) or 'openai:<model>'.")
@click.version_option(package_name="litassist", prog_name="litassist")
@click.pass_context
def cli(
    ctx: click.Context, data_dir: str | None, chroma_url: str | None, embedder: str | None
) -> None:
    """litassist: cited answers, comparisons and notes from your own papers.

    \b
    Start:   litassist ingest papers.bib      (BibTeX, RIS, CSL-JSON, JSONL, CSV, listings)
             litassist sync zotero            (your Zotero library; again to update)
             litassist                        (the chat; same as `litassist chat`)
    Script:  litassist search "query" --json
             litassist ask "question" --json
    """
    ctx.obj = Overrides(data_dir=data_dir, chroma_url=chroma_url, embedder=embedder)
    if ctx.invoked_subcommand is None:
        chat = cli.get_command(ctx, "chat")
        if chat is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(chat)


def settings_from(ctx: click.Context, **overrides: Any) -> Settings:
    """The `Settings` for this invocation: config file, env, then global and local flags.

    Raises `SettingsError` (one line naming the file or the key) for a broken config file or
    an invalid value."""
    from assistant.settings import load_settings

    merged = dict(ctx.find_root().obj or {})
    merged.update(overrides)
    return load_settings(**merged)


def app_from(ctx: click.Context, **overrides: Any) -> Litassist:
    """The application for this invocation (close it, or use `with`); see `settings_from`."""
    from assistant.app import Litassist

    return Litassist(settings_from(ctx, **overrides))


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print human-readable text, every control sequence in it made visible (`terminal_safe`):
    titles, abstracts, answers and file names are not ours to let act on the terminal.  Each
    streamed piece may go through here alone (the rule needs no state across pieces)."""
    click.echo(terminal_safe(text), err=err, nl=nl)


def echo_json(data: Any) -> None:
    """Print `data` as JSON: C0 is escaped by `json`, DEL, C1 and bidi controls by `json_safe`."""
    import json

    click.echo(json_safe(json.dumps(data, ensure_ascii=False, indent=2, default=str)))


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the CLI and turns errors into one line on stderr."""
    try:
        # Without standalone mode click returns the code given to `ctx.exit(code)`.
        code = cli.main(args=argv, prog_name="litassist", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        echo("Interrupted; everything stored so far is kept.", err=True)
        sys.exit(130)
    except LitassistError as exc:
        echo(f"error: {mask_urls_in(str(exc))}", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug: one line, details only on request
        if os.environ.get("LITASSIST_DEBUG"):
            raise
        message = str(exc).splitlines()[0] if str(exc) else ""
        echo(
            f"error: unexpected {exc.__class__.__name__}: {message} "
            "(set LITASSIST_DEBUG=1 for a traceback)",
            err=True,
        )
        sys.exit(1)
