"""The scholarly commands: `add` by identifier, `find` on the APIs, `enrich` the library."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from assistant.cli.app import app_from, cli, echo, echo_json
from assistant.cli.library_commands import _paper_dict, _progress
from assistant.text import clip, year_text

if TYPE_CHECKING:
    from assistant.app import AddedPaper, FoundPaper

SOURCES = ("openalex", "arxiv", "semanticscholar", "pubmed")


def _print_added(added: list[AddedPaper], as_json: bool) -> None:
    if as_json:
        echo_json([{**_paper_dict(a.paper), "outcome": a.outcome, "from": a.source} for a in added])
        return
    for item in added:
        paper = item.paper
        echo(
            f"{item.outcome:<9} {paper.id}  {clip(paper.title, 70)} ({year_text(paper.year)}) "
            f"from {item.source}"
        )


@cli.command()
@click.argument("identifiers", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the added papers as JSON.")
@click.pass_context
def add(ctx: click.Context, identifiers: tuple[str, ...], as_json: bool) -> None:
    """Add papers by DOI, arXiv id, PubMed id, OpenAlex id, or a URL naming one.

    \b
    Examples: litassist add 10.1038/nature14539 arXiv:2103.00020 pmid:31452104
              litassist add https://openalex.org/W2741809807
    Metadata and abstract come from Crossref or OpenAlex (DOIs), arXiv, PubMed or OpenAlex.
    """
    with app_from(ctx) as app:
        added = app.scholarly.add(identifiers)
    _print_added(added, as_json)


def _found_dict(found: FoundPaper) -> dict[str, Any]:
    from assistant.codec import to_dict

    return {**to_dict(found.hit), "in_library": found.in_library}


@cli.command()
@click.argument("query")
@click.option(
    "--source",
    type=click.Choice(SOURCES),
    default="openalex",
    show_default=True,
    help="The service to search.",
)
@click.option(
    "-n", "n", type=click.IntRange(1, 200), default=25, show_default=True, help="Number of hits."
)
@click.option("--year-from", type=int, help="Only papers from this year on.")
@click.option("--add", "add_them", is_flag=True, help="Add the hits not yet in the library.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.pass_context
def find(
    ctx: click.Context,
    query: str,
    source: str,
    n: int,
    year_from: int | None,
    add_them: bool,
    as_json: bool,
) -> None:
    """Search OpenAlex, arXiv, Semantic Scholar or PubMed for QUERY.

    Lists title, year, venue, citation count and whether each paper is in your library
    ("in library" with its id); --add adds those that are not.
    """
    with app_from(ctx) as app:
        found = app.scholarly.find(query, source=source, limit=n, year_from=year_from)  # type: ignore[arg-type]  # click.Choice checked it
        new = [f.hit for f in found if f.in_library is None and f.hit.identifier is not None]
        added = app.scholarly.add_hits(new) if add_them and new else []
    if as_json:
        echo_json({"query": query, "source": source, "results": [_found_dict(f) for f in found]})
        return
    if not found:
        echo("No papers found.")
        return
    for rank, item in enumerate(found, start=1):
        hit = item.hit
        cited = f"{hit.citations} cit." if hit.citations is not None else ""
        where = f"in library: {item.in_library}" if item.in_library else ""
        echo(f"{rank:>2}. {clip(hit.title, 90)} ({year_text(hit.year)})")
        details = "  ".join(part for part in (clip(hit.venue or "", 50), cited, where) if part)
        if details:
            echo(f"    {details}")
    if add_them:
        _print_added(added, False)
        echo(f"{len(added)} paper(s) added.")


@cli.command()
@click.argument("refs", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every paper with a gap.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.pass_context
def enrich(
    ctx: click.Context, refs: tuple[str, ...], every: bool, dry_run: bool, as_json: bool
) -> None:
    """Fill missing year, authors, venue, DOI and arXiv id from OpenAlex, then Crossref.

    REFS are paper ids, citekeys, DOIs or unique id prefixes (or --all). A record is used
    only when its title matches closely and nothing the paper has contradicts it; a value
    your own file gave is never overwritten.
    """
    with app_from(ctx) as app:
        show = not as_json and sys.stderr.isatty()
        with _progress(show, "Looking up") as progress:
            result = app.scholarly.enrich(refs, every=every, dry_run=dry_run, progress=progress)
    if as_json:
        echo_json(
            {
                "dry_run": result.dry_run,
                "looked_up": result.looked_up,
                "unmatched": list(result.unmatched),
                "changes": [
                    {
                        "paper": c.paper_id,
                        "from": c.candidate.source,
                        "title_match": round(c.score, 3),
                        "fields": {
                            k: list(v) if isinstance(v, tuple) else v for k, v in c.changes.items()
                        },
                    }
                    for c in result.changes
                ],
            }
        )
        return
    for change in result.changes:
        echo(change.describe())
    echo(result.summary())
