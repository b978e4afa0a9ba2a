"""Ingest over the parsers: identity within a file, exact per-paper counts, skipped files,
bounded input (size limit, long abstracts cut) and one bad record never sinking its file."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.ingest import ingest
from assistant.sources import InputLimits
from assistant.store.library import Library

ABSTRACT = "We study seagrass carbon burial along the Mediterranean coast with sediment cores."


def jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_different_dois_in_one_file_are_different_papers(library: Library, tmp_path: Path) -> None:
    base = {"title": "Erratum", "abstract": ABSTRACT, "year": 2020}
    source = jsonl(
        tmp_path / "a.jsonl",
        [
            dict(base, doi="10.1000/a1"),
            dict(base, doi="10.1000/a2"),
            dict(base, title="Reply", arxiv="2101.00001"),
            dict(base, title="Reply", arxiv="2101.00002"),
        ],
    )
    report = ingest([source], library)
    assert (report.added, report.duplicates, report.problems) == (4, 0, [])
    assert library.catalog.count() == 4


def test_duplicate_in_one_file_fills_the_kept_records_gaps(
    library: Library, tmp_path: Path
) -> None:
    source = jsonl(
        tmp_path / "a.jsonl",
        [
            {"title": "Seagrass burial", "abstract": ABSTRACT, "doi": "10.1000/sg"},
            {
                "title": "Seagrass burial",
                "doi": "10.1000/sg",
                "authors": ["Ana García"],
                "year": 2021,
            },
        ],
    )
    report = ingest([source], library)
    assert (report.added, report.duplicates, report.stored) == (1, 1, 1)
    assert [str(p) for p in report.problems] == [f"{source}:2: duplicate of the entry at line 1"]
    (row,) = library.catalog.list_rows()
    assert row.paper.authors == ("Ana García",) and row.paper.year == 2021
    assert row.paper.abstract == ABSTRACT
    assert "1 duplicate record(s) merged into the kept one" in report.summary()


def test_counts_are_per_paper_and_add_up(library: Library, tmp_path: Path) -> None:
    one = jsonl(tmp_path / "one.jsonl", [{"title": "Paper A", "abstract": ABSTRACT}])
    two = jsonl(
        tmp_path / "two.jsonl",
        [
            {"title": "Paper A", "abstract": ABSTRACT, "doi": "10.1000/pa"},
            {"title": "Paper B", "abstract": ABSTRACT + " Second."},
            {"title": "Paper C"},
        ],
    )
    first = ingest([one], library)
    report = ingest([one, two], library)
    assert (first.added, first.stored) == (1, 1)
    assert (report.added, report.updated, report.merged, report.unchanged) == (2, 0, 1, 0)
    assert report.stored == library.catalog.count() == 3
    assert report.without_abstract == 1
    assert report.summary() == (
        "Ingested 2 file(s): 2 added, 0 updated, 1 merged into papers from other files,"
        " 0 unchanged (3 papers stored); 1 without abstract (listed but not searchable);"
        " nothing skipped."
    )


def test_folder_ingest_names_what_it_skipped_and_why(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    jsonl(folder / "a.jsonl", [{"title": "Paper A", "abstract": ABSTRACT}])
    (folder / "README.md").write_text("# Notes\n\nSome notes.\n", encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7 binary")
    report = ingest([folder], library)
    assert report.added == 1 and report.skipped_files == 2
    reasons = {Path(p.file).name: p.message for p in report.problems}
    assert reasons["README.md"].startswith("unrecognised format (looks like a Markdown document)")
    assert reasons["scan.pdf"].startswith("unrecognised format (looks like binary file (a PDF")
    assert "2 file(s) skipped" in report.summary() and not report.failed


def test_cli_exits_non_zero_when_nothing_was_stored(run_cli, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Call Ana.\n\nBuy milk.\n", encoding="utf-8")
    result = run_cli("--data-dir", str(tmp_path / "lib"), "ingest", str(notes))
    assert result.code == 1
    assert "unrecognised format" in result.err and "Traceback" not in result.err
    assert "0 added" in result.out


def test_long_abstract_is_cut_and_named(library: Library, tmp_path: Path) -> None:
    long = "carbon " * 40_000  # 279,999 characters once the final space is stripped
    source = jsonl(tmp_path / "a.jsonl", [{"title": "Long one", "abstract": long}])
    report = ingest([source], library, limits=InputLimits.of(512, 100_000))
    (row,) = library.catalog.list_rows()
    assert len(row.paper.abstract) <= 100_002 and row.paper.abstract.endswith(" …")
    assert report.truncated == [
        f"{source.resolve()}:1: abstract cut from 279,999 to 99,994 characters"
        " (original entry not kept)"
    ]
    assert row.paper.raw_entry is None  # the 280,000-character line is not stored either
    assert "1 abstract(s) cut" in report.summary()


def test_file_over_the_size_limit_is_refused_in_one_line(library: Library, tmp_path: Path) -> None:
    big = jsonl(
        tmp_path / "big.jsonl", [{"title": f"P{i}", "abstract": ABSTRACT} for i in range(20_000)]
    )
    report = ingest([big], library, limits=InputLimits(max_input_bytes=1024 * 1024))
    assert report.stored == 0 and report.failed
    (problem,) = report.problems
    assert problem.message.startswith("file too large (2 MB, the limit is 1 MB)")
    assert "LITASSIST_MAX_INPUT_MB" in problem.message


def test_one_bad_record_never_sinks_its_file(library: Library, tmp_path: Path) -> None:
    wide = "x" * 200_000  # a CSV field over the csv module's default 128 KB limit
    table = tmp_path / "t.csv"
    table.write_text(
        f'title,abstract\nWide one,"{wide}"\nNarrow one,{ABSTRACT}\n', encoding="utf-8"
    )
    first_line = json.dumps({"title": "Long first line", "abstract": "y " * 6000})
    lines = tmp_path / "l.json"  # JSON Lines in a .json file, first line over 8 KB
    lines.write_text(first_line + "\n" + json.dumps({"title": "Second"}) + "\n", encoding="utf-8")
    nested = tmp_path / "n.jsonl"
    nested.write_text(
        '{"title": "Deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
        '{"title": "Lone \\ud800 surrogate", "abstract": "kept"}\n',
        encoding="utf-8",
    )
    report = ingest([table, lines, nested], library)
    titles = sorted(r.paper.title for r in library.catalog.list_rows())
    assert titles == [
        "Lone \ufffd surrogate",
        "Long first line",
        "Narrow one",
        "Second",
        "Wide one",
    ]
    assert [(Path(p.file).name, p.line) for p in report.problems] == [("n.jsonl", 1)]
    assert report.malformed == 1


def test_batches_are_written_as_parsed_and_a_late_duplicate_still_merges(
    library: Library, tmp_path: Path, monkeypatch
) -> None:
    """A file read in several batches: a duplicate whose kept record was already written (an
    earlier batch) still fills its gaps from the catalog, and a BibTeX child whose crossref
    parent comes batches later still inherits the parent's year."""
    import assistant.sources as sources
    import assistant.sources.bibtex as bibtex

    monkeypatch.setattr(sources, "BATCH_LINES", 2)
    monkeypatch.setattr(bibtex, "BATCH_LINES", 2)
    records = [
        {"title": f"Paper {i}", "abstract": ABSTRACT, "doi": f"10.1000/p{i}"} for i in range(6)
    ]
    records.append({"title": "Paper 0", "doi": "10.1000/p0", "authors": ["Ana García"]})
    source = jsonl(tmp_path / "a.jsonl", records)
    bib = tmp_path / "late-parent.bib"
    bib.write_text(
        "@incollection{child,\n  title = {A chapter},\n  author = {Lind, Per},\n"
        "  crossref = {book}\n}\n\n"
        + "".join(f"@misc{{m{i},\n  title = {{Filler {i}}}\n}}\n\n" for i in range(4))
        + "@book{book,\n  title = {The Book},\n  year = {2019}\n}\n",
        encoding="utf-8",
    )
    seen: list[tuple[int, int]] = []
    report = ingest([source, bib], library, batch_size=2, progress=lambda d, t: seen.append((d, t)))
    assert (report.added, report.duplicates) == (12, 1)
    by_doi = {row.paper.doi: row.paper for row in library.catalog.list_rows()}
    assert by_doi["10.1000/p0"].authors == ("Ana García",)
    assert by_doi["10.1000/p0"].abstract == ABSTRACT
    chapter = next(
        row.paper for row in library.catalog.list_rows() if row.paper.title == "A chapter"
    )
    assert (chapter.year, chapter.venue, chapter.line) == (2019, "The Book", 1)
    assert seen[-1][0] == seen[-1][1]  # the growing total ends equal to what was done


def test_keywords_are_stored_and_a_duplicate_fills_them(library: Library, tmp_path: Path) -> None:
    source = jsonl(
        tmp_path / "k.jsonl",
        [
            {"title": "Kelp decline", "abstract": ABSTRACT, "doi": "10.1000/kelp"},
            {"title": "Kelp decline", "doi": "10.1000/kelp", "keywords": ["kelp", "warming"]},
        ],
    )
    ingest([source], library)
    (row,) = library.catalog.list_rows()
    assert row.paper.keywords == ("kelp", "warming")
