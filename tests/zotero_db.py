"""Build Zotero databases for tests and benchmarks from the documented subset of Zotero's schema.

The tables and column names are Zotero's own (`resource/schema/userdata.sql`, schema 107, and
`system.sql`); only the tables litassist reads are created, with the row ids Zotero's
`system.sql` gives its item types, fields and creator types (types and fields added later by
Zotero's global schema, `preprint`, `annotation`, `archiveID`, `citationKey`, get ids above
Zotero's here).  Dates are written as Zotero writes them: `date` as "YYYY-MM-DD original".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

SCHEMA = """
CREATE TABLE version (schema TEXT PRIMARY KEY, version INT NOT NULL);
CREATE TABLE libraries (
    libraryID INTEGER PRIMARY KEY, type TEXT NOT NULL, editable INT NOT NULL,
    filesEditable INT NOT NULL, version INT NOT NULL DEFAULT 0,
    storageVersion INT NOT NULL DEFAULT 0, lastSync INT NOT NULL DEFAULT 0,
    archived INT NOT NULL DEFAULT 0
);
CREATE TABLE groups (
    groupID INTEGER PRIMARY KEY, libraryID INT NOT NULL UNIQUE, name TEXT NOT NULL,
    description TEXT NOT NULL, version INT NOT NULL
);
CREATE TABLE itemTypes (
    itemTypeID INTEGER PRIMARY KEY, typeName TEXT, templateItemTypeID INT, display INT DEFAULT 1
);
CREATE TABLE fields (fieldID INTEGER PRIMARY KEY, fieldName TEXT, fieldFormatID INT);
CREATE TABLE creatorTypes (creatorTypeID INTEGER PRIMARY KEY, creatorType TEXT);
CREATE TABLE items (
    itemID INTEGER PRIMARY KEY, itemTypeID INT NOT NULL,
    dateAdded TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    dateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    libraryID INT NOT NULL, key TEXT NOT NULL, version INT NOT NULL DEFAULT 0,
    synced INT NOT NULL DEFAULT 0, UNIQUE (libraryID, key)
);
CREATE TABLE itemDataValues (valueID INTEGER PRIMARY KEY, value UNIQUE);
CREATE TABLE itemData (itemID INT, fieldID INT, valueID, PRIMARY KEY (itemID, fieldID));
CREATE INDEX itemData_fieldID ON itemData(fieldID);
CREATE TABLE itemNotes (itemID INTEGER PRIMARY KEY, parentItemID INT, note TEXT, title TEXT);
CREATE TABLE itemAttachments (
    itemID INTEGER PRIMARY KEY, parentItemID INT, linkMode INT, contentType TEXT,
    charsetID INT, path TEXT, syncState INT DEFAULT 0, storageModTime INT, storageHash TEXT
);
CREATE TABLE tags (tagID INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE itemTags (
    itemID INT NOT NULL, tagID INT NOT NULL, type INT NOT NULL, PRIMARY KEY (itemID, tagID)
);
CREATE TABLE creators (
    creatorID INTEGER PRIMARY KEY, firstName TEXT, lastName TEXT, fieldMode INT,
    UNIQUE (lastName, firstName, fieldMode)
);
CREATE TABLE itemCreators (
    itemID INT NOT NULL, creatorID INT NOT NULL, creatorTypeID INT NOT NULL DEFAULT 1,
    orderIndex INT NOT NULL DEFAULT 0,
    PRIMARY KEY (itemID, creatorID, creatorTypeID, orderIndex), UNIQUE (itemID, orderIndex)
);
CREATE TABLE collections (
    collectionID INTEGER PRIMARY KEY, collectionName TEXT NOT NULL,
    parentCollectionID INT DEFAULT NULL,
    clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    libraryID INT NOT NULL, key TEXT NOT NULL, version INT NOT NULL DEFAULT 0,
    synced INT NOT NULL DEFAULT 0, UNIQUE (libraryID, key)
);
CREATE TABLE collectionItems (
    collectionID INT NOT NULL, itemID INT NOT NULL, orderIndex INT NOT NULL DEFAULT 0,
    PRIMARY KEY (collectionID, itemID)
);
CREATE TABLE deletedItems (
    itemID INTEGER PRIMARY KEY, dateDeleted DEFAULT CURRENT_TIMESTAMP NOT NULL
);
CREATE TABLE deletedCollections (
    collectionID INTEGER PRIMARY KEY, dateDeleted DEFAULT CURRENT_TIMESTAMP NOT NULL
);
"""

ITEM_TYPES = {
    "note": 1,
    "book": 2,
    "bookSection": 3,
    "journalArticle": 4,
    "thesis": 7,
    "webpage": 13,
    "attachment": 14,
    "report": 15,
    "conferencePaper": 33,
    "document": 34,
    "preprint": 40,
    "annotation": 41,
}
FIELDS = {
    "url": 1,
    "publisher": 8,
    "publicationTitle": 12,
    "date": 14,
    "extra": 22,
    "DOI": 26,
    "conferenceName": 84,
    "university": 89,
    "abstractNote": 90,
    "number": 60,
    "title": 110,
    "proceedingsTitle": 114,
    "bookTitle": 115,
    "repository": 124,
    "archiveID": 125,
    "citationKey": 126,
}
CREATOR_TYPES = {"author": 1, "contributor": 2, "editor": 3, "translator": 4, "bookAuthor": 9}

Creator = tuple[str, str, str]  # (firstName, lastName, creatorType); first "" = single field


class ZoteroDb:
    """A Zotero database being written, the way Zotero writes one (autocommit per call)."""

    def __init__(self, path: Path, *, groups: Iterable[tuple[int, int]] = ()) -> None:
        self.path = Path(path)
        self._touches = 0
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA synchronous=OFF")  # test data: no need to wait for the disk
        self.conn.executescript(SCHEMA)
        with self.transaction():
            self.conn.execute("INSERT INTO version VALUES ('userdata', 107)")
            self.conn.execute(
                "INSERT INTO libraries (libraryID, type, editable, filesEditable)"
                " VALUES (1, 'user', 1, 1)"
            )
            for library_id, group_id in groups:
                self.conn.execute(
                    "INSERT INTO libraries (libraryID, type, editable, filesEditable) "
                    "VALUES (?, 'group', 1, 1)",
                    (library_id,),
                )
                self.conn.execute(
                    "INSERT INTO groups VALUES (?, ?, ?, '', 0)",
                    (group_id, library_id, f"group {group_id}"),
                )
            self.conn.execute(
                "INSERT INTO libraries (libraryID, type, editable, filesEditable) "
                "VALUES (99, 'feed', 0, 0)"
            )
            self.conn.executemany(
                "INSERT INTO itemTypes (itemTypeID, typeName) VALUES (?, ?)",
                [(v, k) for k, v in ITEM_TYPES.items()],
            )
            self.conn.executemany(
                "INSERT INTO fields (fieldID, fieldName) VALUES (?, ?)",
                [(v, k) for k, v in FIELDS.items()],
            )
            self.conn.executemany(
                "INSERT INTO creatorTypes VALUES (?, ?)",
                [(v, k) for k, v in CREATOR_TYPES.items()],
            )
        self._keys = 0

    def transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    def next_key(self) -> str:
        self._keys += 1
        alphabet = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"  # Zotero's key alphabet
        n, out = self._keys, ""
        for _ in range(8):
            n, digit = divmod(n, len(alphabet))
            out = alphabet[digit] + out
        return out

    def add_item(
        self,
        fields: dict[str, str],
        *,
        item_type: str = "journalArticle",
        creators: Sequence[Creator] = (),
        tags: Sequence[str] = (),
        collections: Sequence[int] = (),
        key: str | None = None,
        library_id: int = 1,
        modified: str = "2024-01-01 10:00:00",
    ) -> int:
        cur = self.conn.execute(
            "INSERT INTO items (itemTypeID, dateModified, clientDateModified, libraryID, key) "
            "VALUES (?, ?, ?, ?, ?)",
            (ITEM_TYPES[item_type], modified, modified, library_id, key or self.next_key()),
        )
        item_id = int(cur.lastrowid or 0)
        for name, value in fields.items():
            self.set_field(item_id, name, value, touch=False)
        for index, (first, last, kind) in enumerate(creators):
            creator_id = self._creator(first, last)
            self.conn.execute(
                "INSERT INTO itemCreators VALUES (?, ?, ?, ?)",
                (item_id, creator_id, CREATOR_TYPES[kind], index),
            )
        for tag in tags:
            self.add_tag(item_id, tag)
        for collection_id in collections:
            self.conn.execute(
                "INSERT INTO collectionItems (collectionID, itemID) VALUES (?, ?)",
                (collection_id, item_id),
            )
        return item_id

    def key_of(self, item_id: int) -> str:
        (key,) = self.conn.execute("SELECT key FROM items WHERE itemID = ?", (item_id,)).fetchone()
        return str(key)

    def set_field(self, item_id: int, name: str, value: str, *, touch: bool = True) -> None:
        self.conn.execute("INSERT OR IGNORE INTO itemDataValues (value) VALUES (?)", (value,))
        (value_id,) = self.conn.execute(
            "SELECT valueID FROM itemDataValues WHERE value = ?", (value,)
        ).fetchone()
        self.conn.execute(
            "INSERT OR REPLACE INTO itemData VALUES (?, ?, ?)", (item_id, FIELDS[name], value_id)
        )
        if touch:
            self.touch(item_id)

    def touch(self, item_id: int, when: str | None = None) -> None:
        """Mark the item saved, as Zotero does on every edit: by default at a time one second
        after the previous touch (distinct stamps; all long settled, see `item_stamp`)."""
        if when is None:
            self._touches += 1
            when = (datetime(2024, 6, 1, 12) + timedelta(seconds=self._touches)).strftime(
                "%Y-%m-%d %H:%M:%S"
            )
        self.conn.execute(
            "UPDATE items SET dateModified = ?, clientDateModified = ? WHERE itemID = ?",
            (when, when, item_id),
        )

    def add_tag(self, item_id: int, name: str, kind: int = 0) -> None:
        self.conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
        (tag_id,) = self.conn.execute("SELECT tagID FROM tags WHERE name = ?", (name,)).fetchone()
        self.conn.execute(
            "INSERT OR IGNORE INTO itemTags VALUES (?, ?, ?)", (item_id, tag_id, kind)
        )

    def add_collection(self, name: str, parent: int | None = None, library_id: int = 1) -> int:
        cur = self.conn.execute(
            "INSERT INTO collections (collectionName, parentCollectionID, libraryID, key) "
            "VALUES (?, ?, ?, ?)",
            (name, parent, library_id, self.next_key()),
        )
        return int(cur.lastrowid or 0)

    def add_attachment(self, parent_id: int, title: str = "Full Text PDF") -> int:
        item_id = self.add_item({"title": title}, item_type="attachment")
        self.conn.execute(
            "INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path) "
            "VALUES (?, ?, 0, 'application/pdf', 'storage:paper.pdf')",
            (item_id, parent_id),
        )
        return item_id

    def add_note(self, parent_id: int | None, html: str = "<p>my notes</p>") -> int:
        item_id = self.add_item({}, item_type="note")
        self.conn.execute(
            "INSERT INTO itemNotes (itemID, parentItemID, note, title) VALUES (?, ?, ?, ?)",
            (item_id, parent_id, html, "my notes"),
        )
        return item_id

    def trash(self, item_id: int) -> None:
        self.conn.execute("INSERT INTO deletedItems (itemID) VALUES (?)", (item_id,))

    def trash_collection(self, collection_id: int) -> None:
        self.conn.execute(
            "INSERT INTO deletedCollections (collectionID) VALUES (?)", (collection_id,)
        )

    def delete(self, item_id: int) -> None:
        for table in ("itemData", "itemCreators", "itemTags", "collectionItems", "deletedItems"):
            self.conn.execute(f"DELETE FROM {table} WHERE itemID = ?", (item_id,))
        self.conn.execute("DELETE FROM items WHERE itemID = ?", (item_id,))

    def _creator(self, first: str, last: str) -> int:
        mode = 1 if not first else 0
        self.conn.execute(
            "INSERT OR IGNORE INTO creators (firstName, lastName, fieldMode) VALUES (?, ?, ?)",
            (first, last, mode),
        )
        (creator_id,) = self.conn.execute(
            "SELECT creatorID FROM creators WHERE firstName = ? AND lastName = ? AND fieldMode = ?",
            (first, last, mode),
        ).fetchone()
        return int(creator_id)


class _Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN")
        return self.conn

    def __exit__(self, kind: object, *_: object) -> None:
        self.conn.execute("ROLLBACK" if kind else "COMMIT")


def write_better_bibtex(path: Path, keys: Iterable[tuple[int, str, int, str]]) -> None:
    """A `better-bibtex.sqlite` in the current layout: (itemID, itemKey, libraryID, key)."""
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE citationkey (itemID NOT NULL PRIMARY KEY, itemKey NOT NULL, "
        "libraryID NOT NULL, citationKey NOT NULL CHECK (citationKey <> ''), "
        "pinned CHECK (pinned in (0, 1)), UNIQUE (libraryID, itemKey))"
    )
    conn.executemany("INSERT INTO citationkey VALUES (?, ?, ?, ?, 0)", list(keys))
    conn.commit()
    conn.close()
