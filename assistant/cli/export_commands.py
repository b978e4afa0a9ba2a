"""`litassist export`: a conversation or comparison as a cited Markdown note, BibTeX or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli.app import cli, settings_from
from assistant.errors import LitassistError

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.types import Comparison, Conversation, Paper


def _conversation(settings: Settings, ref: str | None) -> Conversation:
    from assistant.store.conversations import ConversationStore

    with ConversationStore.open(settings.data_dir) as store:
        if ref is None:
            last = store.last_id()
            if last is None:
                raise LitassistError(
                    'No conversations to export yet; ask something first (`litassist ask "..."`).'
                )
            return store.get(last)
        return store.get(store.resolve(ref))


def _comparison(settings: Settings, ref: str | None) -> Comparison:
    from assistant.store.comparisons import ComparisonStore

    with ComparisonStore.open(settings.data_dir) as store:
        if ref is None:
            last = store.last_id()
            if last is None:
                raise LitassistError(
                    "No comparisons to export yet; make one with `litassist compare`."
                )
            return store.get(last)
        return store.get(ref)


def _library_papers(settings: Settings) -> list[Paper]:
    """Every paper of the (embedded) library, so generated keys are unique library-wide."""
    if settings.chroma_url:
        return []  # keys are then unique within the export only
    from assistant.errors import LibraryNotFoundError
    from assistant.store.catalog import Catalog

    try:
        catalog = Catalog.open(settings.data_dir)
    except (LibraryNotFoundError, LitassistError):
        return []  # the library is gone or unreadable: stored snapshots still export
    try:
        return [row.paper for row in catalog.list_rows()]
    finally:
        catalog.close()


@cli.command()
@click.argument("conversation", required=False)
@click.option("--last", "last", is_flag=True, help="The most recent conversation (the default).")
@click.option("--comparison", "comparison_ref", help="Export this stored comparison (id).")
@click.option("--last-comparison", is_flag=True, help="Export the most recent comparison.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "bibtex"]),
    default="md",
    show_default=True,
    help="A Markdown note, JSON, or BibTeX of the cited papers.",
)
@click.option(
    "--style",
    type=click.Choice(["footnote", "pandoc"]),
    default="footnote",
    show_default=True,
    help="Citations as [^1] footnotes, or pandoc [@key] matching the exported .bib.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="File (or folder) to write; without it the export goes to standard output.",
)
@click.option(
    "--bib",
    type=click.Path(path_type=Path),
    help="Also write the cited papers' BibTeX here (pandoc notes get NOTE.bib by default).",
)
@click.option("--tag", "tags", multiple=True, help="Add a tag to the note (repeatable).")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.pass_context
def export(
    ctx: click.Context,
    conversation: str | None,
    last: bool,
    comparison_ref: str | None,
    last_comparison: bool,
    fmt: str,
    style: str,
    out: Path | None,
    bib: Path | None,
    tags: tuple[str, ...],
    force: bool,
) -> None:
    """Export a conversation (CONVERSATION id, or --last) or a comparison with its citations.

    \b
    litassist export --last --out notes/                 Markdown note, [^1] footnotes
    litassist export ID --style pandoc --out note.md     note.md + note.bib, [@key] citations
    litassist export --last-comparison --format bibtex   the compared papers' BibTeX
    """
    chosen = [bool(conversation), last, bool(comparison_ref), last_comparison]
    if sum(chosen) > 1:
        raise LitassistError(
            "Export one thing: a CONVERSATION id, --last, --comparison ID or --last-comparison."
        )
    from assistant.export.exporter import render, target_paths, write_files

    settings = settings_from(ctx)
    item: Conversation | Comparison
    if comparison_ref or last_comparison:
        item = _comparison(settings, comparison_ref)
    else:
        item = _conversation(settings, conversation)
    files = target_paths(out, title=item.title, fmt=fmt, style=style, bib=bib)  # type: ignore[arg-type]
    texts = render(
        item,
        fmt=fmt,  # type: ignore[arg-type]
        style=style,  # type: ignore[arg-type]
        tags=tags,
        context=_library_papers(settings),
        bibliography=files.bibliography,
    )
    if files.main is None:
        click.echo(texts.main, nl=False)
    written = write_files(files, texts, force=force)
    for path in written:
        click.echo(f"wrote {path}", err=True)
    if fmt == "bibtex" and not texts.papers:
        click.echo("nothing is cited, so the BibTeX is empty", err=True)
