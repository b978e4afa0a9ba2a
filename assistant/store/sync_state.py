"""What the last Zotero sync stored: one row per Zotero item, in `zotero-sync.sqlite`.

A re-sync plans against these rows (`zotero.plan_sync`) and replaces them in one transaction
once the library holds the new papers, so an interrupted sync plans the same work again next
time (writing papers is idempotent) and never forgets a paper it stored.  A file of its own in
the data folder, beside the catalog, so it serves both the embedded and the server mode.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from assistant.store.failures import storage_error
from assistant.zotero.items import ZoteroRef
from assistant.zotero.sync import SyncedItem

FILENAME = "zotero-sync.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS synced (
    library TEXT NOT NULL,
    item_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    date_modified TEXT,
    stamp TEXT,
    PRIMARY KEY (library, item_key)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class SyncState:
    """The synced items of one data folder (`load`, then `replace` after a sync)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILENAME
        # The last load and the file's signature then: loading again before and under the
        # write lock costs one stat when no other sync stored a state in between.
        self._loaded: tuple[tuple[int, ...], dict[ZoteroRef, SyncedItem]] | None = None

    def load(self) -> dict[ZoteroRef, SyncedItem]:
        """The items the last sync stored (empty before the first sync)."""
        try:
            signature = self._signature()
        except FileNotFoundError:
            return {}
        if self._loaded is not None and self._loaded[0] == signature:
            return dict(self._loaded[1])
        state = self._read()
        self._loaded = (signature, state)
        return dict(state)

    def _signature(self) -> tuple[int, ...]:
        """mtime, size and SQLite's file change counter (header bytes 24-27, bumped by every
        committed transaction in rollback-journal mode): exact even where mtimes are coarse."""
        info = self.path.stat()
        with self.path.open("rb") as handle:
            header = handle.read(28)
        return (info.st_mtime_ns, info.st_size, int.from_bytes(header[24:28], "big"))

    def _read(self) -> dict[ZoteroRef, SyncedItem]:
        try:
            conn = self._connect()
            try:
                rows = conn.execute(
                    "SELECT library, item_key, fingerprint, paper_id, date_modified, stamp "
                    "FROM synced"
                ).fetchall()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise storage_error(exc, str(self.path)) from exc
        state: dict[ZoteroRef, SyncedItem] = {}
        for lib, key, fp, pid, modified, stamp in rows:
            ref = ZoteroRef(lib, key)
            state[ref] = SyncedItem(ref, fp, pid, modified, stamp)
        return state

    def replace(self, items: Iterable[SyncedItem], *, source: str) -> None:
        """Store `items` as the synced state (all or nothing)."""
        rows = [
            (s.ref.library, s.ref.key, s.fingerprint, s.paper_id, s.date_modified, s.stamp)
            for s in items
        ]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._connect()
            try:
                with conn:  # one transaction: the old state or the new one, never half
                    conn.execute("DELETE FROM synced")
                    conn.executemany(
                        "INSERT INTO synced (library, item_key, fingerprint, paper_id, "
                        "date_modified, stamp) VALUES (?, ?, ?, ?, ?, ?)",
                        rows,
                    )
                    conn.execute(
                        "INSERT OR REPLACE INTO meta(key, value) VALUES ('source', ?)", (source,)
                    )
            finally:
                conn.close()
        except (sqlite3.Error, OSError) as exc:
            raise storage_error(exc, str(self.path)) from exc

    def source(self) -> str | None:
        """The Zotero database (or local API) the last sync read."""
        if not self.path.is_file():
            return None
        conn = self._connect()
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
        finally:
            conn.close()
        return str(row[0]) if row else None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30.0)
        conn.executescript(_SCHEMA)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(synced)")}
        if "stamp" not in columns:  # a state stored before stamps: every item is rebuilt once
            conn.execute("ALTER TABLE synced ADD COLUMN stamp TEXT")
        return conn
