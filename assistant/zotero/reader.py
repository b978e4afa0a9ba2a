"""Reading every regular item of a Zotero database: `read_zotero(data_dir_or_file)`.

The subset of Zotero's schema read here (column names as in Zotero's `userdata.sql`, schema
version 107, and `system.sql`):

* `items(itemID, itemTypeID, dateModified, clientDateModified, libraryID, key, version)`
* `itemTypes(itemTypeID, typeName)`, `fields(fieldID, fieldName)`,
  `itemData(itemID, fieldID, valueID)`, `itemDataValues(valueID, value)`
* `creators(creatorID, firstName, lastName, fieldMode)`, `creatorTypes(creatorTypeID,
  creatorType)`, `itemCreators(itemID, creatorID, creatorTypeID, orderIndex)`
* `tags(tagID, name)`, `itemTags(itemID, tagID, type)`
* `collections(collectionID, collectionName, parentCollectionID, libraryID, key)`,
  `collectionItems(collectionID, itemID)`, `deletedCollections(collectionID)` (Zotero 7)
* `deletedItems(itemID)` (the trash), `itemAttachments(itemID, parentItemID)`,
  `itemNotes(itemID, parentItemID)`, `libraries(libraryID, type)`, `groups(groupID,
  libraryID)`, `feedItems(itemID)`

Everything is read with a handful of whole-table queries (not one query per item), inside one
consistent snapshot (`database.open_snapshot`).  A re-sync passes the stamps the last sync
stored (`read_zotero(known=...)`): items whose stamp is unchanged are not rebuilt, and their
fields, creators and abstracts are not read at all (`item_stamp` says why that is safe).
Attachments, notes, annotations, items in the trash and feed items are skipped and counted;
an item without a title is skipped and counted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.errors import ZoteroReadError
from assistant.zotero.better_bibtex import FILENAME as BBT_FILENAME
from assistant.zotero.better_bibtex import CitekeyMap, read_better_bibtex
from assistant.zotero.database import is_zotero_database, open_snapshot
from assistant.zotero.fields import NON_REGULAR_TYPES, WANTED_FIELDS, build_item, label_set
from assistant.zotero.items import UnchangedItem, ZoteroCreator, ZoteroItem, ZoteroRef

DATABASE_FILENAME = "zotero.sqlite"
DEFAULT_DATA_DIR = Path("~/Zotero")
# An item modified this close to the read may change again unseen (see `item_stamp`).
SETTLE_MARGIN = timedelta(seconds=2)
# Above this many items to build, one scan of the table beats chunked `IN (...)` lookups.
WHOLE_TABLE_ABOVE = 2000
IN_CHUNK = 500


@dataclass(frozen=True)
class ZoteroRead:
    """What one read of a Zotero database found: the items it built, and those it did not
    rebuild because their stamp matched the last sync's (`read_zotero(known=...)`)."""

    source: str  # the database file, or the local API's URL
    items: tuple[ZoteroItem, ...]
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    warnings: tuple[str, ...] = ()
    unchanged: tuple[UnchangedItem, ...] = ()

    def summary(self) -> str:
        parts = [f"{len(self.items) + len(self.unchanged)} items"]
        parts += [f"{count} {reason}" for reason, count in sorted(self.skipped.items()) if count]
        return f"{self.source}: " + ", ".join(parts)


def locate_database(path: Path | str = DEFAULT_DATA_DIR) -> Path:
    """`zotero.sqlite` in a Zotero data folder, or the file itself when given a file."""
    path = Path(path).expanduser()
    return path / DATABASE_FILENAME if path.is_dir() else path


