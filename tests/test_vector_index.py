"""The vector index can be damaged without litassist crashing, lying or re-embedding.

Garbage in a segment file made Chroma's native code kill every vector command (SIGSEGV, exit
139); a deleted or half-cut segment made dense search silently return other papers.  Now each
chunk's vector is kept in the catalog, a changed segment is probed in a child process before
use, and `doctor --repair` rebuilds the index from the kept vectors: same results, nothing
embedded again.  The damaging commands run in child processes (`tests.cli_session`), so a
crash there fails the test instead of killing pytest.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.ingest import ingest
from assistant.rag.retriever import HybridRetriever
from assistant.store import vector_guard
from assistant.store.kept_vectors import COMPLETE_KEY
from assistant.store.library import Library
from assistant.store.vectors import COLLECTION, forget_embedded_clients
from tests.cli_session import Ran, run_session
from tests.conftest import ROOT, HashingEmbedder
from tests.consistency import assert_library_holds_exactly
from tests.damage import build_library, garble, segment_file
from tests.synthetic_corpus import write_corpus

QUERIES = ("Synthetic study 7 benchmark", "segmentation transformer depth", "label noise faces")


def one_line(ran: Ran) -> str:
    assert ran.code == 1, (ran.args, ran.out, ran.err)
    assert ran.err.count("\n") == 1 and ran.err.startswith("error: "), ran.err
    assert "Traceback" not in ran.err and "unexpected" not in ran.err, ran.err
    return ran.err


def results(found: object) -> list[tuple[str, list[str]]]:
    """What a `search --json` answer shows: papers in order, each with its passages."""
    assert isinstance(found, dict)
    return [(r["id"], [p["chunk_id"] for p in r["passages"]]) for r in found["results"]]


def searches(data: Path) -> list[list[str]]:
    return [["--data-dir", str(data), "search", q, "--json"] for q in QUERIES]


@pytest.fixture
def segment_library(tmp_path: Path) -> tuple[Path, Path]:
    """40 papers with the HNSW segment on disk; (data folder, source file)."""
    data = tmp_path / "lib"
    source = build_library(data, tmp_path / "papers.jsonl")
    return data, source


def baseline(data: Path) -> list[list[tuple[str, list[str]]]]:
    """The search results of the intact library, in a child (as the later checks run)."""
    return [results(r.json()) for r in run_session(*searches(data))]


def test_garbage_in_a_segment_crashes_chroma_itself(segment_library: tuple[Path, Path]) -> None:
    """The defect: Chroma's own client, used directly, dies of SIGSEGV on this damage."""
    data, _ = segment_library
    garble(segment_file(data, "data_level0.bin"))
    script = (
        "import chromadb, numpy as np\n"
        "from chromadb.config import Settings\n"
        f"c = chromadb.PersistentClient({str(data / 'chroma')!r}, "
        "Settings(anonymized_telemetry=False))\n"
        f"col = c.get_collection({COLLECTION!r})\n"
        "col.count()\n"
        "col.query(query_embeddings=[np.ones(256, dtype=np.float32)], n_results=5)\n"
    )
    crashed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=120, check=False
    )
    assert crashed.returncode == -11  # SIGSEGV: what every vector command used to die of


def test_a_garbled_segment_gives_one_line_everywhere_and_is_rebuilt(
    segment_library: tuple[Path, Path],
) -> None:
    data, source = segment_library
    before = baseline(data)
    garble(segment_file(data, "data_level0.bin"))
    home = ["--data-dir", str(data)]
    ran = run_session(
        *searches(data)[:1],
        [*home, "search", QUERIES[0], "--mode", "dense"],
        [*home, "ask", "Which datasets study segmentation?", "--mode", "extractive"],
        [*home, "ingest", str(source)],
        [*home, "remove", "doi:10.5555/synthetic.3"],
        [*home, "doctor", "--json"],
        [*home, "doctor", "--repair", "--json"],
        *searches(data),
    )
    for command in ran[:5]:
        message = one_line(command)
        assert "is damaged (reading it crashed Chroma's native code (SIGSEGV))" in message
        assert "run `litassist doctor --repair`" in message
    found = ran[5]
    assert found.code == 1 and "crashed Chroma's native code" in found.json()["vector_error"]
    repaired = ran[6]
    assert repaired.code == 0, repaired.err
    report = repaired.json()
    assert report["consistent"] and report["repaired"]["reindexed"] == 40
    assert report["repaired"]["reembedded"] == 0  # rebuilt from the kept vectors
    assert Path(report["repaired"]["vector_store_moved_to"]).is_dir()
    assert [results(r.json()) for r in ran[7:]] == before
    library = Library.open(data, HashingEmbedder())
    try:
        assert_library_holds_exactly(library, [source])  # the removal never happened
    finally:
        library.close()
        forget_embedded_clients()


