"""Stored comparisons: each `Comparison` kept as JSON in `comparisons.sqlite` in the data folder.

Kept apart from the paper catalog (comparisons are the user's work, never rebuilt away) and
from conversations (another kind of record, read by another screen).  A comparison is written
once, in one transaction, and read back whole; `export --comparison` and the TUI reopen it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from assistant.comparison_json import comparison_from_dict, comparison_to_dict
from assistant.errors import LitassistError
from assistant.types import Comparison, ComparisonSummary

FILE_NAME = "comparisons.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS comparisons (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    papers INTEGER NOT NULL,
    aspects TEXT NOT NULL,
    mode TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS comparisons_created ON comparisons(created_at);
"""


class ComparisonStoreError(LitassistError):
    """The comparison store cannot be read or written."""


class ComparisonNotFoundError(ComparisonStoreError):
    """No stored comparison has the id the user gave."""


class ComparisonStore:
    """Open with `ComparisonStore.open(data_dir)`; close when done (or use `with`)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def open(cls, data_dir: Path) -> ComparisonStore:
        path = Path(data_dir) / FILE_NAME
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=10.0, check_same_thread=False)
            connection.execute("PRAGMA journal_mode = WAL")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                connection.close()
                raise ComparisonStoreError(
                    f"{path} was written by a newer litassist; upgrade litassist to open it."
                )
            with connection:
                connection.executescript(_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise ComparisonStoreError(
                f"Cannot open the comparisons in {path}: {exc}; move the file aside to start "
                "afresh."
            ) from exc
        except OSError as exc:
            raise ComparisonStoreError(f"Cannot create {path}: {exc.strerror or exc}.") from exc
        return cls(connection, path)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> ComparisonStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                with self._db:
                    yield self._db
            except sqlite3.DatabaseError as exc:
                raise ComparisonStoreError(f"Comparison store {self.path} failed: {exc}.") from exc

    # ---- writing --------------------------------------------------------------------------
    def save(self, comparison: Comparison) -> str:
        """Store `comparison` (replacing one with the same id); returns its id."""
        payload = json.dumps(comparison_to_dict(comparison), ensure_ascii=False)
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO comparisons "
                "(id, title, created_at, papers, aspects, mode, payload) VALUES (?,?,?,?,?,?,?)",
                (
                    comparison.id,
                    comparison.title,
                    comparison.created_at.isoformat(),
                    len(comparison.papers),
                    json.dumps(list(comparison.aspects)),
                    comparison.mode,
                    payload,
                ),
            )
        return comparison.id

    def delete(self, comparison_id: str) -> None:
        with self._transaction() as db:
            gone = db.execute("DELETE FROM comparisons WHERE id = ?", (comparison_id,))
        if gone.rowcount == 0:
            raise ComparisonNotFoundError(f"No comparison {comparison_id!r}.")

    # ---- reading --------------------------------------------------------------------------
    def get(self, ref: str) -> Comparison:
        """The comparison with this id (or unique id prefix)."""
        comparison_id = self.resolve(ref)
        with self._transaction() as db:
            row = db.execute(
                "SELECT payload FROM comparisons WHERE id = ?", (comparison_id,)
            ).fetchone()
        if row is None:  # deleted meanwhile
            raise ComparisonNotFoundError(f"No comparison {ref!r}.")
        try:
            return comparison_from_dict(json.loads(row[0]))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            raise ComparisonStoreError(
                f"Comparison {comparison_id} is unreadable ({exc})."
            ) from exc

    def list(self) -> list[ComparisonSummary]:
        """Every stored comparison, newest first."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id, title, created_at, papers, aspects, mode FROM comparisons "
                "ORDER BY created_at DESC, rowid DESC"
            ).fetchall()
        return [
            ComparisonSummary(
                id=r[0],
                title=r[1],
                created_at=datetime.fromisoformat(r[2]),
                papers=int(r[3]),
                aspects=tuple(json.loads(r[4])),
                mode=r[5],
            )
            for r in rows
        ]

    def last_id(self) -> str | None:
        with self._transaction() as db:
            row = db.execute(
                "SELECT id FROM comparisons ORDER BY created_at DESC, rowid DESC LIMIT 1"
            ).fetchone()
        return row[0] if row else None

    def resolve(self, ref: str) -> str:
        """The id a user means: an exact id or a unique prefix of one."""
        ref = ref.strip()
        pattern = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id FROM comparisons WHERE id = ? OR id LIKE ? ESCAPE '\\' LIMIT 3",
                (ref, pattern),
            ).fetchall()
        ids = [r[0] for r in rows]
        if ref in ids:
            return ref
        if len(ids) == 1 and ref:
            return ids[0]
        if not ids or not ref:
            raise ComparisonNotFoundError(f"No comparison {ref!r}; see `litassist comparisons`.")
        raise ComparisonNotFoundError(f"{ref!r} matches several comparisons; give more of it.")