def read_zotero(
    path: Path | str = DEFAULT_DATA_DIR,
    *,
    better_bibtex: bool = True,
    known: Mapping[ZoteroRef, str] | None = None,
) -> ZoteroRead:
    """Every regular item of the Zotero database at `path` (a data folder or the file).

    Better BibTeX keys are read from `better-bibtex.sqlite` beside the database when present
    (a problem with that file is a warning, not a failure).  `known` maps refs to the stamps
    the last sync stored: an item whose stamp is unchanged is listed in `unchanged`, not
    rebuilt (its fields, creators and abstract are not even read).  Raises `ZoteroReadError`.
    """
    database = locate_database(path)
    if database.is_file() and not is_zotero_database(database):
        raise ZoteroReadError(
            f"{database} is not a Zotero database (no Zotero tables in it); point "
            "--zotero-dir at Zotero's data folder, the one holding zotero.sqlite."
        )
    warnings: list[str] = []
    citekeys: CitekeyMap = {}
    if better_bibtex:
        try:
            citekeys = read_better_bibtex(database.parent / BBT_FILENAME)
        except ZoteroReadError as exc:
            warnings.append(str(exc))
    settled_before = settled_cutoff(datetime.now(UTC))  # taken before the snapshot is
    with open_snapshot(database) as conn:
        try:
            items, skipped, unchanged = read_items(
                conn,
                citekeys=citekeys,
                source_file=str(database),
                known=known,
                settled_before=settled_before,
            )
        except sqlite3.Error as exc:
            raise ZoteroReadError(
                f"Cannot read the items of {database}: {exc}. Open Zotero once so it "
                "upgrades its database, then retry."
            ) from exc
    return ZoteroRead(str(database), tuple(items), skipped, tuple(warnings), tuple(unchanged))


def settled_cutoff(now: datetime) -> str:
    """Zotero's timestamp form (UTC, whole seconds) of `now` less a margin: an item modified
    at or after it may change again within the same second, unseen by its stamp."""
    return (now - SETTLE_MARGIN).strftime("%Y-%m-%d %H:%M:%S")


def item_stamp(
    *,
    settled_before: str | None,
    modified: tuple[str | None, ...],
    parts: tuple[object, ...],
) -> str | None:
    """A cheap stamp of an item, from the small tables only: its modification times and
    version (Zotero bumps them whenever the item itself is saved: a field, a creator, its
    type) plus what can change without saving it (tags, collection paths, a Better BibTeX
    key).  An unchanged stamp means an unchanged item, so a re-sync need not rebuild it.

    Zotero's times have whole seconds, so an item edited twice within one second keeps its
    stamp; a stamp is therefore only *settled* (returned) when the item's times are older than
    `settled_before`, and an unsettled item is rebuilt and fingerprinted every time, like
    git's "racily clean" index entries.
    """
    if settled_before is None:
        return None
    for value in modified:
        # Zotero's form, "YYYY-MM-DD HH:MM:SS", compares as text (checked by shape, not by a
        # regex: this runs once per item and time on every re-sync).
        if not value or len(value) != 19 or value[10] != " " or value >= settled_before:
            return None
    # repr of a tuple of str/int/None/tuples is stable across runs (unlike `hash`).
    return hashlib.blake2b(repr((modified, parts)).encode("utf-8"), digest_size=12).hexdigest()


