"""Chunk vectors kept in the catalog, so the vector index can be rebuilt without re-embedding.

The Chroma collection is an index; the catalog (`library.sqlite`) keeps its own copy of every
chunk's vector in the `chunk_vectors` table, as little-endian float16 (768 bytes for a
384-dimension MiniLM vector).  Each row carries the `content_hash` of the paper version it was
embedded from, and is written in the same transaction that marks its paper indexed, so "this
paper is indexed" and "its vectors are kept" are one fact.  A damaged, deleted or half-written
Chroma collection is rebuilt from these rows in seconds (`Library.repair`).

Chroma is given the float16-rounded values too, so a rebuilt index holds exactly the vectors
the original held and search results do not move after a repair.  (Half precision costs nothing
measurable here: MiniLM vectors are unit-length, and rounding moves a cosine similarity by about
1e-4, far below the gaps between ranked passages.)

The table has a schema step of its own (meta key `kept_vectors_schema`), independent of the
catalog's `schema`, so other changes to the catalog merge cleanly.  A library made before this
table existed is marked incomplete (meta `kept_vectors_complete` absent); the next repair
copies the vectors out of Chroma, or re-embeds the papers whose vectors it cannot read.

Standard library only at import time: `litassist papers` must not load numpy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SCHEMA_KEY = "kept_vectors_schema"
SCHEMA_VERSION = "1"
COMPLETE_KEY = "kept_vectors_complete"
DTYPE = "<f2"  # little-endian float16, whatever the machine

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS chunk_vectors (
    chunk_id TEXT PRIMARY KEY,
    paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS chunk_vectors_paper ON chunk_vectors(paper_id)",
)

# Chunks of indexed papers with no vector kept for the paper's current content.
_UNKEPT = """
SELECT c.id, c.paper_id, p.content_hash FROM chunks c JOIN papers p ON p.id = c.paper_id
LEFT JOIN chunk_vectors v ON v.chunk_id = c.id AND v.content_hash = p.content_hash
WHERE p.indexed_hash IS p.content_hash AND v.chunk_id IS NULL
ORDER BY c.paper_id, c.idx
"""
_INDEXED = """
SELECT c.id, c.paper_id, p.content_hash FROM chunks c JOIN papers p ON p.id = c.paper_id
WHERE p.indexed_hash IS p.content_hash ORDER BY c.paper_id, c.idx
"""


@dataclass(frozen=True)
class KeptVector:
    """One chunk's vector as the catalog keeps it (float16 bytes)."""

    chunk_id: str
    paper_id: str
    content_hash: str
    data: bytes

    def array(self) -> np.ndarray:
        """The vector as float32 (what Chroma and the retriever use)."""
        import numpy as np

        return np.frombuffer(self.data, dtype=DTYPE).astype(np.float32)


def round_vectors(vectors: np.ndarray) -> np.ndarray:
    """`vectors` rounded to float16 (the kept precision), as little-endian float16."""
    import numpy as np

    return np.asarray(vectors, dtype=np.float32).astype(DTYPE)


def ensure_schema(db: sqlite3.Connection) -> None:
    """This module's schema step, inside the caller's transaction: create the table; a library
    that already held papers when it was created is marked incomplete, so the next repair
    backfills it."""
    if has_schema(db):
        return
    existed = has_table(db)
    for statement in _SCHEMA:  # not executescript: it would commit the caller's transaction
        db.execute(statement)
    db.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (SCHEMA_KEY, SCHEMA_VERSION)
    )
    if not existed and not db.execute("SELECT 1 FROM papers LIMIT 1").fetchone():
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, '1')", (COMPLETE_KEY,))


def has_schema(db: sqlite3.Connection) -> bool:
    """Whether this module's schema step has run on `db`."""
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (SCHEMA_KEY,)).fetchone()
    except sqlite3.OperationalError:  # no meta table
        return False
    return row is not None and row[0] == SCHEMA_VERSION and has_table(db)


def has_table(db: sqlite3.Connection) -> bool:
    return bool(
        db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chunk_vectors'"
        ).fetchone()
    )


def replace_for_papers(db: sqlite3.Connection, vectors: Sequence[KeptVector]) -> None:
    """Inside the caller's transaction: the papers of `vectors` keep exactly these rows."""
    papers = sorted({v.paper_id for v in vectors})
    db.executemany("DELETE FROM chunk_vectors WHERE paper_id = ?", [(p,) for p in papers])
    db.executemany(
        "INSERT OR REPLACE INTO chunk_vectors(chunk_id, paper_id, content_hash, vector) "
        "VALUES (?,?,?,?)",
        [(v.chunk_id, v.paper_id, v.content_hash, v.data) for v in vectors],
    )


def add(db: sqlite3.Connection, vectors: Sequence[KeptVector]) -> None:
    """Inside the caller's transaction: keep these rows (other rows of their papers stay)."""
    db.executemany(
        "INSERT OR REPLACE INTO chunk_vectors(chunk_id, paper_id, content_hash, vector) "
        "VALUES (?,?,?,?)",
        [(v.chunk_id, v.paper_id, v.content_hash, v.data) for v in vectors],
    )


def load(db: sqlite3.Connection, chunk_ids: Sequence[str]) -> dict[str, KeptVector]:
    if not has_table(db):
        return {}
    found: dict[str, KeptVector] = {}
    for part in _parts(chunk_ids):
        marks = ",".join("?" * len(part))
        for cid, pid, digest, data in db.execute(
            "SELECT chunk_id, paper_id, content_hash, vector FROM chunk_vectors "
            f"WHERE chunk_id IN ({marks})",
            part,
        ):
            found[cid] = KeptVector(cid, pid, digest, bytes(data))
    return found


def unkept(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(chunk id, paper id, content hash) of indexed chunks without a current kept vector."""
    query = _UNKEPT if has_table(db) else _INDEXED
    return [(cid, pid, digest) for cid, pid, digest in db.execute(query)]


def stats(db: sqlite3.Connection) -> tuple[int, int]:
    """(rows, bytes of vector data) kept."""
    if not has_table(db):
        return 0, 0
    rows, size = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(length(vector)), 0) FROM chunk_vectors"
    ).fetchone()
    return int(rows), int(size)


def sample(db: sqlite3.Connection, n: int) -> list[KeptVector]:
    """Up to `n` random kept vectors of indexed papers' current content."""
    if not has_table(db):
        return []
    rows = db.execute(
        "SELECT v.chunk_id, v.paper_id, v.content_hash, v.vector FROM chunk_vectors v "
        "JOIN papers p ON p.id = v.paper_id AND p.content_hash = v.content_hash "
        "WHERE p.indexed_hash IS p.content_hash ORDER BY random() LIMIT ?",
        (n,),
    ).fetchall()
    return [KeptVector(cid, pid, digest, bytes(data)) for cid, pid, digest, data in rows]


def _parts(ids: Iterable[str], size: int = 500) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in ids:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