def _delete_segment_folder(data: Path) -> None:
    shutil.rmtree(segment_file(data, "data_level0.bin").parent)


def _cut_data_short(data: Path) -> None:
    """Cut inside the vectors (the second half of a small library's file is spare room)."""
    path = segment_file(data, "data_level0.bin")
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 4)


@pytest.mark.parametrize("damage", [_delete_segment_folder, _cut_data_short])
def test_a_missing_or_cut_segment_is_never_silently_wrong(
    damage, segment_library: tuple[Path, Path]
) -> None:
    """Both used to pass `doctor` while dense search returned other papers."""
    data, _ = segment_library
    before = baseline(data)
    damage(data)
    home = ["--data-dir", str(data)]
    ran = run_session(
        [*home, "search", QUERIES[0], "--mode", "dense", "--json"],
        [*home, "doctor", "--json"],
        [*home, "doctor", "--repair", "--json"],
        *searches(data),
    )
    assert "run `litassist doctor --repair`" in one_line(ran[0])
    assert ran[1].code == 1 and "is damaged" in ran[1].json()["vector_error"]
    assert ran[2].code == 0 and ran[2].json()["repaired"]["reembedded"] == 0
    assert [results(r.json()) for r in ran[3:]] == before


def test_a_healthy_library_is_not_probed(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a successful write the segment files are recorded, so later commands open the
    index at once; files changed behind our back are probed once, then trusted again."""
    probes: list[Path] = []
    real_probe = vector_guard.probe

    def counted(chroma_dir: Path, catalog: Path | None, **kwargs: object):
        probes.append(chroma_dir)
        return real_probe(chroma_dir, catalog)

    monkeypatch.setattr(vector_guard, "probe", counted)
    monkeypatch.setattr(
        "assistant.store.vectors.HNSW_CONFIG",
        {"space": "cosine", "sync_threshold": 10, "batch_size": 10},
    )
    ingest([write_corpus(tmp_path / "papers.jsonl", 30)], library)
    library.close()

    def search_afresh() -> list[str]:
        forget_embedded_clients()
        reopened = Library.open(library.data_dir, HashingEmbedder())
        try:
            return [h.paper.id for h in HybridRetriever(reopened).search("study dataset", 5)]
        finally:
            reopened.close()

    first = search_afresh()
    assert len(first) == 5 and search_afresh() == first
    assert probes == []
    segment = segment_file(library.data_dir, "header.bin")
    segment.write_bytes(segment.read_bytes())  # same bytes, new mtime: something touched it
    assert search_afresh() == first
    assert search_afresh() == first
    assert len(probes) == 1
    forget_embedded_clients()


# ---- vectors kept in the catalog ------------------------------------------------------------
def test_every_indexed_chunk_keeps_the_vector_the_index_holds(
    library: Library, tmp_path: Path
) -> None:
    source = write_corpus(tmp_path / "papers.jsonl", 12)
    ingest([source], library)
    ids = sorted(library.catalog.chunk_ids())
    kept = library.catalog.kept_vectors(ids)
    held = library.vectors.get_vectors(ids)
    assert set(kept) == set(held) == set(ids) and library.catalog.unkept_chunks() == []
    for cid in ids:
        assert kept[cid].data == kept[cid].array().astype("<f2").tobytes()  # float16
        # What Chroma holds, up to the unit-length scaling it applies in cosine space.
        assert np.allclose(kept[cid].array(), held[cid][0], atol=1e-6)
        assert kept[cid].content_hash == held[cid][1]

    paper = library.catalog.get("doi:10.5555/synthetic.5")
    assert paper is not None
    ingest_one(library, replace(paper, venue="A venue"))  # metadata only: nothing re-embedded
    again = library.catalog.kept_vectors(ids)
    assert again == kept
    changed = replace(paper, abstract=paper.abstract + " A new closing sentence.")
    ingest_one(library, changed)
    mine = [cid for cid in library.catalog.chunk_ids() if cid.startswith(paper.id + "#")]
    fresh = library.catalog.kept_vectors(mine)
    assert {v.content_hash for v in fresh.values()} == {changed.content_hash}
    library.remove([paper.id])
    assert library.catalog.kept_vectors(mine) == {}
    assert library.check().consistent


def ingest_one(library: Library, paper) -> None:
    from assistant.rag.chunking import chunk_paper
    from assistant.sources.identity import title_hash

    with library.write_lock():
        library.write([(paper, chunk_paper(paper))], [title_hash(paper.title)])


def test_the_index_is_rebuilt_from_kept_vectors_without_embedding(
    library: Library, hashing_embedder: HashingEmbedder, tmp_path: Path
) -> None:
    source = write_corpus(tmp_path / "papers.jsonl", 20)
    ingest([source], library)
    before = [[h.paper.id for h in HybridRetriever(library).search(q, 10)] for q in QUERIES]
    embedder = hashing_embedder
    calls = embedder.calls
    library.rebuild_vector_store()
    report = library.repair(thorough=True)
    assert report.reindexed == 20 and report.reembedded == 0 and report.restored_from_kept == 20
    assert embedder.calls == calls  # not one batch embedded
    assert [[h.paper.id for h in HybridRetriever(library).search(q, 10)] for q in QUERIES] == before
    assert_library_holds_exactly(library, [source])
    forget_embedded_clients()


def make_old(data: Path) -> None:
    """What a library from before kept vectors looks like: no table, no schema step."""
    with sqlite3.connect(data / "library.sqlite") as db:
        db.execute("DROP TABLE chunk_vectors")
        db.execute("DELETE FROM meta WHERE key LIKE 'kept_vectors%'")


def test_an_older_library_gets_its_vectors_copied_from_the_index(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    first = write_corpus(tmp_path / "first.jsonl", 15)
    library = Library.open(data, HashingEmbedder(), create=True)
    ingest([first], library)
    library.close()
    forget_embedded_clients()
    make_old(data)

    embedder = HashingEmbedder()
    library = Library.open(data, embedder)
    try:
        assert library.catalog.get_meta(COMPLETE_KEY) is None
        assert len(library.catalog.unkept_chunks()) == len(library.catalog.chunk_ids())
        assert library.check().unkept_vectors > 0  # the doctor reports it
        second = write_corpus(tmp_path / "second.jsonl", 5, start=100)
        chunks = len(library.catalog.chunk_ids())  # all indexed, none kept
        report = ingest([second], library)  # the next writer migrates, and says so
        assert embedder.calls == 1  # the new file's one batch; the old vectors were copied
        assert report.vectors_copied == chunks
        assert f"kept {chunks} existing vectors in the catalog" in report.summary()
        assert library.catalog.unkept_chunks() == []
        assert library.catalog.get_meta(COMPLETE_KEY) == "1"
        assert_library_holds_exactly(library, [first, second])
    finally:
        library.close()
        forget_embedded_clients()


def test_an_older_library_with_a_broken_index_is_re_embedded_once(tmp_path: Path) -> None:
    source = write_corpus(tmp_path / "papers.jsonl", 15)
    data = tmp_path / "lib"
    library = Library.open(data, HashingEmbedder(), create=True)
    ingest([source], library)
    library.close()
    forget_embedded_clients()
    make_old(data)
    (data / "chroma" / "chroma.sqlite3").write_bytes(b"not a database " * 500)
    home = ["--data-dir", str(data)]
    ran = run_session([*home, "doctor", "--repair", "--json"], [*home, "doctor", "--json"])
    report = ran[0].json()
    assert ran[0].code == 0 and report["repaired"]["reembedded"] == 15
    assert report["kept_vectors"] == report["chunks"] and report["unkept_vectors"] == 0
    assert ran[1].code == 0 and ran[1].json()["consistent"]


# ---- server mode --------------------------------------------------------------------------
def test_server_index_is_rebuilt_from_the_kept_copies(
    server_url: str, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("assistant.wiring.make_embedder", lambda settings: HashingEmbedder())
    source = write_corpus(tmp_path / "papers.jsonl", 20)
    client = ["--data-dir", str(tmp_path / "client"), "--chroma-url", server_url]
    assert run_cli(*client, "ingest", str(source)).code == 0
    before = [results(json.loads(run_cli(*client, "search", q, "--json").out)) for q in QUERIES]
    library = Library.open(tmp_path / "client", HashingEmbedder(), chroma_url=server_url)
    try:
        assert library.catalog.unkept_chunks() == []
        assert library.catalog.kept_vector_count() == len(library.catalog.chunk_ids())
        # The server's chunk collection is lost (its administrator removed a damaged one).
        library._client_factory().delete_collection(COLLECTION)
    finally:
        library.close()
    found = run_cli(*client, "doctor", "--json")
    assert (
        found.code == 1 and "has no litassist collection" in json.loads(found.out)["vector_error"]
    )
    searched = run_cli(*client, "search", QUERIES[0])  # never silently without dense results
    assert searched.code == 1 and "`litassist doctor --repair`" in searched.err
    repaired = run_cli(*client, "doctor", "--repair", "--json")
    assert repaired.code == 0, repaired.err
    report = json.loads(repaired.out)
    assert report["repaired"]["reindexed"] == 20 and report["repaired"]["reembedded"] == 0
    assert report["probe"].startswith("ok")
    after = [results(json.loads(run_cli(*client, "search", q, "--json").out)) for q in QUERIES]
    assert after == before


def test_a_segment_lost_on_the_server_is_caught_and_rebuilt(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server-side counterpart: a segment folder gone from the server's `--path` makes
    it serve a partial index without an error; every command says so, the doctor rebuilds."""
    from tests.chroma_server import ChromaServer
    from tests.damage import SMALL_SYNC

    monkeypatch.setattr("assistant.wiring.make_embedder", lambda settings: HashingEmbedder())
    monkeypatch.setattr("assistant.store.vectors.HNSW_CONFIG", SMALL_SYNC)
    server = ChromaServer(tmp_path / "server-data").start()
    try:
        client = ["--data-dir", str(tmp_path / "client"), "--chroma-url", server.url]
        assert run_cli(*client, "ingest", str(write_corpus(tmp_path / "p.jsonl", 40))).code == 0
        before = [results(json.loads(run_cli(*client, "search", q, "--json").out)) for q in QUERIES]
        library = Library.open(tmp_path / "client", HashingEmbedder(), chroma_url=server.url)
        collection_id = str(library._client_factory().get_collection(COLLECTION).id)
        library.close()
        server.stop()
        with sqlite3.connect(tmp_path / "server-data" / "chroma.sqlite3") as db:
            (segment,) = db.execute(
                "SELECT id FROM segments WHERE collection = ? AND scope = 'VECTOR'",
                (collection_id,),
            ).fetchone()
        shutil.rmtree(tmp_path / "server-data" / segment)
        server.start()
        searched = run_cli(*client, "search", QUERIES[0])
        assert searched.code == 1 and searched.err.count("\n") == 1
        assert "is damaged" in searched.err and "`litassist doctor --repair`" in searched.err
        repaired = run_cli(*client, "doctor", "--repair", "--json")
        assert repaired.code == 0, repaired.out
        assert json.loads(repaired.out)["repaired"]["reembedded"] == 0
        after = [results(json.loads(run_cli(*client, "search", q, "--json").out)) for q in QUERIES]
        assert after == before
    finally:
        server.stop()


def test_missing_and_stale_vectors_are_not_taken_for_a_damaged_index(tmp_path: Path) -> None:
    """The probe judges only vectors the index lists from the catalog's paper version: a third
    of the chunks without their vector or embedded from another version each fail to find
    their kept copy, yet the index works; doctor names them as missing and stale instead."""
    library = Library.open(tmp_path / "lib", HashingEmbedder(), create=True)
    ingest([write_corpus(tmp_path / "papers.jsonl", 30)], library)
    chunks = library.catalog.chunks_of([f"doi:10.5555/synthetic.{n}" for n in range(1, 11)])
    lost, old = [c.id for c in chunks[::2]], [c for c in chunks[1::2]]
    library.vectors.delete_ids(lost)
    wrong = np.eye(len(old), HashingEmbedder.dim, dtype=np.float32)
    library.vectors.upsert(old, wrong, [None] * len(old), ["0" * 32] * len(old))
    chroma_dir, catalog = library.chroma_dir, library.data_dir / "library.sqlite"
    library.close()
    forget_embedded_clients()

    result = vector_guard.probe(chroma_dir, catalog, sample=1000)  # every kept vector
    assert result.ok, result.problem
    assert result.sampled == result.found > 0
    reopened = Library.open(tmp_path / "lib", HashingEmbedder())
    health = reopened.check()
    assert health.vector_error is None
    assert sorted(health.missing_vectors) == sorted(lost)
    assert sorted(health.stale_vectors) == sorted(c.id for c in old)
    reopened.close()
