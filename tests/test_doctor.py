"""`litassist doctor [--repair] [--json]`: finds each kind of inconsistency between the paper
records, the vector store and the BM25 index, and repairs it; embedded and on a server."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.ingest import ingest
from assistant.store.library import Library
from assistant.types import Chunk
from tests.child_process import run, run_json
from tests.conftest import HashingEmbedder
from tests.consistency import assert_library_holds_exactly
from tests.synthetic_corpus import write_corpus


@pytest.fixture(autouse=True)
def hashing_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process CLI builds the fast test embedder instead of the local model."""
    monkeypatch.setattr("assistant.wiring.make_embedder", lambda settings: HashingEmbedder())


@pytest.fixture(params=["embedded", "server"])
def chroma_url(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("server_url") if request.param == "server" else None


def cli_args(library: Library) -> list[str]:
    args = ["--data-dir", str(library.data_dir)]
    return [*args, "--chroma-url", library.chroma_url] if library.chroma_url else args


def test_healthy_library(tmp_path: Path, chroma_url: str | None, run_cli) -> None:
    library = Library.open(tmp_path / "lib", HashingEmbedder(), create=True, chroma_url=chroma_url)
    ingest([write_corpus(tmp_path / "papers.jsonl", 25)], library)
    text = run_cli(*cli_args(library), "doctor")
    assert text.code == 0, text.err
    assert "OK: the paper records, the vector store and the BM25 index agree." in text.out
    assert "papers           25" in text.out
    report = json.loads(run_cli(*cli_args(library), "doctor", "--json").out)
    health = library.check()
    assert report["consistent"] and report["problems"] == [] and report["repaired"] is None
    assert report["papers"] == 25 and report["chunks"] == report["vectors"] == health.chunks
    assert report["mode"] == ("server" if chroma_url else "embedded")
    assert report["bm25"] == {
        "state": "current",
        "version": health.catalog_version,
        "chunks": health.chunks,
    }
    library.close()


def test_finds_and_repairs_every_kind_of_damage(
    tmp_path: Path, chroma_url: str | None, run_cli
) -> None:
    source = write_corpus(tmp_path / "papers.jsonl", 25)
    library = Library.open(tmp_path / "lib", HashingEmbedder(), create=True, chroma_url=chroma_url)
    ingest([source], library)
    catalog, vectors = library.catalog, library.vectors
    # A paper staged but never embedded (a crash between the two steps).
    catalog.mark_pending(["doi:10.5555/synthetic.1"])
    # A vector nobody knows (a removal interrupted after the catalog step).
    ghost = Chunk("doi:10.5555/gone#0", "doi:10.5555/gone", 0, "gone", 0, 4)
    vectors.upsert([ghost], np.eye(1, HashingEmbedder.dim, dtype=np.float32), [None], ["x"])
    # A chunk whose vector vanished.
    lost = catalog.chunks_of(["doi:10.5555/synthetic.2"])[0].id
    vectors.delete_ids([lost])
    # A vector embedded from another version of its paper (two writers racing on a server).
    old = catalog.chunks_of(["doi:10.5555/synthetic.3"])[0]
    vectors.upsert([old], np.eye(1, HashingEmbedder.dim, dtype=np.float32), [None], ["0" * 32])
    # Lexical rows that lack a chunk (edited by hand).
    rows = library.lexical_source().db
    with rows:
        rows.execute("DELETE FROM lexical_docs WHERE chunk_id = ?", (lost,))
    # The doctor runs alone, as a user runs it: this handle is closed while it looks and
    # repairs (left open, a loaded machine now and then saw the store as unreadable).
    args = cli_args(library)
    library.close()

    found = run_cli(*args, "doctor", "--json")
    assert found.code == 1
    report = json.loads(found.out)
    assert report["pending"] == ["doi:10.5555/synthetic.1"]
    assert report["orphan_vectors"] == ["doi:10.5555/gone#0"]
    assert report["missing_vectors"] == [lost]
    assert report["stale_vectors"] == [old.id]
    assert report["bm25"]["state"] == "inconsistent"
    assert len(report["problems"]) == 5 and not report["consistent"]
    text = run_cli(*args, "doctor")
    assert text.code == 1 and "Run `litassist doctor --repair` to fix it." in text.out

    repaired = run_cli(*args, "doctor", "--repair", "--json")
    assert repaired.code == 0, repaired.err
    report = json.loads(repaired.out)
    assert report["repaired"] == {
        "reindexed": 3,
        "orphans_removed": 1,
        "lexical_rebuilt": True,
        "vector_store_moved_to": None,
        "vector_index_rebuilt": False,
        "reembedded": 0,  # all three restored from the vectors the catalog keeps
        "vectors_copied": 0,
    }
    assert report["consistent"] and len(report["found"]) == 5
    library = Library.open(tmp_path / "lib", HashingEmbedder(), chroma_url=chroma_url)
    assert_library_holds_exactly(library, [source])
    library.close()
    again = run_cli(*args, "doctor", "--repair", "--json")
    assert json.loads(again.out)["repaired"] is None  # nothing left to do


def test_rebuilds_an_unreadable_vector_store(tmp_path: Path) -> None:
    """Child processes throughout: each opens the damaged store afresh, as a user would."""
    source = write_corpus(tmp_path / "papers.jsonl", 20)
    data = tmp_path / "lib"
    assert run(data, None, "ingest", str(source)).returncode == 0
    (data / "chroma" / "chroma.sqlite3").write_bytes(b"not a database " * 500)

    search = run(data, None, "search", "synthetic study")
    assert search.returncode == 1 and search.stderr.count("\n") == 1
    assert "run `litassist doctor --repair` to rebuild it" in search.stderr
    code, report = run_json(data, None, "doctor")
    assert code == 1 and report["vectors"] is None
    assert "is damaged: Chroma cannot read it" in report["vector_error"]
    assert "file is not a database" in report["vector_error"]

    code, report = run_json(data, None, "doctor", "--repair")
    assert code == 0 and report["consistent"]
    moved = Path(report["repaired"]["vector_store_moved_to"])
    assert moved.parent == data and moved.name.startswith("chroma.broken-") and moved.is_dir()
    assert report["repaired"]["reindexed"] == 20 and report["repaired"]["reembedded"] == 0
    library = Library.open(data, HashingEmbedder())
    try:
        assert_library_holds_exactly(library, [source])
    finally:
        library.close()


def test_doctor_without_a_library_is_one_line(tmp_path: Path, run_cli) -> None:
    result = run_cli("--data-dir", str(tmp_path / "nothing"), "doctor")
    assert result.code == 1 and result.err.startswith("error: No library in")
    assert result.err.count("\n") == 1
