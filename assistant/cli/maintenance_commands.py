"""`litassist doctor`: check, and with `--repair` restore, the consistency of the library."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from assistant.cli.app import app_from, cli, echo, echo_json

if TYPE_CHECKING:
    from assistant.app.library import LibraryHealth, RepairReport


def _table(health: LibraryHealth) -> list[str]:
    bm25 = health.bm25
    detail = f"version {bm25.version}, {bm25.chunks} chunks" if bm25.version else "no index"
    if bm25.state in ("stale", "missing"):
        detail += "; the next search rebuilds it"
    rows = [
        ("library", f"{health.location} ({health.mode})"),
        ("papers", str(health.papers)),
        ("chunks", str(health.chunks)),
        ("vectors", "unreadable" if health.vectors is None else str(health.vectors)),
        ("BM25", f"{bm25.state} ({detail}; library at version {health.catalog_version})"),
        ("pending papers", str(len(health.pending))),
        ("orphan vectors", str(len(health.orphan_vectors))),
        ("missing vectors", str(len(health.missing_vectors))),
        ("stale vectors", str(len(health.stale_vectors))),
    ]
    width = max(len(name) for name, _ in rows)
    return [f"{name:<{width}}  {value}" for name, value in rows]


def _repair_line(report: RepairReport) -> str:
    parts = [
        f"re-indexed {report.reindexed} paper(s)",
        f"removed {report.orphans_removed} orphan vector(s)",
    ]
    if report.lexical_rebuilt:
        parts.append("rebuilt the BM25 index")
    if report.vector_store_moved_to:
        parts.append(f"moved the unreadable vector store to {report.vector_store_moved_to}")
    return "Repaired: " + ", ".join(parts) + "."


@cli.command()
@click.option("--repair", "do_repair", is_flag=True, help="Fix what the check finds.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def doctor(ctx: click.Context, do_repair: bool, as_json: bool) -> None:
    """Check that the paper records, the vector store and the BM25 index agree.

    Reports papers, chunks, vectors, the BM25 index's version, pending papers (an interrupted
    ingest) and orphan, missing or stale vectors.  With --repair: re-embeds what is pending,
    missing or stale, deletes orphans, rebuilds BM25 and, in embedded mode, an unreadable
    vector store (the old one is moved aside).  Exits with 1 while problems remain.
    """
    with app_from(ctx) as app:
        result = app.library.doctor(repair=do_repair)
    before, after, report = result.before, result.after, result.repair
    if as_json:
        from assistant.codec import to_dict

        data = after.as_dict()
        data["found"] = before.problems()
        data["repaired"] = None if report is None else to_dict(report)
        echo_json(data)
    else:
        if report is not None:
            if before.problems():
                echo("Found: " + "; ".join(before.problems()) + ".")
            echo(_repair_line(report))
        for line in _table(after):
            echo(line)
        if after.consistent:
            echo("OK: the paper records, the vector store and the BM25 index agree.")
        else:
            echo(
                "Found: "
                + "; ".join(after.problems())
                + ". "
                + (
                    "Repair did not fix everything; see above."
                    if do_repair
                    else "Run `litassist doctor --repair` to fix it."
                )
            )
    if not after.consistent:
        ctx.exit(1)
