"""Library commands: ingest, papers, remove, search."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.cli.app import app_from, cli, echo, echo_json
from assistant.cli.scope_options import scope_options
from assistant.text import authors_short, clip, year_text

if TYPE_CHECKING:
    from assistant.app.library import SearchMode
    from assistant.types import Paper, PaperHit

# The long texts `papers --json` and `search --json` leave out (`litassist export` has them).
LONG_FIELDS = ("abstract", "raw_entry")


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr; a no-op callback when stderr is not a terminal."""
    if not enabled:
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Add papers from files or folders (BibTeX, RIS, Web of Science, MEDLINE, EndNote,
    RefWorks, CSL-JSON/YAML, Crossref/OpenAlex/arXiv/PubMed responses, JSONL, CSV, listings).

    Formats are recognised by content; files that are not bibliographies are skipped and
    named. Exits 1 when nothing was stored and something failed.

    Re-ingesting an unchanged file changes nothing; a changed abstract replaces the paper's
    old passages; the same paper from two files is stored once.  A Zotero database
    (~/Zotero/zotero.sqlite) is synced as `litassist sync zotero` does (its JSON report
    under "zotero").
    """
    from assistant.cli.zotero_commands import print_sync, run_sync

    with app_from(ctx) as app:
        zotero = [p for p in paths if app.zotero.is_database(p)]
        synced = [run_sync(app, database, show_progress=not as_json) for database in zotero]
        if not as_json:
            for result in synced:
                print_sync(result, as_json=False)
        paths = tuple(p for p in paths if p not in zotero)
        if not paths:
            if as_json:
                echo_json({"zotero": [r.as_dict() for r in synced]})
            return
        show = not as_json and sys.stderr.isatty()
        with _progress(show, "Ingesting") as progress:
            report = app.library.ingest(paths, progress)
    if as_json:
        extra = {"zotero": [r.as_dict() for r in synced]} if synced else {}
        echo_json({**report.as_dict(), **extra})
    else:
        for problem in report.problems:
            echo(f"skipped: {problem}", err=True)
        for note in report.truncated:
            echo(f"cut: {note}", err=True)
        echo(report.summary())
    if report.failed:
        ctx.exit(1)


def _paper_dict(paper: Paper) -> dict[str, Any]:
    from assistant.codec import to_dict

    return to_dict(paper, omit=LONG_FIELDS)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the papers as JSON.")
@click.pass_context
def papers(ctx: click.Context, as_json: bool) -> None:
    """List the papers in the library."""
    with app_from(ctx) as app:
        rows = app.library.papers()
    if as_json:
        echo_json(
            [{**_paper_dict(r.paper), "chunks": r.chunks, "indexed": r.indexed} for r in rows]
        )
        return
    if not rows:
        echo("The library is empty; add papers with `litassist ingest FILE`.")
        return
    width = max(len(r.paper.id) for r in rows)
    for row in rows:
        paper = row.paper
        who = authors_short(paper.authors)
        echo(
            f"{paper.id:<{width}}  {year_text(paper.year):>4}  {clip(who, 16):<16}  "
            f"{clip(paper.title, 70)}"
        )
    echo(f"{len(rows)} paper(s).")


@cli.command()
@click.argument("refs", nargs=-1, required=True)
@click.pass_context
def remove(ctx: click.Context, refs: tuple[str, ...]) -> None:
    """Remove papers (by id, citekey, DOI or unique id prefix) and all their passages."""
    with app_from(ctx) as app:
        removed = app.library.remove(refs)
    for paper in removed:
        echo(f"removed {paper.id}  {paper.title}")


def _hit_dict(hit: PaperHit) -> dict[str, Any]:
    from assistant.codec import passage_to_dict

    return {
        **_paper_dict(hit.paper),
        "score": round(hit.score, 6),
        "passages": [{**passage_to_dict(p), "score": round(p.score, 6)} for p in hit.passages],
    }


@cli.command()
@click.argument("query")
@click.option(
    "-n",
    "--papers",
    "-k",  # the old spelling, kept
    "k",
    type=click.IntRange(1, 200),
    default=10,
    show_default=True,
    help="Number of papers (as in compare; -k is the old spelling).",
)
@scope_options
@click.option(
    "--mode",
    type=click.Choice(["hybrid", "dense", "lexical"]),
    default="hybrid",
    show_default=True,
    help="Retriever(s) to use.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
def search(
    ctx: click.Context,
    query: str,
    k: int,
    year_from: int | None,
    year_to: int | None,
    paper_refs: tuple[str, ...],
    collections: tuple[str, ...],
    tags: tuple[str, ...],
    mode: SearchMode,
    as_json: bool,
) -> None:
    """Find the papers and passages most relevant to QUERY (hybrid dense + BM25)."""
    from assistant.app import Scope
    from assistant.app.library import LibraryUseCases
    from assistant.errors import LitassistError

    if not query.strip():
        raise LitassistError("The query is empty.")
    with app_from(ctx) as app:
        scope = Scope(year_from, year_to, paper_refs, collections, tags)
        hits = app.library.search(query, k, scope=scope, mode=mode)
    if as_json:
        echo_json({"query": query, "results": [_hit_dict(h) for h in hits]})
        return
    if not hits:
        echo("No matching passages.")
        return
    for rank, hit in enumerate(hits, start=1):
        paper = hit.paper
        echo(f"{rank:>2}. {paper.title} ({year_text(paper.year)})  [{paper.id}]")
        echo(f"    {clip(LibraryUseCases.excerpt(query, hit), 220)}")
