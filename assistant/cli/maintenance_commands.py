"""`litassist doctor`: check, and with `--repair` restore, the consistency of the library."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from assistant.cli.app import app_from, cli, echo_json

if TYPE_CHECKING:
    from assistant.app.library import FileCheck, LibraryHealth, RepairReport


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
        ("vector index", health.probe),
        ("kept vectors", f"{health.kept_vectors} in the catalog ({health.unkept_vectors} missing)"),
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
        f"re-indexed {report.reindexed} paper(s) ({report.restored_from_kept} from kept "
        f"vectors, {report.reembedded} re-embedded)",
        f"removed {report.orphans_removed} orphan vector(s)",
    ]
    if report.vectors_copied:
        parts.append(f"copied {report.vectors_copied} vector(s) into the catalog")
    if report.lexical_rebuilt:
        parts.append("rebuilt the BM25 index")
    if report.vector_store_moved_to:
        parts.append(f"moved the damaged vector store to {report.vector_store_moved_to}")
    elif report.vector_index_rebuilt:
        parts.append("rebuilt the damaged vector index")
    return "Repaired: " + ", ".join(parts) + "."


@cli.command()
@click.option("--repair", "do_repair", is_flag=True, help="Fix what the check finds.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def doctor(ctx: click.Context, do_repair: bool, as_json: bool) -> None:
    """Check that the paper records, the vector store and the BM25 index agree.

    Checks the SQLite files for damaged pages, probes the vector index in a child process,
    and reports papers, chunks, vectors, the BM25 index's version, pending papers (an
    interrupted ingest) and orphan, missing or stale vectors.  With --repair: restores a
    damaged SQLite file from its newest sound backup (re-ingesting what changed since),
    restores what is pending, missing or stale from the vectors the catalog keeps (embedding
    only what it does not keep), deletes orphans, rebuilds BM25 and a damaged vector index
    (the old store is moved aside).  Exits with 1 while problems remain.
    """
    with app_from(ctx) as app:
        result = app.library.doctor(repair=do_repair)
    before, after, report = result.before, result.after, result.repair
    damaged = [_file_problem(f) for f in result.damaged_files]
    consistent = result.consistent
    if not as_json:
        for done in result.restored:
            click.echo(done.line())
    if before is None or after is None:  # the catalog is damaged: the library cannot be read
        if as_json:
            echo_json(
                {
                    "files": [f.as_dict() for f in result.files],
                    "restored": [r.as_dict() for r in result.restored],
                    "consistent": False,
                    "problems": damaged,
                }
            )
        else:
            click.echo("Found: " + "; ".join(damaged) + ". " + _advice(do_repair))
        ctx.exit(1)
    if as_json:
        from assistant.codec import to_dict

        data = after.as_dict()
        data["found"] = before.problems()
        data["repaired"] = None if report is None else to_dict(report)
        data["files"] = [f.as_dict() for f in result.files]
        data["restored"] = [r.as_dict() for r in result.restored]
        data["consistent"] = consistent
        data["problems"] = [*after.problems(), *damaged]
        echo_json(data)
    else:
        if report is not None:
            if before.problems():
                click.echo("Found: " + "; ".join(before.problems()) + ".")
            click.echo(_repair_line(report))
        for line in _table(after):
            click.echo(line)
        if consistent:
            click.echo("OK: the paper records, the vector store and the BM25 index agree.")
        else:
            click.echo(
                "Found: " + "; ".join([*after.problems(), *damaged]) + ". " + _advice(do_repair)
            )
    if not consistent:
        ctx.exit(1)


def _file_problem(check: FileCheck) -> str:
    backup = f"newest backup {check.newest_backup}" if check.newest_backup else "no backup"
    return f"{check.name} is damaged ({check.problem}; {backup})"


def _advice(repaired: bool) -> str:
    if repaired:
        return "Repair did not fix everything; see above."
    return "Run `litassist doctor --repair` to fix it."
