"""Library storage: idempotent re-ingest, changed abstracts, dedupe across files, remove,
embedder mismatch, consistency between the catalog, Chroma and BM25."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import EmbedderMismatchError, LibraryBusyError
from assistant.ingest import ingest
from assistant.rag.retriever import HybridRetriever, SearchFilters
from assistant.store.library import Library
from tests.conftest import HashingEmbedder


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


PAPERS = [
    {
        "title": "Fractal Pre-training for Vision",
        "abstract": "We pre-train vision transformers on synthetic fractal images. "
        "Fractals need no human labels, no curation and no licences. "
        "The models transfer well to ImageNet and to fine-grained benchmarks.",
        "year": 2021,
        "doi": "10.1000/fractal",
    },
    {
        "title": "Dataset Distillation by Matching Trajectories",
        "abstract": "Dataset distillation compresses a large training set into a few synthetic "
        "images. We match long-range training trajectories of networks.",
        "year": 2022,
    },
    {
        "title": "Label Noise in ImageNet",
        "abstract": "Many ImageNet images contain several objects, yet carry a single label. "
        "We re-annotate the validation set with multiple labels.",
        "year": 2020,
        "arxiv": "2001.00001v2",
    },
]


def vector_ids(library: Library) -> set[str]:
    return library.vectors.all_ids()


def test_ingest_stores_papers_chunks_and_vectors(library: Library, tmp_path: Path) -> None:
    report = ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS)], library)
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    ids = {p.paper.id for p in library.catalog.list_rows()}
    assert "doi:10.1000/fractal" in ids and "arxiv:2001.00001" in ids
    assert vector_ids(library) == library.catalog.chunk_ids()
    assert len(library.lexical().chunk_ids) == len(library.catalog.chunk_ids())
    # Every chunk's offsets point into its abstract.
    for row in library.catalog.list_rows():
        for chunk in library.catalog.chunks_of([row.paper.id]):
            assert row.paper.abstract[chunk.start : chunk.end] == chunk.text


def test_reingesting_an_unchanged_file_changes_nothing(library: Library, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", PAPERS)
    ingest([source], library)
    generation = library.catalog.generation
    embedder: HashingEmbedder = library.embedder  # type: ignore[assignment]
    calls = embedder.calls
    report = ingest([source], library)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 3)
    assert library.catalog.generation == generation
    assert embedder.calls == calls  # nothing re-embedded


def test_changed_abstract_replaces_old_chunks(library: Library, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", PAPERS)
    ingest([source], library)
    changed = [dict(PAPERS[0], abstract="A much shorter abstract about fractals."), *PAPERS[1:]]
    report = ingest([write_jsonl(source, changed)], library)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    paper = library.catalog.get("doi:10.1000/fractal")
    assert paper is not None and paper.abstract == "A much shorter abstract about fractals."
    chunks = library.catalog.chunks_of([paper.id])
    assert [c.text for c in chunks] == ["A much shorter abstract about fractals."]
    assert vector_ids(library) == library.catalog.chunk_ids()  # no stale vectors left
    hits = HybridRetriever(library).search("synthetic fractal images", 3)
    for hit in hits:
        for passage in hit.passages:
            assert "synthetic fractal images" not in passage.chunk.text


def test_same_paper_from_two_files_is_stored_once(library: Library, tmp_path: Path) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(
        "Fractal Pre-training for Vision\n\n" + PAPERS[0]["abstract"] + " " * 1 + "\n",
        encoding="utf-8",
    )
    jsonl = write_jsonl(tmp_path / "a.jsonl", PAPERS[:1])
    first = ingest([listing], library)
    second = ingest([jsonl], library)
    assert first.added == 1
    assert second.added == 0 and second.merged == 1
    rows = library.catalog.list_rows()
    assert len(rows) == 1
    assert rows[0].paper.doi == "10.1000/fractal"  # gap filled from the second file
    again = ingest([listing, jsonl], library)
    # Counted per paper: two records of one paper are one unchanged paper.
    assert (again.added, again.updated, again.merged, again.unchanged) == (0, 0, 0, 1)
    assert again.stored == 1


def test_remove_deletes_paper_chunks_vectors_and_bm25(library: Library, tmp_path: Path) -> None:
    ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS)], library)
    library.remove(["doi:10.1000/fractal"])
    assert library.catalog.get("doi:10.1000/fractal") is None
    assert not any(c.startswith("doi:10.1000/fractal#") for c in vector_ids(library))
    assert not any(c.startswith("doi:10.1000/fractal#") for c in library.lexical().chunk_ids)
    hits = HybridRetriever(library).search("fractal pre-training", 5)
    assert all(h.paper.id != "doi:10.1000/fractal" for h in hits)


def test_filters_by_year_and_paper(library: Library, tmp_path: Path) -> None:
    ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS)], library)
    retriever = HybridRetriever(library)
    recent = retriever.search("images", 5, filters=SearchFilters(year_from=2021))
    assert {h.paper.year for h in recent} <= {2021, 2022} and recent
    only = retriever.search("images", 5, filters=SearchFilters(paper_ids=("arxiv:2001.00001",)))
    assert [h.paper.id for h in only] == ["arxiv:2001.00001"]
    assert retriever.search("images", 5, filters=SearchFilters(paper_ids=())) == []


def test_embedder_mismatch_is_a_clear_error(data_dir: Path, tmp_path: Path) -> None:
    lib = Library.open(data_dir, HashingEmbedder("test:a"), create=True)
    ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS)], lib)
    lib.close()
    with pytest.raises(EmbedderMismatchError, match=r"built with embedder test:a.*test:b"):
        Library.open(data_dir, HashingEmbedder("test:b"))


def test_stale_bm25_index_is_rebuilt_from_the_catalog(
    library: Library, tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS[:2])], library)
    # Another process adds a paper; this process's in-memory BM25 index is now stale.
    other = Library.open(library.data_dir, hashing_embedder)
    ingest([write_jsonl(tmp_path / "b.jsonl", PAPERS[2:])], other)
    other.close()
    hits = HybridRetriever(library).search("re-annotate validation labels", 1, mode="lexical")
    assert hits[0].paper.id == "arxiv:2001.00001"


def test_corrupt_bm25_files_are_rebuilt(library: Library, tmp_path: Path, data_dir: Path) -> None:
    ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS)], library)
    for path in (data_dir / "bm25").rglob("*.json"):
        path.write_text("{ not json", encoding="utf-8")
    reopened = Library.open(data_dir, library.embedder)
    try:
        hits = HybridRetriever(reopened).search("trajectories", 1, mode="lexical")
        assert hits[0].paper.title == "Dataset Distillation by Matching Trajectories"
    finally:
        reopened.close()


def test_second_writer_gets_a_busy_error(library: Library) -> None:
    with library.write_lock(), pytest.raises(LibraryBusyError, match="busy"):
        other = Library.open(library.data_dir, library.embedder)
        try:
            with other.write_lock():
                pass
        finally:
            other.close()


def test_two_entries_of_one_file_sharing_a_title(library: Library, tmp_path: Path) -> None:
    records = [
        {"title": "Summary", "abstract": "First paper about optical flow estimation."},
        {"title": "Summary", "abstract": "Second paper about monocular depth estimation."},
        {"title": "Summary", "abstract": "First paper about optical flow estimation."},
    ]
    source = write_jsonl(tmp_path / "generic.jsonl", records)
    report = ingest([source], library)
    assert report.added == 2
    assert [str(p) for p in report.problems] == [f"{source}:3: duplicate of the entry at line 1"]
    abstracts = sorted(r.paper.abstract for r in library.catalog.list_rows())
    assert abstracts == [records[0]["abstract"], records[1]["abstract"]]
    again = ingest([source], library)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert library.catalog.count() == 2


def test_file_without_papers_is_reported(library: Library, tmp_path: Path) -> None:
    empty = tmp_path / "notes.txt"
    empty.write_text("Just a note.\n\nNothing else here.\n", encoding="utf-8")
    report = ingest([empty], library)
    assert report.added == 0
    (problem,) = report.problems
    assert str(problem).startswith(
        f"{empty}: unrecognised format (looks like plain text that is not a title/abstract"
    )


def test_same_file_from_another_folder_is_the_same_file(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", PAPERS)
    monkeypatch.chdir(tmp_path)
    assert ingest([Path("a.jsonl")], library).added == 3
    changed = [dict(PAPERS[1], abstract="Distillation, rewritten in a later export."), PAPERS[0]]
    write_jsonl(source, changed)
    report = ingest([source], library)
    assert (report.updated, report.unchanged, report.merged) == (1, 1, 0)
