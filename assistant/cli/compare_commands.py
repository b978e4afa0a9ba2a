"""`litassist compare`: papers side by side (terminal table, Markdown or JSON); `comparisons`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from assistant.cli.answer_commands import offline_hint
from assistant.cli.app import app_from, cli, echo, echo_json
from assistant.errors import EndpointFailure, LitassistError
from assistant.formats import CITATION_STYLES
from assistant.terminal_safe import terminal_safe
from assistant.text import short_title, year_text

if TYPE_CHECKING:
    from rich.console import RenderableType

    from assistant.formats import CitationStyle
    from assistant.types import Comparison

OFFLINE_NOTICE = (
    "No LLM endpoint configured; comparing in offline extractive mode. "
    "Set OPENAI_BASE_URL to use one."
)


def _markers(numbers: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def comparison_renderables(comparison: Comparison) -> list[RenderableType]:
    """The comparison for a terminal: the table, the synthesis, the checks, the sources."""
    from rich.table import Table
    from rich.text import Text

    from assistant.app.comparisons import aspect_label

    how = f"LLM {comparison.model}" if comparison.mode == "llm" else "offline, extractive"
    table = Table(
        title=terminal_safe(f"{comparison.title} ({how})"),
        show_lines=True,
        expand=True,
        title_justify="left",
    )
    table.add_column("Paper", ratio=1, style="bold", overflow="fold")
    for name in comparison.aspects:
        table.add_column(aspect_label(name), ratio=2, overflow="fold")
    for paper in comparison.papers:
        label = f"{short_title(paper.title)} ({year_text(paper.year)})"
        row: list[RenderableType] = [Text(terminal_safe(label))]
        for cell in comparison.row(paper.id):
            if not cell.stated:
                row.append(Text("not stated", style="dim italic"))
                continue
            text = Text(terminal_safe(cell.text))
            text.append(f" {_markers(cell.citations)}", style="cyan")
            if not cell.supported:
                text.append(" ⚠ unsupported", style="yellow")
            row.append(text)
        table.add_row(*row)

    parts: list[RenderableType] = [table, Text("Synthesis", style="bold")]
    label = " (computed from the table)" if comparison.mode == "extractive" else ""
    parts.append(Text(terminal_safe(comparison.synthesis + label)))
    flagged = [
        (f"{short_title(p.title)}, {aspect_label(c.aspect).lower()}", c.note)
        for p in comparison.papers
        for c in comparison.row(p.id)
        if c.stated and not c.supported
    ]
    flagged += [(s.text, s.note) for s in comparison.synthesis_sentences if not s.supported]
    if flagged:
        checks = Text("Check these:\n", style="bold yellow")
        for what, note in flagged:
            checks.append(terminal_safe(f"  ! {what}: {note or 'unsupported'}") + "\n")
        parts.append(checks)
    sources = Text("Sources:\n", style="bold")
    for source in comparison.sources:
        paper = source.paper
        sources.append(f"  [{source.number}] ", style="cyan")
        entry = f"{paper.title} ({year_text(paper.year)})  {paper.id}"
        sources.append(terminal_safe(entry) + "\n", style="")
    parts.append(sources)
    return parts


def _print_table(comparison: Comparison) -> None:
    from rich.console import Console

    console = Console(soft_wrap=False)
    for part in comparison_renderables(comparison):
        console.print(part)


@cli.command()
@click.argument("refs", nargs=-1)
@click.option("--topic", help="Compare the papers retrieved for this topic instead of REFS.")
@click.option(
    "-n",
    "--papers",
    "n",
    type=click.IntRange(2, 12),
    default=5,
    show_default=True,
    help="Number of papers for --topic (as in search).",
)
@click.option(
    "--aspects",
    help="Columns, comma-separated (default task,data,method,results,limitations; any word "
    "works, e.g. compute).",
)
@click.option(
    "--mode",
    type=click.Choice(["auto", "llm", "extractive"]),
    help="llm: the configured endpoint; extractive: offline; auto (default): llm if configured.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "md", "json"]),
    default="table",
    show_default=True,
    help="Terminal table, a Markdown note, or JSON.",
)
@click.option(
    "--style",
    type=click.Choice(CITATION_STYLES),
    default="footnote",
    show_default=True,
    help="Citation style of --format md.",
)
@click.option("--no-save", is_flag=True, help="Do not store the comparison.")
@click.option(
    "--collection",
    "collections",
    multiple=True,
    help="--topic: only papers in this collection or its sub-collections (repeatable: any).",
)
@click.option(
    "--tag", "tags", multiple=True, help="--topic: only papers with this tag (repeatable: all)."
)
@click.pass_context
def compare(
    ctx: click.Context,
    refs: tuple[str, ...],
    topic: str | None,
    n: int,
    aspects: str | None,
    mode: str | None,
    fmt: str,
    style: CitationStyle,
    no_save: bool,
    collections: tuple[str, ...],
    tags: tuple[str, ...],
) -> None:
    """Compare papers side by side: one row per paper, one cited cell per aspect, a synthesis.

    REFS are paper ids, citekeys, DOIs or unique id prefixes (see `litassist papers`); or
    use --topic to compare the papers found for a topic.  Cells the abstract does not cover
    say "not stated".  The comparison is stored; export it with
    `litassist export --last-comparison`.
    """
    from assistant.app.answers import require_endpoint
    from assistant.app.comparisons import check_request

    check_request(refs, topic)
    with app_from(ctx, answer_mode=mode) as app:
        require_endpoint(app.settings, "compare")
        app.library.open()
        if app.settings.answer_mode == "auto" and not app.settings.llm_configured:
            echo(OFFLINE_NOTICE, err=True)
        from assistant.app import Scope

        if (collections or tags) and topic is None:
            raise LitassistError("--collection and --tag narrow a --topic comparison; add one.")
        scope = Scope(collections=collections, tags=tags)
        try:
            made = app.comparisons.compare(
                refs, topic=topic, n=n, aspects=aspects, save=not no_save, scope=scope
            )
        except EndpointFailure as exc:
            hint = offline_hint("compare", " ".join(refs) or f'--topic "{topic}"')
            raise LitassistError(f"{exc} {hint}") from exc
        comparison = made.comparison
        if made.store_error:
            raise LitassistError(made.store_error)
        if comparison.shortfall:
            echo(comparison.shortfall, err=True)
        if fmt == "json":
            from assistant.codec import comparison_view

            echo_json(comparison_view(comparison))
        elif fmt == "md":
            echo(app.notes.comparison_markdown(comparison, style), nl=False)
        else:
            _print_table(comparison)
    if made.saved:
        echo(
            f"comparison {comparison.id} (export with `litassist export --comparison "
            f"{comparison.id}`)",
            err=True,
        )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def comparisons(ctx: click.Context, as_json: bool) -> None:
    """List stored comparisons, newest first."""
    with app_from(ctx) as app:
        rows = app.comparisons.comparisons()
    if as_json:
        from assistant.codec import to_dict

        echo_json([to_dict(row) for row in rows])
        return
    if not rows:
        echo('No comparisons yet; make one with `litassist compare --topic "..."`.')
        return
    for row in rows:
        when = row.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        echo(f"{row.id}  {when}  {row.papers:>2} papers  {row.mode:<10}  {row.title}")
