"""Library commands: ingest, papers, remove, search."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli.app import cli, echo_json, settings_from
from assistant.errors import LitassistError, PaperNotFoundError
from assistant.text import authors_short

if TYPE_CHECKING:
    from assistant.store.records import PaperCatalog
    from assistant.types import Paper, PaperHit


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[object]:
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
    """Add papers from files or folders (BibTeX, RIS, CSL-JSON, JSONL, CSV, plain listings).

    Re-ingesting an unchanged file changes nothing; a changed abstract replaces the paper's
    old passages; the same paper from two files is stored once.
    """
    from assistant.ingest import ingest as run_ingest
    from assistant.wiring import open_library

    settings = settings_from(ctx)
    library = open_library(settings, create=True)
    try:
        show = not as_json and click.get_text_stream("stderr").isatty()
        with _progress(show, "Ingesting") as progress:
            report = run_ingest(paths, library, progress=progress)  # type: ignore[arg-type]
    finally:
        library.close()
    if as_json:
        echo_json(report.as_dict())
        return
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    click.echo(report.summary())


def _paper_dict(paper: Paper) -> dict[str, object]:
    from assistant.codec import to_dict

    return to_dict(paper, omit=("abstract", "raw_entry"))


def _open_catalog(ctx: click.Context) -> PaperCatalog:
    from assistant.store.records import open_catalog

    settings = settings_from(ctx)
    return open_catalog(settings.data_dir, settings.chroma_url)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the papers as JSON.")
@click.pass_context
def papers(ctx: click.Context, as_json: bool) -> None:
    """List the papers in the library."""
    catalog = _open_catalog(ctx)
    try:
        rows = catalog.list_rows()
    finally:
        catalog.close()
    if as_json:
        echo_json(
            [{**_paper_dict(r.paper), "chunks": r.chunks, "indexed": r.indexed} for r in rows]
        )
        return
    if not rows:
        click.echo("The library is empty; add papers with `litassist ingest FILE`.")
        return
    width = max(len(r.paper.id) for r in rows)
    for row in rows:
        paper = row.paper
        first = authors_short(paper.authors)
        year = str(paper.year or "")
        click.echo(
            f"{paper.id:<{width}}  {year:>4}  {_short(first, 16):<16}  {_short(paper.title, 70)}"
        )
    click.echo(f"{len(rows)} paper(s).")


def resolve_papers(catalog: PaperCatalog, refs: tuple[str, ...]) -> list[Paper]:
    """Papers for ids, citekeys, DOIs or unique id prefixes given by the user."""
    found: list[Paper] = []
    for ref in refs:
        matches = catalog.resolve(ref)
        if not matches:
            raise PaperNotFoundError(f"No paper matches {ref!r}; see `litassist papers`.")
        if len(matches) > 1:
            ids = ", ".join(m.id for m in matches[:5])
            raise PaperNotFoundError(f"{ref!r} matches several papers ({ids}); be more specific.")
        found.append(matches[0])
    return found


@cli.command()
@click.argument("refs", nargs=-1, required=True)
@click.pass_context
def remove(ctx: click.Context, refs: tuple[str, ...]) -> None:
    """Remove papers (by id, citekey, DOI or unique id prefix) and all their passages."""
    from assistant.wiring import open_library

    library = open_library(settings_from(ctx))
    try:
        targets = resolve_papers(library.catalog, refs)
        with library.write_lock(wait=2.0):
            library.remove([p.id for p in targets])
            library.lexical()
    finally:
        library.close()
    for paper in targets:
        click.echo(f"removed {paper.id}  {paper.title}")


def _hit_dict(hit: PaperHit) -> dict[str, object]:
    return {
        **_paper_dict(hit.paper),
        "score": round(hit.score, 6),
        "passages": [
            {
                "chunk_id": p.chunk.id,
                "text": p.chunk.text,
                "start": p.chunk.start,
                "end": p.chunk.end,
                "score": round(p.score, 6),
                "dense_rank": p.dense_rank,
                "lexical_rank": p.lexical_rank,
            }
            for p in hit.passages
        ],
    }


@cli.command()
@click.argument("query")
@click.option(
    "-k", "k", type=click.IntRange(1, 200), default=10, show_default=True, help="Number of papers."
)
@click.option("--year-from", type=int, help="Only papers from this year on.")
@click.option("--year-to", type=int, help="Only papers up to this year.")
@click.option("--paper", "paper_refs", multiple=True, help="Only these papers (repeatable).")
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
    mode: str,
    as_json: bool,
) -> None:
    """Find the papers and passages most relevant to QUERY (hybrid dense + BM25)."""
    from assistant.rag.retriever import HybridRetriever, SearchFilters
    from assistant.wiring import open_library

    if not query.strip():
        raise LitassistError("The query is empty.")
    library = open_library(settings_from(ctx))
    try:
        ids = tuple(p.id for p in resolve_papers(library.catalog, paper_refs)) or None
        filters = SearchFilters(year_from=year_from, year_to=year_to, paper_ids=ids)
        hits = HybridRetriever(library).search(query, k, filters=filters, mode=mode)  # type: ignore[arg-type]
    finally:
        library.close()
    if as_json:
        echo_json({"query": query, "results": [_hit_dict(h) for h in hits]})
        return
    if not hits:
        click.echo("No matching passages.")
        return
    for rank, hit in enumerate(hits, start=1):
        paper = hit.paper
        click.echo(f"{rank:>2}. {paper.title} ({paper.year or 'n.d.'})  [{paper.id}]")
        best = hit.passages[0].chunk.text
        click.echo(f"    {_short(best, 220)}")
