"""Reading a Zotero database built from Zotero's own schema: items, skips, keys, locks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assistant.errors import ZoteroReadError
from assistant.text import first_surname
from assistant.zotero import ZoteroRef, is_zotero_database, read_zotero
from assistant.zotero import database as zotero_database
from assistant.zotero.better_bibtex import read_better_bibtex
from tests.zotero_db import ZoteroDb, write_better_bibtex

ABSTRACT = "We distill the knowledge from a large training dataset into a small one."


def build_library(folder: Path, *, journal_mode: str = "delete") -> tuple[ZoteroDb, dict[str, int]]:
    """The test library: every kind of row the reader must keep or skip."""
    db = ZoteroDb(folder / "zotero.sqlite", groups=[(2, 4242)])
    db.conn.execute(f"PRAGMA journal_mode={journal_mode}")
    ids: dict[str, int] = {}
    with db.transaction():
        vision = db.add_collection("Vision")
        datasets = db.add_collection("Datasets", parent=vision)
        old = db.add_collection("Old")
        inside_old = db.add_collection("Older", parent=old)
        db.trash_collection(old)
        ids["distill"] = db.add_item(
            {
                "title": "Dataset  Distillation",
                "abstractNote": ABSTRACT,
                "date": "2018-11-27 2018-11-27",
                "publicationTitle": "arXiv preprint",
                "DOI": "https://doi.org/10.1000/ABC.",
                "url": "https://example.org/dd",
                "extra": "PMID: 123\nCitation Key: wang2018dd",
            },
            creators=[
                ("Tongzhou", "Wang", "author"),
                ("Jun-Yan", "Zhu", "author"),
                ("", "MIT CSAIL", "author"),  # a single-field (institutional) creator
                ("Alexei", "Efros", "editor"),
            ],
            tags=["to-read", "distillation"],
            collections=[datasets, inside_old],
            modified="2024-01-02 09:00:00",
        )
        db.add_attachment(ids["distill"])
        db.add_note(ids["distill"])
        db.add_note(None, "<p>a standalone note</p>")
        ids["cvpr"] = db.add_item(
            {
                "title": "Learning to Distill",
                "date": "2020-06-00 June 2020",
                "proceedingsTitle": "Proceedings of CVPR",
                "conferenceName": "CVPR 2020",
                "extra": "arXiv: 2004.00001",
            },
            item_type="conferencePaper",
            creators=[("Ada", "Lovelace", "author"), ("Alan", "Turing", "author")],
            collections=[vision],
        )
        ids["clip"] = db.add_item(
            {
                "title": "Learning Transferable Visual Models",
                "archiveID": "arXiv:2103.00020",
                "repository": "arXiv",
                "date": "2021-02-26",
                "citationKey": "radford2021clip",
                "extra": "Citation Key: ignored2021",
            },
            item_type="preprint",
            creators=[("Alec", "Radford", "author")],
        )
        ids["chapter"] = db.add_item(
            {"title": "A Chapter", "bookTitle": "The Book"},
            item_type="bookSection",
            creators=[("Bob", "Writer", "bookAuthor"), ("Jane", "Editor", "editor")],
        )
        ids["trashed"] = db.add_item({"title": "Thrown Away"})
        db.trash(ids["trashed"])
        ids["untitled"] = db.add_item({"abstractNote": "no title here"})
        ids["group"] = db.add_item({"title": "Group Paper", "date": "1999"}, library_id=2)
        ids["feed"] = db.add_item({"title": "A feed item"}, library_id=99)
    write_better_bibtex(
        folder / "better-bibtex.sqlite",
        [
            (ids["cvpr"], db.key_of(ids["cvpr"]), 1, "lovelace2020learning"),
            (ids["distill"], db.key_of(ids["distill"]), 1, "stale2018"),
        ],
    )
    return db, ids


@pytest.fixture
def library(tmp_path: Path) -> tuple[ZoteroDb, dict[str, int], Path]:
    db, ids = build_library(tmp_path)
    yield db, ids, tmp_path
    db.close()


def test_reads_every_regular_item_with_its_fields(library) -> None:
    db, ids, folder = library
    read = read_zotero(folder)
    by_title = {item.title: item for item in read.items}
    assert sorted(by_title) == [
        "A Chapter",
        "Dataset Distillation",
        "Group Paper",
        "Learning Transferable Visual Models",
        "Learning to Distill",
    ]
    assert read.skipped == {"attachments and notes": 3, "in the trash": 1, "without a title": 1}
    assert read.warnings == ()

    dd = by_title["Dataset Distillation"]
    assert dd.ref == ZoteroRef("user", db.key_of(ids["distill"]))
    assert dd.item_type == "journalArticle"
    assert [(c.name, c.creator_type) for c in dd.creators] == [
        ("Wang, Tongzhou", "author"),
        ("Zhu, Jun-Yan", "author"),
        ("MIT CSAIL", "author"),
        ("Efros, Alexei", "editor"),
    ]
    assert dd.authors == ("Wang, Tongzhou", "Zhu, Jun-Yan", "MIT CSAIL")
    assert (dd.year, dd.date) == (2018, "2018-11-27 2018-11-27")
    assert dd.doi == "10.1000/abc"
    assert dd.venue == "arXiv preprint"
    assert dd.abstract == ABSTRACT
    assert dd.tags == ("distillation", "to-read")
    assert dd.collections == ("Vision/Datasets",)  # the trashed collection's path is left out
    # A key pinned in Extra wins over Better BibTeX's (stale) database copy.
    assert (dd.citekey, dd.citekey_source) == ("wang2018dd", "extra")
    assert dd.date_modified == "2024-01-02 09:00:00"

    cvpr = by_title["Learning to Distill"]
    assert (cvpr.citekey, cvpr.citekey_source) == ("lovelace2020learning", "better-bibtex")
    assert cvpr.venue == "Proceedings of CVPR"
    assert (cvpr.year, cvpr.arxiv_id) == (2020, "2004.00001")
    assert cvpr.collections == ("Vision",)

    clip = by_title["Learning Transferable Visual Models"]
    assert (clip.citekey, clip.citekey_source) == ("radford2021clip", "zotero")
    assert (clip.arxiv_id, clip.venue, clip.item_type) == ("2103.00020", "arXiv", "preprint")

    assert by_title["A Chapter"].authors == ("Editor, Jane",)  # no authors: the editors
    assert by_title["A Chapter"].venue == "The Book"
    assert by_title["Group Paper"].ref.library == "group:4242"


def test_items_become_papers(library) -> None:
    _, _, folder = library
    papers = {p.title: p for p in (item.to_paper() for item in read_zotero(folder).items)}
    dd = papers["Dataset Distillation"]
    assert dd.id == "doi:10.1000/abc"
    assert dd.authors == ("Wang, Tongzhou", "Zhu, Jun-Yan", "MIT CSAIL")
    assert (dd.year, dd.venue, dd.citekey) == (2018, "arXiv preprint", "wang2018dd")
    assert dd.source_format == "zotero"
    assert dd.source_file == str(folder / "zotero.sqlite")
    assert json.loads(dd.raw_entry or "")["tags"] == ["distillation", "to-read"]
    assert papers["Learning Transferable Visual Models"].id == "arxiv:2103.00020"
    assert first_surname(papers["Learning to Distill"].authors) == "Lovelace"


def test_unlocked_database_is_read_in_place(library, monkeypatch) -> None:
    _, _, folder = library

    def no_copy(*args: object) -> Path:
        raise AssertionError("an unlocked database must not be copied")

    monkeypatch.setattr(zotero_database, "_snapshot_copy", no_copy)
    assert len(read_zotero(folder).items) == 5


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_reads_committed_state_while_zotero_holds_its_exclusive_lock(
    tmp_path: Path, journal_mode: str
) -> None:
    db, ids = build_library(tmp_path, journal_mode=journal_mode)
    # What Zotero does: exclusive locking mode, then writes (the lock is kept from then on).
    db.conn.execute("PRAGMA main.locking_mode=EXCLUSIVE")
    db.conn.execute("PRAGMA cache_size=5")  # small cache: uncommitted pages spill to the file
    with db.transaction():
        db.add_item({"title": "Committed While Locked"})
    db.conn.execute("BEGIN")
    db.set_field(ids["cvpr"], "title", "Uncommitted Title")
    for n in range(150):
        db.add_item({"title": f"Uncommitted {n}", "abstractNote": f"{n} " + "x" * 500})
    database = tmp_path / "zotero.sqlite"
    if journal_mode == "delete":
        # Why `immutable=1` is not used: it reads the uncommitted pages spilled into the file.
        (spilled,) = (
            sqlite3.connect(f"{database.as_uri()}?immutable=1", uri=True)
            .execute("SELECT count(*) FROM items")
            .fetchone()
        )
        assert spilled > 20
    else:
        # ... and in WAL mode it misses what was committed but not yet checkpointed.
        (seen,) = (
            sqlite3.connect(f"{database.as_uri()}?immutable=1", uri=True)
            .execute("SELECT count(*) FROM itemDataValues WHERE value = 'Committed While Locked'")
            .fetchone()
        )
        assert seen == 0
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, timeout=0.1).execute(
            "SELECT count(*) FROM items"
        ).fetchone()
    before = sorted(p.name for p in tmp_path.iterdir())

    titles = {item.title for item in read_zotero(tmp_path).items}

    assert "Committed While Locked" in titles
    assert "Learning to Distill" in titles
    assert not any(title.startswith("Uncommitted") for title in titles)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written beside it
    db.conn.execute("ROLLBACK")
    db.close()


def test_recognises_a_zotero_database_by_content(library, tmp_path: Path) -> None:
    _, _, folder = library
    renamed = tmp_path / "copy-of-library.db"
    renamed.write_bytes((folder / "zotero.sqlite").read_bytes())
    assert is_zotero_database(renamed)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE items (x)").connection.close()
    assert not is_zotero_database(other)
    text = tmp_path / "notes.txt"
    text.write_text("SQLite is nice")
    assert not is_zotero_database(text)
    assert not is_zotero_database(tmp_path / "missing.sqlite")


def test_unreadable_inputs_give_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ZoteroReadError, match=r"No Zotero database at .*--zotero-dir"):
        read_zotero(tmp_path)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ZoteroReadError, match="is not a Zotero database"):
        read_zotero(other)
    damaged = tmp_path / "zotero.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    with pytest.raises(ZoteroReadError) as caught:
        read_zotero(damaged)
    assert "\n" not in str(caught.value)


def test_damaged_better_bibtex_file_is_a_warning(library) -> None:
    _, _, folder = library
    (folder / "better-bibtex.sqlite").write_bytes(b"not a database at all")
    read = read_zotero(folder)
    assert len(read.items) == 5
    assert len(read.warnings) == 1 and "better-bibtex.sqlite" in read.warnings[0]
    cvpr = next(item for item in read.items if item.title == "Learning to Distill")
    assert cvpr.citekey is None


def test_legacy_better_bibtex_layout(tmp_path: Path) -> None:
    path = tmp_path / "better-bibtex.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE `better-bibtex` (name TEXT PRIMARY KEY NOT NULL, data TEXT)")
    data = {"data": [{"itemID": 5, "itemKey": "ABCD2345", "libraryID": 1, "citekey": "old2019"}]}
    conn.execute(
        "INSERT INTO `better-bibtex` VALUES ('better-bibtex.citekey', ?)", (json.dumps(data),)
    )
    conn.commit()
    conn.close()
    assert read_better_bibtex(path) == {(1, "ABCD2345"): "old2019"}
    assert read_better_bibtex(tmp_path / "absent.sqlite") == {}
