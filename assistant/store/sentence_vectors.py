"""Sentence vectors kept on disk, so a new process answers as fast as one that is warm.

The answer engine and the comparer embed the sentences of the passages they read
(`rag/vector_cache.py`).  The local int8 model's vectors depend on their batch, so each new
sentence is embedded alone: a list question over two dozen passages embeds some 260 sentences,
seconds of every new `litassist ask`.  This file remembers them, keyed by the embedder's name
and the text, as the float32 bytes the model returned: an answer is the same whether its
vectors come from here or are computed.

Derived data only, local to this machine (in server mode too): a damaged file is set aside
and started afresh, and a folder that cannot be written leaves the cache in memory alone; it
never stops an answer.  Bounded: past `MAX_ROWS` the oldest rows go.  Not backed up (backup.py
copies the stores that cannot be rebuilt).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from assistant.store.sqlite_guard import remove_database

FILE = "sentence-vectors.sqlite"
MAX_ROWS = 100_000  # about 150 MB of 384-dimensional vectors: the sentences of ~10,000 abstracts
_BATCH = 500  # keys per SELECT (SQLite's default limit of bound variables is far higher)


def _key(embedder: str, text: str) -> bytes:
    return hashlib.sha256(f"{embedder}\0{text}".encode()).digest()[:16]


class SentenceVectors:
    """`get` / `put` vectors by (embedder name, text); every failure turns the store off."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = _open(path)

    @property
    def active(self) -> bool:
        return self._db is not None

    def get(self, embedder: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        if self._db is None or not texts:
            return {}
        keys = {_key(embedder, text): text for text in texts}
        found: dict[str, np.ndarray] = {}
        with self._lock:
            try:
                wanted = list(keys)
                for start in range(0, len(wanted), _BATCH):
                    part = wanted[start : start + _BATCH]
                    marks = ",".join("?" * len(part))
                    rows = self._db.execute(
                        f"SELECT key, dim, vec FROM vectors WHERE key IN ({marks})", part
                    ).fetchall()
                    for key, dim, blob in rows:
                        vector = np.frombuffer(blob, dtype=np.float32)
                        if vector.shape == (dim,):
                            found[keys[bytes(key)]] = vector.copy()
            except sqlite3.Error:
                self._off()
                return {}
        return found

    def put(self, embedder: str, vectors: Mapping[str, np.ndarray]) -> None:
        if self._db is None or not vectors:
            return
        rows = [
            (_key(embedder, text), int(v.shape[0]), np.ascontiguousarray(v, np.float32).tobytes())
            for text, v in vectors.items()
        ]
        with self._lock:
            try:
                with self._db:
                    self._db.executemany(
                        "INSERT OR IGNORE INTO vectors(key, dim, vec) VALUES (?, ?, ?)", rows
                    )
                    self._db.execute(
                        "DELETE FROM vectors WHERE rowid <= (SELECT MAX(rowid) FROM vectors) - ?",
                        (MAX_ROWS,),
                    )
            except sqlite3.OperationalError:
                pass  # busy with another process, or the disk is full: the vectors stay in memory
            except sqlite3.Error:
                self._off()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _off(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = None


def _open(path: Path) -> sqlite3.Connection | None:
    """The store's connection; a damaged file is set aside once; None when it cannot be had."""
    for attempt in range(2):
        try:
            return _connect(path)
        except sqlite3.OperationalError:
            return None  # a folder we cannot write, a file held by another: memory only
        except sqlite3.DatabaseError:
            if attempt:
                return None
        except OSError:
            return None
        try:
            remove_database(path)  # damaged derived data: started afresh
        except OSError:
            return None
    return None


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=2.0, check_same_thread=False)
    try:
        db.execute("PRAGMA busy_timeout = 2000")
        db.execute("PRAGMA journal_mode = WAL")
        with db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors "
                "(key BLOB NOT NULL UNIQUE, dim INTEGER NOT NULL, vec BLOB NOT NULL)"
            )
        db.execute("SELECT COUNT(*) FROM vectors WHERE rowid = 1").fetchone()
    except sqlite3.Error:
        db.close()
        raise
    return db
