"""A small SQLite cache of API responses, with expiry, in the data folder (`api-cache.sqlite`).

Hand-written rather than hishel: what we cache is decided by us, not by the services' cache
headers (arXiv and E-utilities send none), keys must leave out secrets such as an API key,
and a damaged cache must never fail a fetch.  Sixty lines of SQLite do that.

The cache is disposable: a file SQLite cannot read is moved aside (`.corrupt`) and a new one
started; a failed read is a miss and a failed write is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

FILENAME = "api-cache.sqlite"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS responses ("
    " key TEXT PRIMARY KEY, url TEXT NOT NULL, body BLOB NOT NULL,"
    " stored_at REAL NOT NULL, expires_at REAL NOT NULL)"
)


def cache_key(url: str, params: dict[str, str]) -> str:
    """A key for a GET of `url` with `params` (order-independent)."""
    canonical = url + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._ready = False

    def get(self, key: str) -> bytes | None:
        """The body stored under `key` if it has not expired, else None."""
        try:
            with self._connect() as conn:
                row = conn.execute(
                    "SELECT body FROM responses WHERE key = ? AND expires_at > ?",
                    (key, self._clock()),
                ).fetchone()
        except (sqlite3.Error, OSError):
            return None
        return bytes(row[0]) if row else None

    def put(self, key: str, url: str, body: bytes, ttl: float) -> None:
        now = self._clock()
        with contextlib.suppress(sqlite3.Error, OSError), self._connect() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)",
                (key, url, body, now, now + ttl),
            )
            conn.execute("DELETE FROM responses WHERE expires_at <= ?", (now,))

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self._prepare()
        conn = sqlite3.connect(self.path, timeout=5.0)
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    def _prepare(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._create()
        except sqlite3.DatabaseError:
            # Not an SQLite file any more: keep it for inspection, start a new cache.
            self.path.replace(self.path.with_name(self.path.name + ".corrupt"))
            self._create()
        self._ready = True

    def _create(self) -> None:
        conn = sqlite3.connect(self.path, timeout=5.0)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)
            conn.commit()
        finally:
            conn.close()
