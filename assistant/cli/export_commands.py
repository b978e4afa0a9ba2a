"""`litassist export`: a conversation or comparison as a cited Markdown note, BibTeX or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli.app import app_from, cli, echo
from assistant.errors import LitassistError
from assistant.formats import CITATION_STYLES, EXPORT_FORMATS

if TYPE_CHECKING:
    from assistant.formats import CitationStyle, ExportFormat
    from assistant.types import Comparison, Conversation


@cli.command()
@click.argument("conversation", required=False)
@click.option("--last", "last", is_flag=True, help="The most recent conversation (the default).")
@click.option("--comparison", "comparison_ref", help="Export this stored comparison (id).")
@click.option("--last-comparison", is_flag=True, help="Export the most recent comparison.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="md",
    show_default=True,
    help="A Markdown note, JSON, or BibTeX of the cited papers.",
)
@click.option(
    "--style",
    type=click.Choice(CITATION_STYLES),
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
    fmt: ExportFormat,
    style: CitationStyle,
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
    with app_from(ctx) as app:
        item: Conversation | Comparison
        if comparison_ref or last_comparison:
            item = app.comparisons.get(comparison_ref)
        else:
            item = app.answers.conversation(conversation)
        result = app.notes.export(
            item, fmt=fmt, style=style, out=out, bib=bib, tags=tags, force=force
        )
    if result.files.main is None:
        echo(result.texts.main, nl=False)
    for path in result.written:
        echo(f"wrote {path}", err=True)
    if fmt == "bibtex" and not result.texts.papers:
        echo("nothing is cited, so the BibTeX is empty", err=True)
