"""Several processes on one library: a second writer on the same data folder gets a clear
"busy" error and nothing is corrupted; a reader (what the TUI does) keeps searching while an
ingest runs in another process; two writers on a Chroma server, with no shared lock, both
succeed and leave exactly the union of their files."""

from __future__ import annotations

from pathlib import Path

from assistant.rag.retriever import HybridRetriever
from assistant.store.library import Library
from tests.child_process import catalog_progress, kill, run, start, wait_for
from tests.conftest import HashingEmbedder
from tests.consistency import assert_library_holds_exactly
from tests.synthetic_corpus import write_corpus


def test_second_writer_on_the_same_folder_is_told_busy(tmp_path: Path) -> None:
    first_file = write_corpus(tmp_path / "first.jsonl", 100)
    second_file = write_corpus(tmp_path / "second.jsonl", 20, start=1000)
    data = tmp_path / "lib"
    progress = catalog_progress(data, None)
    # A long first ingest: it holds the lock for as long as the test needs.
    first = start(data, None, "ingest", str(first_file), delay=60)
    assert wait_for(lambda: progress()[0] > 0, first)  # it holds the lock and is writing
    second = run(data, None, "ingest", str(second_file))
    assert second.returncode == 1
    assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
    assert second.stderr.startswith("error: The library in") and "busy" in second.stderr
    assert "20 added" not in second.stdout
    kill(first)  # a crashed writer leaves no stale lock behind ...
    again = run(data, None, "ingest", str(second_file))
    assert again.returncode == 0 and "20 added" in again.stdout
    assert "resumed from an interrupted ingest" in again.stdout  # ... and its batch is finished
    rerun = run(data, None, "ingest", str(first_file))
    assert rerun.returncode == 0, rerun.stderr

    library = Library.open(data, HashingEmbedder())
    try:
        assert_library_holds_exactly(library, [first_file, second_file])
    finally:
        library.close()


def test_reader_keeps_searching_while_another_process_ingests(tmp_path: Path) -> None:
    seed = write_corpus(tmp_path / "seed.jsonl", 10)
    more = write_corpus(tmp_path / "more.jsonl", 130, start=100)
    data = tmp_path / "lib"
    assert run(data, None, "ingest", str(seed)).returncode == 0

    reader = Library.open(data, HashingEmbedder())  # the TUI's library, open all along
    try:
        retriever = HybridRetriever(reader)
        assert retriever.search("synthetic study dataset", 5)
        writer = start(data, None, "ingest", str(more), delay=0.3)
        searches = 0
        while writer.poll() is None:
            hits = retriever.search("synthetic study benchmark segmentation", 10)
            assert hits  # never an error, never empty
            rows = reader.catalog.list_rows()
            assert len(rows) >= 10
            searches += 1
        assert writer.returncode == 0, writer.communicate()[1]
        assert searches > 3
        # Once the writer is done, the same open library sees all of it, BM25 included.
        last = "doi:10.5555/synthetic.229"
        hits = retriever.search("Synthetic study 229", 3, mode="lexical")
        assert hits[0].paper.id == last
        assert reader.catalog.count() == 140
    finally:
        reader.close()
    library = Library.open(data, HashingEmbedder())
    try:
        assert_library_holds_exactly(library, [seed, more])
    finally:
        library.close()


def test_two_writers_on_a_server_without_a_shared_lock(server_url: str, tmp_path: Path) -> None:
    left = write_corpus(tmp_path / "left.jsonl", 100)
    right = write_corpus(tmp_path / "right.jsonl", 100, start=60)  # 40 papers in both
    # Two machines: two data folders, so no file lock is shared; both write at once.
    one = start(tmp_path / "m1", server_url, "ingest", str(left))
    two = start(tmp_path / "m2", server_url, "ingest", str(right))
    for process in (one, two):
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    library = Library.open(tmp_path / "m3", HashingEmbedder(), chroma_url=server_url)
    try:
        assert library.catalog.count() == 160
        # A shared paper is stored once, from whichever file reached the server first.
        shared = library.catalog.get("doi:10.5555/synthetic.80")
        assert shared is not None and shared.source_file in (str(left), str(right))
        health = library.check()
        assert health.consistent, health.problems()
        assert health.chunks == health.vectors
    finally:
        library.close()
