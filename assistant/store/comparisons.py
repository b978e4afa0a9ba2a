"""Stored comparisons: each `Comparison` kept as JSON in `comparisons.sqlite` in the data folder.

Kept apart from the paper catalog (comparisons are the user's work, never rebuilt away) and
from conversations (another kind of record, read by another screen).  A comparison is written
once, in one transaction, and read back whole; `export --comparison` and the TUI reopen it.

The payload is `codec.comparison_to_dict`: each cell once.  Files of version 1 held every cell
twice (also under `rows`, for readers of `--json`); opening one rewrites its payloads without
the copies (version 2), and a version-1 payload still reads, the copies being ignored.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from assistant.codec import comparison_from_dict, comparison_to_dict
from assistant.errors import LitassistError
from assistant.store.sqlite_store import SqliteStore
from assistant.types import Comparison, ComparisonSummary

FILE_NAME = "comparisons.sqlite"
SCHEMA_VERSION = 2  # 2: payloads without the `rows` copy of every cell

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


class ComparisonStore(SqliteStore):
    """Open with `ComparisonStore.open(data_dir)`; close when done (or use `with`)."""

    FILE_NAME = FILE_NAME
    SCHEMA = _SCHEMA
    SCHEMA_VERSION = SCHEMA_VERSION
    TABLE = "comparisons"
    NOUN = "comparisons"
    SINGULAR = "comparison"
    ERROR = ComparisonStoreError
    NOT_FOUND = ComparisonNotFoundError

    @classmethod
    def migrate(cls, db: sqlite3.Connection, version: int) -> None:
        """Version 1 -> 2: rewrite each payload in the codec's shape (each cell once).

        A payload that does not read is left as it is: `get` reports it, nothing is lost.
        """
        rows = db.execute("SELECT id, payload FROM comparisons").fetchall()
        for comparison_id, payload in rows:
            try:
                comparison = comparison_from_dict(json.loads(payload))
            except ValueError:  # CodecError and json.JSONDecodeError both are
                continue
            db.execute(
                "UPDATE comparisons SET payload = ? WHERE id = ?",
                (json.dumps(comparison_to_dict(comparison), ensure_ascii=False), comparison_id),
            )

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
        except ValueError as exc:  # CodecError and json.JSONDecodeError both are
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
