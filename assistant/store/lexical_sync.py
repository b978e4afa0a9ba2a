"""Server mode: this client's copy of the lexical rows, kept in step with the server's change log.

The rows (`lexical_docs`, tokenized here from the server's records) live in
`<data>/lexical-server/<collection id>/rows.sqlite`, with the snapshot of the in-memory index
beside them.  `sync` costs one request when nothing changed (the catalog's write token);
otherwise it reads the change-log entries after the last one applied and fetches just the
papers they name (`ServerCatalog.changes_since`), then replaces those papers' rows in one local
transaction.  It rebuilds from every record only when it cannot catch up: a first sync, a
truncated log, or a cache file that cannot be read (which is deleted and made anew: it is
derived data).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.store import lexical_docs
from assistant.store.lexical_docs import LexicalSource
from assistant.store.sqlite_guard import remove_database

if TYPE_CHECKING:
    from assistant.store.server_catalog import ServerCatalog

CACHE_DIR = "lexical-server"
CACHE_FILE = "rows.sqlite"
SNAPSHOT_DIR = "snapshot"
_SEQ_KEY = "server_seq"  # the last change-log entry applied
_TOKEN_KEY = "server_token"  # the catalog version seen at that point


class LexicalCache:
    """The lexical rows of one server library, on this client."""

    def __init__(self, db: sqlite3.Connection, folder: Path) -> None:
        self.db = db
        self.folder = folder
        self._source = LexicalSource(db, self._writing)
        self.rebuilds = 0  # how many times sync had to fetch every record (tests, benchmarks)

    @classmethod
    def open(cls, data_dir: Path, collection: str) -> LexicalCache:
        folder = data_dir / CACHE_DIR / collection
        path = folder / CACHE_FILE
        try:
            return cls(_connect(path), folder)
        except (OSError, sqlite3.Error):
            pass
        try:  # damaged (or a folder in its place): made anew
            remove_database(path)
            return cls(_connect(path), folder)
        except (OSError, sqlite3.Error):
            return cls(_connect(None), folder)  # an unwritable data folder: in memory

    @property
    def source(self) -> LexicalSource:
        """The rows as they are, without asking the server."""
        return self._source

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            yield self.db

    def seen(self) -> tuple[int, str | None]:
        """(last change-log entry applied, catalog version seen then)."""
        meta = dict(
            self.db.execute(
                "SELECT key, value FROM meta WHERE key IN (?, ?)", (_SEQ_KEY, _TOKEN_KEY)
            ).fetchall()
        )
        return int(meta.get(_SEQ_KEY) or 0), meta.get(_TOKEN_KEY)

    def sync(self, catalog: ServerCatalog) -> LexicalSource:
        """Catch up with the server; the rows as they are now."""
        token = catalog.version()
        try:
            seq, seen = self.seen()
            if seen == token and self._source.complete:
                return self._source
            changed = catalog.changes_since(seq) if seq and self._source.complete else None
            if changed is None:
                self.rebuild(catalog, token)
                return self._source
            head, papers = changed
            texts = list(catalog.iter_paper_texts(papers)) if papers else []
            with self._writing() as db:
                lexical_docs.remove_papers(db, papers)
                lexical_docs.replace_papers(db, texts)
                _set(db, _SEQ_KEY, str(head))
                _set(db, _TOKEN_KEY, token)
        except sqlite3.DatabaseError:  # the cache file was damaged under us: start over
            self._reset()
            self.rebuild(catalog, token)
        return self._source

    def rebuild(self, catalog: ServerCatalog, token: str | None = None) -> None:
        """Every row anew from the server's records."""
        token = token if token is not None else catalog.version()
        head = catalog.change_head()  # first: entries logged meanwhile are replayed next time
        with self._writing() as db:
            lexical_docs.rebuild(db, catalog.iter_paper_texts())
            _set(db, _SEQ_KEY, str(head))
            _set(db, _TOKEN_KEY, token)
        self.rebuilds += 1

    def _reset(self) -> None:
        path = self.folder / CACHE_FILE
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        try:
            remove_database(path)
            self.db = _connect(path)
        except (OSError, sqlite3.Error):
            self.db = _connect(None)
        self._source = LexicalSource(self.db, self._writing)


def _connect(path: Path | None) -> sqlite3.Connection:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path) if path else ":memory:", timeout=30.0, check_same_thread=False)
    try:
        db.execute("PRAGMA busy_timeout = 30000")
        if path is not None:
            db.execute("PRAGMA journal_mode = WAL")
        with db:
            lexical_docs.ensure_schema(db)
        db.execute("SELECT COUNT(*) FROM lexical_docs").fetchone()
    except sqlite3.Error:
        db.close()
        raise
    return db


def _set(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
