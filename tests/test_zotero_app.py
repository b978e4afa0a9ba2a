"""`litassist sync zotero` and `ingest zotero.sqlite` end to end, and collections and tags as
filters of search, ask and compare: a Zotero database built in the test, a real Chroma store
(embedded and on a real `chroma run` server), the real entry point."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from assistant.app import Litassist, Scope
from assistant.errors import ZoteroReadError
from assistant.settings import Settings
from assistant.store.library import Library
from assistant.store.sync_state import SyncState
from tests.conftest import HashingEmbedder
from tests.tui_support import make_settings
from tests.zotero_db import ZoteroDb

ABSTRACT = "We study {topic} with a new dataset of images and report results on {topic} tasks."


def build_zotero(folder: Path) -> tuple[ZoteroDb, dict[str, int]]:
    """Six regular items (two collection levels, tags, a Better BibTeX key in Extra), plus a
    note, an attachment and a trashed item that a sync must skip."""
    folder.mkdir(parents=True, exist_ok=True)
    db = ZoteroDb(folder / "zotero.sqlite")
    with db.transaction():
        thesis = db.add_collection("Thesis")
        chapter = db.add_collection("Chapter 2", parent=thesis)
        other = db.add_collection("Reading group")

        def item(title: str, topic: str, **extra: Any) -> int:
            fields = {"title": title, "abstractNote": ABSTRACT.format(topic=topic)}
            fields.update(extra.pop("fields", {}))
            return db.add_item(fields, **extra)

        ids = {
            "seg": item(
                "Segment Anything in Medical Images",
                "medical segmentation",
                fields={
                    "date": "2023-04-01",
                    "DOI": "10.1000/seg",
                    "extra": "Citation Key: ma2023",
                },
                creators=[("Jun", "Ma", "author"), ("Bo", "Wang", "author")],
                tags=["segmentation", "medical"],
                collections=[chapter],
            ),
            "depth": item(
                "Monocular Depth Estimation Survey",
                "depth estimation",
                fields={"date": "2021"},
                tags=["depth"],
                collections=[thesis],
            ),
            "clip": item(
                "Contrastive Language Image Pretraining at Scale",
                "contrastive pretraining",
                fields={"date": "2021", "DOI": "10.1000/clip"},
                tags=["multimodal", "medical"],
                collections=[other],
            ),
            "det": item(
                "Open Vocabulary Object Detection",
                "object detection",
                tags=["detection"],
            ),
            "trashed": item("A Paper In The Trash", "nothing", collections=[thesis]),
        }
        db.add_note(ids["seg"])
        db.add_attachment(ids["seg"])
        db.trash(ids["trashed"])
    return db, ids


def app_over(data_dir: Path, chroma_url: str | None = None, **values: Any) -> Litassist:
    embedder = HashingEmbedder()
    settings = make_settings(data_dir, chroma_url=chroma_url, **values)

    def open_library(s: Settings, create: bool) -> Library:
        return Library.open(s.data_dir, embedder, create=create, chroma_url=s.chroma_url)

    return Litassist(settings, open_library=open_library)


def test_sync_zotero_through_the_cli(run_cli, tmp_path: Path) -> None:
    zotero = tmp_path / "Zotero"
    db, ids = build_zotero(zotero)
    home = ["--data-dir", str(tmp_path / "lib")]

    first = run_cli(*home, "sync", "zotero", "--zotero-dir", str(zotero))
    assert first.code == 0, first.err
    assert first.out.strip() == (
        f"Synced Zotero ({zotero / 'zotero.sqlite'}): 4 new, 0 changed, 0 removed, 0 unchanged; "
        "skipped: 2 attachments and notes, 1 in the trash."
    )
    papers = {p["title"]: p for p in json.loads(run_cli(*home, "papers", "--json").out)}
    seg = papers["Segment Anything in Medical Images"]
    assert seg["citekey"] == "ma2023" and seg["year"] == 2023
    assert seg["authors"] == ["Ma, Jun", "Wang, Bo"]
    assert seg["collections"] == ["Thesis/Chapter 2"]
    assert seg["tags"] == ["medical", "segmentation"]
    assert seg["origin"] == f"zotero:user/{db.key_of(ids['seg'])}"
    assert seg["item_type"] == "journalArticle"

    # Nothing changed: nothing written.
    again = run_cli(*home, "sync", "zotero", "--zotero-dir", str(zotero))
    assert "0 new, 0 changed, 0 removed, 4 unchanged" in again.out

    with db.transaction():
        db.set_field(ids["depth"], "title", "Monocular Depth Estimation: A Survey")
        db.set_field(ids["seg"], "extra", "Citation Key: ma2023sam")
        db.delete(ids["clip"])
        db.trash(ids["det"])
        db.add_item({"title": "Video Generation Models", "abstractNote": "Video diffusion."})
    changed = run_cli(*home, "sync", "zotero", "--zotero-dir", str(zotero), "--json")
    result = json.loads(changed.out)
    assert (result["added"], result["updated"], result["removed"], result["unchanged"]) == (
        1,
        2,
        2,
        0,
    )
    papers = {p["title"]: p for p in json.loads(run_cli(*home, "papers", "--json").out)}
    assert set(papers) == {
        "Segment Anything in Medical Images",
        "Monocular Depth Estimation: A Survey",
        "Video Generation Models",
    }
    assert papers["Segment Anything in Medical Images"]["citekey"] == "ma2023sam"
    # Exported notes and BibTeX cite with the Better BibTeX key.
    asked = run_cli(*home, "ask", "What is segmented?", "--mode", "extractive",
                    "--tag", "segmentation")  # fmt: skip
    assert asked.code == 0, asked.err
    exported = run_cli(*home, "export", "--last", "--format", "bibtex")
    assert exported.code == 0, exported.err
    assert "{ma2023sam," in exported.out

    # `ingest` recognises a Zotero database by content, whatever its name.
    copy = tmp_path / "backup" / "my-library.db"
    copy.parent.mkdir()
    db.conn.execute("PRAGMA wal_checkpoint")
    shutil.copyfile(zotero / "zotero.sqlite", copy)
    ingested = run_cli(*home, "ingest", str(copy))
    assert ingested.code == 0, ingested.err
    assert "0 new, 0 changed, 0 removed, 3 unchanged" in ingested.out
    db.close()


def test_unreadable_zotero_is_one_line(run_cli, tmp_path: Path) -> None:
    missing = run_cli("--data-dir", str(tmp_path / "lib"), "sync", "zotero", "--zotero-dir",
                      str(tmp_path / "nowhere"))  # fmt: skip
    assert missing.code == 1
    assert missing.err.startswith("error: No Zotero database at ")
    assert len(missing.err.strip().splitlines()) == 1 and "Traceback" not in missing.err
    not_zotero = tmp_path / "other" / "zotero.sqlite"
    not_zotero.parent.mkdir()
    not_zotero.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    bad = run_cli("--data-dir", str(tmp_path / "lib"), "sync", "zotero", "--zotero-dir",
                  str(not_zotero.parent))  # fmt: skip
    assert bad.code == 1 and len(bad.err.strip().splitlines()) == 1


def test_local_api_when_the_file_is_not_there(tmp_path: Path) -> None:
    api = "http://localhost:23119/api"
    item = {
        "key": "LF4MJWZK",
        "version": 7,
        "itemType": "journalArticle",
        "title": "Real-Time Rendering With Ray Tracing",
        "creators": [{"creatorType": "author", "firstName": "Tomas", "lastName": "Moller"}],
        "abstractNote": "Ray tracing in real time.",
        "date": "2018-08-06",
        "extra": "Citation Key: moller2018",
        "tags": [{"tag": "rendering"}],
        "collections": [],
    }
    with app_over(tmp_path / "lib", zotero_dir=tmp_path / "no-zotero-here") as app:
        with respx.mock() as mock:
            mock.get(f"{api}/users/0/items/top").mock(
                return_value=httpx.Response(200, json=[{"key": item["key"], "data": item}])
            )
            mock.get(f"{api}/users/0/collections").mock(
                return_value=httpx.Response(200, json=[], headers={"Total-Results": "0"})
            )
            result = app.zotero.sync()
        assert (result.via, result.added) == ("local API", 1)
        (row,) = app.library.papers()
        assert row.paper.citekey == "moller2018" and row.paper.tags == ("rendering",)

        with respx.mock() as mock:  # Zotero not running either: one line naming both
            mock.get(url__startswith=api).mock(side_effect=httpx.ConnectError("refused"))
            with pytest.raises(ZoteroReadError) as error:
                app.zotero.sync()
        assert "No Zotero database" in str(error.value) and "local API" in str(error.value)
        assert len(app.library.papers()) == 1  # nothing lost


def test_sync_of_a_collection_leaves_the_rest(tmp_path: Path) -> None:
    zotero = tmp_path / "Zotero"
    db, ids = build_zotero(zotero)
    with app_over(tmp_path / "lib") as app:
        first = app.zotero.sync(zotero, collections=["thesis"])  # sub-collections too
        assert (first.added, first.out_of_scope) == (2, 2)
        tagged = app.zotero.sync(zotero, tags=["medical"])
        assert (tagged.added, tagged.unchanged) == (1, 1)  # clip new, seg already synced
        titles = {r.paper.title for r in app.library.papers()}
        assert len(titles) == 3 and "Open Vocabulary Object Detection" not in titles
        with db.transaction():
            db.delete(ids["depth"])  # deleted in Zotero: removed whatever the selection
        last = app.zotero.sync(zotero, tags=["medical"])
        assert last.removed == 1
        assert {r.paper.title for r in app.library.papers()} == titles - {
            "Monocular Depth Estimation Survey"
        }
    db.close()


def test_a_resync_with_nothing_changed_rebuilds_nothing(tmp_path: Path) -> None:
    """After a sync, a re-sync finds every item unchanged by its stamp (nothing rebuilt, the
    state file not rewritten); a state stored before stamps existed is upgraded in place."""
    zotero = tmp_path / "Zotero"
    db, _ = build_zotero(zotero)
    with app_over(tmp_path / "lib") as app:
        app.zotero.sync(zotero)
        state = SyncState(tmp_path / "lib")
        stamps = {ref: s.stamp for ref, s in state.load().items()}
        assert len(stamps) == 4 and all(stamps.values())
        read, _ = app.zotero.read(zotero, known={r: s for r, s in stamps.items() if s})
        assert (len(read.items), len(read.unchanged)) == (0, 4)
        before = state.path.stat().st_mtime_ns
        again = app.zotero.sync(zotero, tags=["medical"])
        assert (again.unchanged, again.out_of_scope, again.changed) == (2, 2, False)
        assert state.path.stat().st_mtime_ns == before

        # A state file of the version before stamps: every item fingerprinted once, restamped.
        with sqlite3.connect(state.path) as conn:
            conn.execute("ALTER TABLE synced DROP COLUMN stamp")
        upgraded = app.zotero.sync(zotero)
        assert (upgraded.unchanged, upgraded.changed) == (4, False)
        assert all(s.stamp for s in SyncState(tmp_path / "lib").load().values())
    db.close()


@pytest.mark.parametrize("backend", ["embedded", "server"])
def test_collection_and_tag_filters(
    tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    url = request.getfixturevalue("server_url") if backend == "server" else None
    zotero = tmp_path / "Zotero"
    db, _ = build_zotero(zotero)
    with app_over(tmp_path / "lib", chroma_url=url) as app:
        app.zotero.sync(zotero)

        def titles(**scope: Any) -> set[str]:
            hits = app.library.search("dataset images results", 10, scope=Scope(**scope))
            return {h.paper.title for h in hits}

        every = titles()
        assert len(every) == 4
        assert titles(collections=("Thesis",)) == {
            "Segment Anything in Medical Images",
            "Monocular Depth Estimation Survey",
        }
        assert titles(collections=("chapter 2",)) == {"Segment Anything in Medical Images"}
        assert titles(collections=("Thesis/Chapter 2", "Reading group")) == {
            "Segment Anything in Medical Images",
            "Contrastive Language Image Pretraining at Scale",
        }
        assert titles(tags=("medical",)) == {
            "Segment Anything in Medical Images",
            "Contrastive Language Image Pretraining at Scale",
        }
        assert titles(tags=("medical", "segmentation")) == {"Segment Anything in Medical Images"}
        assert titles(collections=("Reading group",), tags=("segmentation",)) == set()
        assert titles(collections=("No such collection",)) == set()
        for mode in ("dense", "lexical"):
            hits = app.library.search("dataset", 10, scope=Scope(tags=("depth",)), mode=mode)
            assert [h.paper.title for h in hits] == ["Monocular Depth Estimation Survey"]

        # A re-sync that moves a paper into another collection moves it in the filters too.
        with db.transaction():
            db.conn.execute("DELETE FROM collectionItems")
        app.zotero.sync(zotero)
        assert titles(collections=("Thesis",)) == set()

        collections, tags = app.library.labels()
        assert collections == [] and ("medical", 2) in tags
    db.close()


def test_filters_on_ask_and_compare_through_the_cli(run_cli, tmp_path: Path) -> None:
    zotero = tmp_path / "Zotero"
    db, _ = build_zotero(zotero)
    home = ["--data-dir", str(tmp_path / "lib")]
    assert run_cli(*home, "sync", "zotero", "--zotero-dir", str(zotero)).code == 0
    found = json.loads(
        run_cli(*home, "search", "dataset of images", "--tag", "depth", "--json").out
    )
    assert [r["title"] for r in found["results"]] == ["Monocular Depth Estimation Survey"]
    asked = run_cli(*home, "ask", "What dataset is used?", "--mode", "extractive",
                    "--collection", "Reading group", "--json")  # fmt: skip
    assert asked.code == 0, asked.err
    sources = {s["paper"]["title"] for s in json.loads(asked.out)["sources"]}
    assert sources == {"Contrastive Language Image Pretraining at Scale"}
    compared = run_cli(*home, "compare", "--topic", "images dataset", "--mode", "extractive",
                       "--tag", "medical", "--format", "json", "--no-save")  # fmt: skip
    assert compared.code == 0, compared.err
    rows = {r["title"] for r in json.loads(compared.out)["rows"]}
    assert rows <= {
        "Segment Anything in Medical Images",
        "Contrastive Language Image Pretraining at Scale",
    }
    assert rows
    usage = run_cli(*home, "compare", "a", "b", "--tag", "medical")
    assert usage.code == 1 and "--topic" in usage.err
    db.close()


def test_dense_search_within_a_large_selection_oversamples(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A selection holding a large share of the library is searched without Chroma's id list
    (neighbours oversampled, then kept if selected): the same papers as with the list."""
    import dataclasses

    from assistant.rag import retriever as retrieval
    from assistant.rag.chunking import chunk_paper
    from assistant.sources.identity import make_paper, title_hash

    papers = [
        dataclasses.replace(
            make_paper(title=f"Study {n} of {topic}", abstract=f"We measure {topic} in case {n}."),
            tags=("even",) if n % 2 == 0 else ("odd", "rare") if n == 7 else ("odd",),
        )
        for n in range(40)
        for topic in ["segmentation"]
    ]
    library.write([(p, chunk_paper(p)) for p in papers], [title_hash(p.title) for p in papers])
    search = retrieval.HybridRetriever(library)
    calls: list[dict[str, Any] | None] = []
    query = library.vectors.query

    def spy(vector: Any, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        calls.append(where)
        return query(vector, n, where)

    monkeypatch.setattr(library.vectors, "query", spy)
    listed = {
        tag: [h.paper.id for h in search.search("segmentation case", 10, mode="dense",
                                                filters=retrieval.SearchFilters(tags=(tag,)))]
        for tag in ("even", "rare")
    }  # fmt: skip
    assert all(where is not None for where in calls)  # 20 and 1 papers: the id list
    monkeypatch.setattr(retrieval, "OVERSAMPLE_MIN_PAPERS", 1)
    calls.clear()
    for tag in ("even", "rare"):
        hits = search.search("segmentation case", 10, mode="dense",
                             filters=retrieval.SearchFilters(tags=(tag,)))  # fmt: skip
        assert [h.paper.id for h in hits] == listed[tag]
        assert all(tag in h.paper.tags for h in hits) and hits
    # "even" (half the library) was oversampled without a filter; "rare" (1 of 40) is too
    # small a share and kept the id list.
    assert calls[0] is None and calls[-1] is not None