def read_items(
    conn: sqlite3.Connection,
    *,
    citekeys: CitekeyMap | None = None,
    source_file: str | None = None,
    known: Mapping[ZoteroRef, str] | None = None,
    settled_before: str | None = None,
) -> tuple[list[ZoteroItem], dict[str, int], list[UnchangedItem]]:
    """The regular items visible through `conn`, in (library, key) order, skip counts, and
    the items whose stamp is the one `known` gives (not rebuilt; see `item_stamp`)."""
    citekeys = citekeys or {}
    known = known or {}
    tables = _tables(conn)
    libraries = _library_names(conn, tables)
    child_items = _ids(conn, "SELECT itemID FROM itemAttachments", "itemAttachments", tables)
    child_items |= _ids(conn, "SELECT itemID FROM itemNotes", "itemNotes", tables)
    trashed = _ids(conn, "SELECT itemID FROM deletedItems", "deletedItems", tables)
    feed_items = _ids(conn, "SELECT itemID FROM feedItems", "feedItems", tables)
    skipped = {"attachments and notes": 0, "in the trash": 0, "without a title": 0}
    item_columns = {row[1] for row in conn.execute("PRAGMA table_info(items)")}
    client_modified = (
        "i.clientDateModified" if "clientDateModified" in item_columns else "i.dateModified"
    )

    rows = conn.execute(
        f"SELECT i.itemID, i.libraryID, i.key, t.typeName, i.dateModified, {client_modified}, "
        "i.version FROM items i LEFT JOIN itemTypes t ON t.itemTypeID = i.itemTypeID"
    ).fetchall()
    tags = _tags(conn, tables)
    collections = _collections(conn, tables)

    Labels = tuple[tuple[str, ...], tuple[str, ...]]  # (tags, collection paths)
    to_build: dict[int, tuple[ZoteroRef, str, str | None, int, int, str | None, Labels]] = {}
    unchanged: list[UnchangedItem] = []
    for item_id, library_id, key, type_name, modified, client, version in rows:
        library = libraries.get(library_id, f"library:{library_id}")
        if library == "feed" or item_id in feed_items:
            continue
        if type_name in NON_REGULAR_TYPES or item_id in child_items:
            skipped["attachments and notes"] += 1
            continue
        if item_id in trashed:
            skipped["in the trash"] += 1
            continue
        ref = ZoteroRef(library, str(key))
        item_tags = label_set(tags.get(item_id, ()))
        item_collections = label_set(collections.get(item_id, ()))
        stamp = item_stamp(
            settled_before=settled_before,
            modified=(modified, client),
            parts=(
                library,
                type_name,
                version,
                item_tags,
                item_collections,
                citekeys.get((library_id, ref.key)),
            ),
        )
        if stamp is not None and known.get(ref) == stamp:
            unchanged.append(UnchangedItem(ref, item_tags, item_collections))
            continue
        kind = type_name or "document"
        labels = (item_tags, item_collections)
        to_build[item_id] = (ref, kind, modified, int(version or 0), library_id, stamp, labels)

    fields = _fields(conn, to_build) if to_build else {}
    creators = _creators(conn, tables, to_build) if to_build else {}

    items: list[ZoteroItem] = []
    for item_id, (ref, item_type, modified, version, library_id, stamp, labels) in to_build.items():
        item = build_item(
            ref=ref,
            item_type=item_type,
            fields=fields.get(item_id, {}),
            creators=creators.get(item_id, ()),
            tags=labels[0],
            collections=labels[1],
            better_bibtex_key=citekeys.get((library_id, ref.key)),
            date_modified=modified,
            version=version,
            source_file=source_file,
        )
        if item is None:
            skipped["without a title"] += 1
        else:
            items.append(dataclasses.replace(item, stamp=stamp) if stamp else item)
    items.sort(key=lambda item: item.ref)
    unchanged.sort(key=lambda item: item.ref)
    return items, skipped, unchanged


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _ids(conn: sqlite3.Connection, sql: str, table: str, tables: set[str]) -> set[int]:
    # Tables added in later Zotero versions (feedItems, deletedCollections) may be absent.
    return {row[0] for row in conn.execute(sql)} if table in tables else set()


