"""Crash safety: a real child `litassist ingest` is killed with SIGKILL at several moments, then
the same ingest is run again; the library ends with exactly the file's papers and chunks, in
the catalog, the vector store and BM25 alike.  Embedded and on a real Chroma server."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from assistant.ingest import ingest
from assistant.store.library import Library
from tests.child_process import catalog_progress, kill, run_json, start, wait_for
from tests.conftest import HashingEmbedder
from tests.consistency import assert_library_holds_exactly
from tests.synthetic_corpus import write_corpus

PAPERS = 200  # three batches of 64 and one of 8


@pytest.fixture(params=["embedded", "server"])
def chroma_url(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("server_url") if request.param == "server" else None


def test_kill_9_mid_ingest_then_rerun_stores_exactly_the_file(
    tmp_path: Path, chroma_url: str | None
) -> None:
    corpus = write_corpus(tmp_path / "papers.jsonl", PAPERS)
    data = tmp_path / "lib"
    progress = catalog_progress(data, chroma_url)

    # 1. Between staging the first batch and storing its vectors.
    child = start(data, chroma_url, "ingest", str(corpus), delay=0.4)

    def first_batch_staged() -> bool:
        staged, indexed = progress()
        return staged > 0 and indexed == 0

    assert wait_for(first_batch_staged, child)
    kill(child)
    staged, indexed = progress()
    assert staged > indexed  # the crash left pending papers behind ...
    code, health = run_json(data, chroma_url, "doctor")
    assert code == 1 and not health["consistent"]
    assert len(health["pending"]) == staged - indexed  # ... which the doctor sees

    # 2. Mid-way: earlier batches indexed, a later one staged but not embedded.
    child = start(data, chroma_url, "ingest", str(corpus), delay=0.25)

    def midway() -> bool:
        staged, indexed = progress()
        return indexed >= 128 and staged > indexed

    assert wait_for(midway, child)
    kill(child)

    # 3. Anywhere in a full-speed run: start-up, parsing, a Chroma write, the BM25 save.
    child = start(data, chroma_url, "ingest", str(corpus))
    time.sleep(random.uniform(0.5, 2.0))
    kill(child)

    code, report = run_json(data, chroma_url, "ingest", str(corpus))
    assert code == 0
    assert report["added"] + report["unchanged"] == PAPERS
    assert report["updated"] == report["merged"] == 0 and report["problems"] == []

    library = Library.open(data, HashingEmbedder(), chroma_url=chroma_url)
    try:
        assert_library_holds_exactly(library, [corpus])
        again = ingest([corpus], library)  # no child runs any more: in-process is safe
        assert (again.unchanged, again.added, again.resumed) == (PAPERS, 0, 0)
    finally:
        library.close()
