"""Re-sync planning: a changed item, a deleted one, a trashed one, a new one; idempotence."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from assistant.zotero import ZoteroItem, ZoteroRef, plan_sync, read_zotero
from tests.zotero_db import ZoteroDb, write_better_bibtex


def _library(folder: Path) -> tuple[ZoteroDb, dict[str, int]]:
    db = ZoteroDb(folder / "zotero.sqlite")
    with db.transaction():
        ids = {
            "a": db.add_item(
                {"title": "Paper A", "DOI": "10.1000/a"}, creators=[("A", "One", "author")]
            ),
            "b": db.add_item({"title": "Paper B", "date": "2020"}),
            "c": db.add_item({"title": "Paper C", "extra": "Citation Key: c2020"}),
            "d": db.add_item({"title": "Paper D"}),
        }
    return db, ids


def test_resync_adds_updates_and_removes(tmp_path: Path) -> None:
    db, ids = _library(tmp_path)
    first = plan_sync([], read_zotero(tmp_path).items)
    assert (len(first.adds), first.updates, first.removes) == (4, (), ())
    state = first.next_state
    paper_of = {s.ref.key: s.paper_id for s in state}
    key = {name: db.key_of(item_id) for name, item_id in ids.items()}

    with db.transaction():
        db.set_field(ids["b"], "title", "Paper B, revised")
        db.delete(ids["a"])
        db.trash(ids["c"])
        new = db.add_item({"title": "Paper E"})
    plan = plan_sync(state, read_zotero(tmp_path).items)

    assert [item.title for item in plan.adds] == ["Paper E"]
    assert plan.adds[0].ref == ZoteroRef("user", db.key_of(new))
    assert [(u.item.title, u.previous.paper_id) for u in plan.updates] == [
        ("Paper B, revised", paper_of[key["b"]])
    ]
    assert plan.updates[0].paper_id_changed  # a title-only paper's id follows its title
    assert {s.ref.key for s in plan.removes} == {key["a"], key["c"]}
    assert set(plan.paper_ids_to_remove) == {
        "doi:10.1000/a",
        paper_of[key["c"]],
        paper_of[key["b"]],
    }
    assert plan.unchanged == 1
    assert plan.summary() == "1 new, 1 changed, 2 removed, 1 unchanged"

    again = plan_sync(plan.next_state, read_zotero(tmp_path).items)
    assert again.empty and again.unchanged == 3 and again.paper_ids_to_remove == ()
    assert again.next_state == plan.next_state
    db.close()


def test_a_better_bibtex_key_change_alone_is_an_update(tmp_path: Path) -> None:
    db, ids = _library(tmp_path)
    state = plan_sync([], read_zotero(tmp_path).items).next_state
    write_better_bibtex(
        tmp_path / "better-bibtex.sqlite", [(ids["d"], db.key_of(ids["d"]), 1, "d1999")]
    )
    plan = plan_sync(state, read_zotero(tmp_path).items)
    assert [(u.item.citekey, u.paper_id_changed) for u in plan.updates] == [("d1999", False)]
    assert plan.paper_ids_to_remove == ()
    db.close()


def _item(key: str, title: str, doi: str | None = None) -> ZoteroItem:
    return ZoteroItem(ref=ZoteroRef("user", key), item_type="journalArticle", title=title, doi=doi)


def test_removing_one_of_two_duplicates_keeps_the_paper() -> None:
    twins = [_item("AAAAAAAA", "Same", "10.1000/x"), _item("BBBBBBBB", "Same again", "10.1000/x")]
    state = plan_sync([], twins).next_state
    plan = plan_sync(state, twins[:1])
    assert [s.ref.key for s in plan.removes] == ["BBBBBBBB"]
    assert plan.paper_ids_to_remove == ()  # AAAAAAAA still maps to doi:10.1000/x


def test_a_new_doi_replaces_the_old_paper() -> None:
    state = plan_sync([], [_item("AAAAAAAA", "Title")]).next_state
    plan = plan_sync(state, [_item("AAAAAAAA", "Title", "10.1000/new")])
    (update,) = plan.updates
    assert update.paper_id == "doi:10.1000/new" and update.paper_id_changed
    assert plan.paper_ids_to_remove == (update.previous.paper_id,)


def test_planning_accepts_a_mapping_and_ignores_a_repeated_ref() -> None:
    items = [_item("AAAAAAAA", "One"), _item("AAAAAAAA", "One, repeated")]
    first = plan_sync({}, items)
    assert [i.title for i in first.adds] == ["One"]
    by_ref = {s.ref: s for s in first.next_state}
    assert plan_sync(by_ref, items).empty


def _stamps(items: tuple[ZoteroItem, ...]) -> dict[ZoteroRef, str]:
    return {item.ref: item.stamp for item in items if item.stamp}


def test_a_resync_rebuilds_only_items_whose_stamp_changed(tmp_path: Path) -> None:
    db, ids = _library(tmp_path)
    first = read_zotero(tmp_path)
    assert len(_stamps(first.items)) == 4  # all modified long ago: every stamp settled
    known = _stamps(first.items)

    untouched = read_zotero(tmp_path, known=known)
    assert untouched.items == () and len(untouched.unchanged) == 4
    state = plan_sync([], first.items).next_state
    assert plan_sync(state, untouched.items, [u.ref for u in untouched.unchanged]).empty

    # Each kind of change a stamp must see: a saved field, a tag (added without saving the
    # item), a collection renamed (the item untouched), a Better BibTeX key (another file).
    with db.transaction():
        db.set_field(ids["a"], "title", "Paper A, revised")
        db.add_tag(ids["b"], "to-read")
        shelf = db.add_collection("Shelf")
        db.conn.execute(
            "INSERT INTO collectionItems (collectionID, itemID) VALUES (?, ?)", (shelf, ids["c"])
        )
    write_better_bibtex(
        tmp_path / "better-bibtex.sqlite", [(ids["d"], db.key_of(ids["d"]), 1, "d1999")]
    )
    changed = read_zotero(tmp_path, known=known)
    assert {item.title for item in changed.items} == {
        "Paper A, revised",
        "Paper B",
        "Paper C",
        "Paper D",
    }
    assert changed.unchanged == ()
    known = _stamps(changed.items)
    with db.transaction():
        db.conn.execute(
            "UPDATE collections SET collectionName = 'Bookshelf' WHERE collectionID = ?", (shelf,)
        )
    renamed = read_zotero(tmp_path, known=known)
    assert [item.collections for item in renamed.items] == [("Bookshelf",)]
    assert len(renamed.unchanged) == 3
    db.close()


def test_an_item_saved_just_now_is_rebuilt_until_its_stamp_settles(tmp_path: Path) -> None:
    """Zotero's times have whole seconds: two edits within one second leave the same time, so
    an item modified near the read has no stamp and is fingerprinted on every read."""
    db, ids = _library(tmp_path)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    with db.transaction():
        db.set_field(ids["b"], "title", "Paper B, first edit", touch=False)
        db.touch(ids["b"], now)
    first = read_zotero(tmp_path)
    fresh = next(item for item in first.items if item.title.startswith("Paper B"))
    assert fresh.stamp is None
    state = plan_sync([], first.items).next_state
    with db.transaction():  # the second edit within the same second: the same time again
        db.set_field(ids["b"], "title", "Paper B, second edit", touch=False)
        db.touch(ids["b"], now)
    second = read_zotero(tmp_path, known=_stamps(first.items))
    assert [item.title for item in second.items] == ["Paper B, second edit"]
    plan = plan_sync(state, second.items, [u.ref for u in second.unchanged])
    assert [u.item.title for u in plan.updates] == ["Paper B, second edit"]
    db.close()