def _library_names(conn: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    """Local library row id -> `user`, `group:<groupID>` or `feed` (as the web API names them)."""
    names: dict[int, str] = {}
    if "libraries" in tables:
        for library_id, kind in conn.execute("SELECT libraryID, type FROM libraries"):
            names[library_id] = "user" if kind in ("user", "publications") else str(kind)
    if "groups" in tables:
        for library_id, group_id in conn.execute("SELECT libraryID, groupID FROM groups"):
            names[library_id] = f"group:{group_id}"
    if not names:
        names[1] = "user"  # a database without the libraries table: only the user library
    return names


def _for_items(
    conn: sqlite3.Connection, sql: str, params: Sequence[object], item_ids: Collection[int]
) -> Iterator[tuple[Any, ...]]:
    """Rows of `sql` (which ends in a WHERE clause) for the items `item_ids`: the whole table
    when most items are wanted, else `d.itemID IN (...)` in chunks (SQLite caps the number of
    bound parameters)."""
    if len(item_ids) > WHOLE_TABLE_ABOVE:
        for row in conn.execute(sql, params):
            if row[0] in item_ids:
                yield row
        return
    ids = sorted(item_ids)
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start : start + IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        yield from conn.execute(f"{sql} AND d.itemID IN ({marks})", [*params, *chunk])


def _fields(conn: sqlite3.Connection, item_ids: Collection[int]) -> dict[int, dict[str, str]]:
    marks = ",".join("?" * len(WANTED_FIELDS))
    sql = (
        "SELECT d.itemID, f.fieldName, v.value FROM itemData d "
        "JOIN fields f ON f.fieldID = d.fieldID "
        "JOIN itemDataValues v ON v.valueID = d.valueID "
        f"WHERE f.fieldName IN ({marks})"
    )
    values: dict[int, dict[str, str]] = defaultdict(dict)
    for item_id, name, value in _for_items(conn, sql, sorted(WANTED_FIELDS), item_ids):
        if value is not None:
            values[item_id][name] = str(value)
    return values


def _creators(
    conn: sqlite3.Connection, tables: set[str], item_ids: Collection[int]
) -> dict[int, list[ZoteroCreator]]:
    types = "ct.creatorType" if "creatorTypes" in tables else "'author'"
    join = (
        "LEFT JOIN creatorTypes ct ON ct.creatorTypeID = d.creatorTypeID "
        if "creatorTypes" in tables
        else ""
    )
    # `d` as in `_fields`, so `_for_items` can add its `d.itemID IN (...)`.
    sql = (
        f"SELECT d.itemID, c.firstName, c.lastName, c.fieldMode, {types}, d.orderIndex "
        f"FROM itemCreators d JOIN creators c ON c.creatorID = d.creatorID {join}WHERE 1"
    )
    ordered: dict[int, list[tuple[int, ZoteroCreator]]] = defaultdict(list)
    for item_id, first, last, mode, kind, order in _for_items(conn, sql, (), item_ids):
        first, last = (first or "").strip(), (last or "").strip()
        if mode == 1:  # single-field name (an institution): Zotero keeps it in lastName
            first, last = "", last or first
        if first or last:
            ordered[item_id].append((order or 0, ZoteroCreator(last, first, kind or "author")))
    return {
        item_id: [creator for _, creator in sorted(pairs, key=lambda pair: pair[0])]
        for item_id, pairs in ordered.items()
    }


def _tags(conn: sqlite3.Connection, tables: set[str]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    if {"tags", "itemTags"} <= tables:
        rows = conn.execute(
            "SELECT it.itemID, t.name FROM itemTags it JOIN tags t ON t.tagID = it.tagID"
        )
        for item_id, name in rows:
            tags[item_id].append(str(name))
    return tags


def _collections(conn: sqlite3.Connection, tables: set[str]) -> dict[int, list[str]]:
    """Item -> full paths ("Parent/Child") of the collections holding it, trashed ones left out."""
    if not {"collections", "collectionItems"} <= tables:
        return {}
    rows = conn.execute("SELECT collectionID, collectionName, parentCollectionID FROM collections")
    parents = {cid: (str(name), parent) for cid, name, parent in rows}
    trashed = _ids(
        conn, "SELECT collectionID FROM deletedCollections", "deletedCollections", tables
    )
    paths: dict[int, str | None] = {}
    for cid in parents:
        paths[cid] = _path(cid, parents, trashed)
    members: dict[int, list[str]] = defaultdict(list)
    for cid, item_id in conn.execute("SELECT collectionID, itemID FROM collectionItems"):
        path = paths.get(cid)
        if path:
            members[item_id].append(path)
    return members


def _path(cid: int, parents: dict[int, tuple[str, int | None]], trashed: set[int]) -> str | None:
    names: list[str] = []
    seen: set[int] = set()
    current: int | None = cid
    while current is not None:
        if current in trashed:
            return None  # in the trash itself, or inside a trashed collection
        if current in seen or current not in parents:
            break  # a cycle or a dangling parent: keep what we have
        seen.add(current)
        name, current = parents[current]
        names.append(name.replace("/", "∕"))  # a '/' in a name must not read as nesting
    return "/".join(reversed(names)) or None
