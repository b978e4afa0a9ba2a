"""`litassist sync zotero`: bring the library up to date with the user's Zotero."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli.app import app_from, cli, echo, echo_json
from assistant.cli.library_commands import _progress

if TYPE_CHECKING:
    from assistant.app import Litassist, SyncResult


@cli.group()
def sync() -> None:
    """Keep the library in step with a reference manager (`litassist sync zotero`)."""


@sync.command("zotero")
@click.option(
    "--zotero-dir",
    type=click.Path(path_type=Path),
    help="Zotero's data folder, holding zotero.sqlite (default: the zotero_dir setting, ~/Zotero).",
)
@click.option(
    "--collection",
    "collections",
    multiple=True,
    help="Only items in this collection or its sub-collections (repeatable: any of them).",
)
@click.option("--tag", "tags", multiple=True, help="Only items with this tag (repeatable: all).")
@click.option("--json", "as_json", is_flag=True, help="Print what changed as JSON.")
@click.pass_context
def sync_zotero(
    ctx: click.Context,
    zotero_dir: Path | None,
    collections: tuple[str, ...],
    tags: tuple[str, ...],
    as_json: bool,
) -> None:
    """Add, update and remove papers to match your Zotero library.

    Reads zotero.sqlite without writing to it, also while Zotero runs; when the file cannot
    be read, Zotero 7's local API (Settings > Advanced: "Allow other applications on this
    computer to communicate with Zotero"). Better BibTeX keys become the papers' citekeys.
    Run it again at any time: only what changed in Zotero is redone.
    """
    with app_from(ctx) as app:
        result = run_sync(app, zotero_dir, collections, tags, show_progress=not as_json)
    print_sync(result, as_json)


def run_sync(
    app: Litassist,
    zotero_dir: Path | None,
    collections: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    *,
    show_progress: bool = True,
) -> SyncResult:
    with _progress(show_progress and sys.stderr.isatty(), "Syncing Zotero") as progress:
        return app.zotero.sync(zotero_dir, collections=collections, tags=tags, progress=progress)


def print_sync(result: SyncResult, as_json: bool) -> None:
    if as_json:
        echo_json(result.as_dict())
        return
    for warning in result.warnings:
        echo(f"warning: {warning}", err=True)
    echo(result.summary())
