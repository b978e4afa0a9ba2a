"""One store-level suite, run against the embedded store and against a real `chroma run` server
on 127.0.0.1: ingest, idempotent re-ingest, changed abstracts, remove, search, and BM25 kept
consistent when another client writes.  In server mode the two clients have separate data
folders, as two machines would; what one ingests, the other lists and finds."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.errors import EmbedderMismatchError, LibraryNotFoundError
from assistant.ingest import ingest
from assistant.rag.retriever import HybridRetriever, SearchFilters
from assistant.store.library import Library
from tests.conftest import HashingEmbedder
from tests.consistency import assert_library_holds_exactly

PAPERS = [
    {
        "title": "Fractal Pre-training for Vision",
        "abstract": "We pre-train vision transformers on synthetic fractal images. "
        "Fractals need no human labels, no curation and no licences.",
        "year": 2021,
        "doi": "10.1000/fractal",
        "authors": ["Kataoka, Hirokatsu", "Okayasu, Kazushige"],
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
OTHER = {
    "title": "Depth Estimation from Monocular Video",
    "abstract": "We learn monocular depth from unlabeled driving video with a photometric loss.",
    "year": 2019,
    "doi": "10.1000/depth",
}

Opener = Callable[[str], Library]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(params=["embedded", "server"])
def backend(request: pytest.FixtureRequest) -> str | None:
    """None for the embedded store, else the URL of an emptied Chroma server."""
    return request.getfixturevalue("server_url") if request.param == "server" else None


@pytest.fixture
def open_client(tmp_path: Path, backend: str | None) -> Iterator[Opener]:
    """Opens the library as client "a" or "b": in embedded mode two handles on one data
    folder, in server mode two data folders (two machines) on one server."""
    opened: list[Library] = []

    def open_as(name: str) -> Library:
        data = tmp_path / ("lib" if backend is None else f"client-{name}")
        library = Library.open(data, HashingEmbedder(), create=True, chroma_url=backend)
        opened.append(library)
        return library

    yield open_as
    for library in opened:
        library.close()


def test_ingest_stores_exactly_the_file(open_client: Opener, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", PAPERS)
    library = open_client("a")
    report = ingest([source], library)
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    assert_library_holds_exactly(library, [source])
    rows = library.catalog.list_rows()
    assert [r.paper.year for r in rows] == [2022, 2021, 2020]
    assert all(r.indexed and r.chunks == 1 for r in rows)


def test_reingest_is_idempotent(open_client: Opener, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", PAPERS)
    library = open_client("a")
    ingest([source], library)
    version = library.catalog.version()
    embedder: HashingEmbedder = library.embedder  # type: ignore[assignment]
    calls = embedder.calls
    report = ingest([source], library)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 3)
    assert library.catalog.version() == version  # nothing written at all
    assert embedder.calls == calls
    assert_library_holds_exactly(library, [source])


def test_changed_abstract_replaces_its_chunks(open_client: Opener, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", PAPERS)
    library = open_client("a")
    ingest([source], library)
    write_jsonl(
        source, [dict(PAPERS[0], abstract="A much shorter abstract on fractals."), *PAPERS[1:]]
    )
    report = ingest([source], library)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    assert_library_holds_exactly(library, [source])
    hits = HybridRetriever(library).search("synthetic fractal images human labels", 3)
    assert all("human labels" not in p.chunk.text for h in hits for p in h.passages)


def test_remove_leaves_no_trace(open_client: Opener, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", PAPERS)
    library = open_client("a")
    ingest([source], library)
    assert library.remove(["doi:10.1000/fractal"]) == 1
    assert library.catalog.get("doi:10.1000/fractal") is None
    assert library.catalog.count() == 2
    assert not any(c.startswith("doi:10.1000/fractal#") for c in library.vectors.all_ids())
    assert not any(c.startswith("doi:10.1000/fractal#") for c in library.lexical().chunk_ids)
    assert library.check().consistent
    assert library.remove(["doi:10.1000/fractal"]) == 0


def test_lookups_by_identity(open_client: Opener, tmp_path: Path) -> None:
    library = open_client("a")
    ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS)], library)
    catalog = library.catalog
    assert [p.id for p in catalog.resolve("10.1000/FRACTAL")] == ["doi:10.1000/fractal"]
    assert [p.id for p in catalog.resolve("arxiv:2001")] == ["arxiv:2001.00001"]
    assert {p.id for p in catalog.resolve("doi:")} == {"doi:10.1000/fractal"}
    assert catalog.resolve("nothing-like-this") == []
    found = catalog.get("doi:10.1000/fractal")
    assert found is not None and found.authors == ("Kataoka, Hirokatsu", "Okayasu, Kazushige")
    chunk_id = catalog.chunks_of(["arxiv:2001.00001"])[0].id
    chunks = catalog.get_chunks([chunk_id, "arxiv:2001.00001#9", "no-such#0"])
    assert list(chunks) == [chunk_id]


def test_search_with_filters(open_client: Opener, tmp_path: Path) -> None:
    library = open_client("a")
    ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS)], library)
    retriever = HybridRetriever(library)
    assert retriever.search("trajectories distillation", 1)[0].paper.year == 2022
    recent = retriever.search("images", 5, filters=SearchFilters(year_from=2021))
    assert recent and {h.paper.year for h in recent} <= {2021, 2022}
    only = retriever.search("images", 5, filters=SearchFilters(paper_ids=("arxiv:2001.00001",)))
    assert [h.paper.id for h in only] == ["arxiv:2001.00001"]


def test_another_client_writes_and_bm25_follows(open_client: Opener, tmp_path: Path) -> None:
    a, b = open_client("a"), open_client("b")
    ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS)], a)
    # b lists and finds what a ingested (in server mode: from another data folder).
    assert {r.paper.id for r in b.catalog.list_rows()} == {
        r.paper.id for r in a.catalog.list_rows()
    }
    assert b.lexical().chunk_ids  # b's BM25 is built now, before a writes again
    ingest([write_jsonl(tmp_path / "b.jsonl", [OTHER])], a)
    hits = HybridRetriever(b).search("monocular depth photometric", 1, mode="lexical")
    assert hits[0].paper.id == "doi:10.1000/depth"
    a.remove(["doi:10.1000/depth"])
    hits = HybridRetriever(b).search("monocular depth photometric", 3, mode="lexical")
    assert all(h.paper.id != "doi:10.1000/depth" for h in hits)
    assert set(b.lexical().chunk_ids) == b.catalog.chunk_ids()


def test_server_mode_keeps_only_a_cache_on_the_client(server_url: str, tmp_path: Path) -> None:
    client = tmp_path / "client"
    library = Library.open(client, HashingEmbedder(), create=True, chroma_url=server_url)
    try:
        ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS)], library)
        root = library.lexical_root()
    finally:
        library.close()
    assert not (client / "library.sqlite").exists() and not (client / "chroma").exists()
    assert root.parent.parent == client / "lexical-server" and (root / "CURRENT").is_file()
    # The cache is derived: delete it and a fresh client rebuilds it from the server.
    for path in sorted(client.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    again = Library.open(tmp_path / "elsewhere", HashingEmbedder(), chroma_url=server_url)
    try:
        hits = HybridRetriever(again).search("re-annotate validation labels", 1, mode="lexical")
        assert hits[0].paper.id == "arxiv:2001.00001"
    finally:
        again.close()


def test_server_library_errors_are_one_line(server_url: str, tmp_path: Path) -> None:
    with pytest.raises(LibraryNotFoundError, match=r"No library on the Chroma server at http"):
        Library.open(tmp_path / "c", HashingEmbedder(), chroma_url=server_url)
    library = Library.open(
        tmp_path / "c", HashingEmbedder("test:a"), create=True, chroma_url=server_url
    )
    ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS)], library)
    library.close()
    with pytest.raises(EmbedderMismatchError, match=r"built with embedder test:a.*test:b"):
        Library.open(tmp_path / "d", HashingEmbedder("test:b"), chroma_url=server_url)


def test_cli_in_server_mode(server_url: str, tmp_path: Path, run_cli, monkeypatch) -> None:
    monkeypatch.setattr("assistant.wiring.make_embedder", lambda settings: HashingEmbedder())
    source = write_jsonl(tmp_path / "a.jsonl", PAPERS)
    first = run_cli(
        "--data-dir", str(tmp_path / "m1"), "--chroma-url", server_url, "ingest", str(source)
    )
    assert first.code == 0 and "3 added" in first.out, first.err
    # A second machine, configured through the environment instead of a flag.
    monkeypatch.setenv("LITASSIST_CHROMA_URL", server_url)
    listed = run_cli("--data-dir", str(tmp_path / "m2"), "papers", "--json")
    assert listed.code == 0, listed.err
    ids = {p["id"] for p in json.loads(listed.out)}
    assert len(ids) == 3 and {"doi:10.1000/fractal", "arxiv:2001.00001"} < ids
    found = run_cli("--data-dir", str(tmp_path / "m2"), "search", "fractal images", "--json")
    assert json.loads(found.out)["results"][0]["id"] == "doi:10.1000/fractal"
    removed = run_cli("--data-dir", str(tmp_path / "m2"), "remove", "doi:10.1000/fractal")
    assert removed.code == 0
    doctor = run_cli("--data-dir", str(tmp_path / "m1"), "doctor", "--json")
    report = json.loads(doctor.out)
    assert doctor.code == 0 and report["mode"] == "server" and report["papers"] == 2


def test_clients_catch_up_from_the_change_log_without_rebuilding(
    server_url: str, tmp_path: Path
) -> None:
    """Each client follows the other's writes at its next search from the server's change log:
    one full download when its cache is new, none after (adds, changes, removes)."""

    def open_client(name: str) -> Library:
        return Library.open(tmp_path / name, HashingEmbedder(), create=True, chroma_url=server_url)

    a, b = open_client("a"), open_client("b")
    try:
        ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS)], a)
        search_b = HybridRetriever(b)
        assert search_b.search("re-annotate validation labels", 1, mode="lexical")
        assert b._server_cache().rebuilds == 1  # its first sync: every record

        ingest([write_jsonl(tmp_path / "b.jsonl", [OTHER])], b)  # b writes, a follows
        hits = HybridRetriever(a).search("monocular depth photometric", 1, mode="lexical")
        assert hits[0].paper.id == "doi:10.1000/depth"

        changed = {**PAPERS[1], "abstract": "Distilled datasets of tiny glyph images."}
        source = write_jsonl(tmp_path / "a.jsonl", [PAPERS[0], changed, PAPERS[2]])
        assert ingest([source], a).updated == 1  # a changes a paper
        hits = search_b.search("glyph", 1, mode="lexical")
        assert hits and hits[0].paper.title == PAPERS[1]["title"]
        assert not search_b.search("compresses", 1, mode="lexical")  # the old text is gone

        a.remove(["doi:10.1000/depth"])
        assert not search_b.search("monocular depth photometric", 3, mode="lexical")
        assert set(b.lexical().chunk_ids) == b.catalog.chunk_ids()
        assert b._server_cache().rebuilds == 1 and a._server_cache().rebuilds == 1
    finally:
        a.close()
        b.close()


def test_a_client_behind_a_truncated_log_rebuilds(
    server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.store import server_catalog

    a = Library.open(tmp_path / "a", HashingEmbedder(), create=True, chroma_url=server_url)
    b = Library.open(tmp_path / "b", HashingEmbedder(), create=True, chroma_url=server_url)
    try:
        ingest([write_jsonl(tmp_path / "a.jsonl", PAPERS[:1])], a)
        assert HybridRetriever(b).search("fractal", 1, mode="lexical")
        # Keep almost nothing: a's next writes truncate entries b has not read.
        monkeypatch.setattr(server_catalog, "LOG_KEPT", 1)
        monkeypatch.setattr(server_catalog, "_TRUNCATE_EVERY", 1)
        ingest([write_jsonl(tmp_path / "b.jsonl", PAPERS[1:])], a)
        ingest([write_jsonl(tmp_path / "c.jsonl", [OTHER])], a)
        hits = HybridRetriever(b).search("monocular depth photometric", 1, mode="lexical")
        assert hits[0].paper.id == "doi:10.1000/depth"
        assert b._server_cache().rebuilds == 2
        assert set(b.lexical().chunk_ids) == b.catalog.chunk_ids()
    finally:
        a.close()
        b.close()
