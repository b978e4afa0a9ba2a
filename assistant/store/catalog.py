"""The paper catalog: SQLite records of papers and their chunks, the library's source of truth.

The vector store (Chroma) and the lexical index (BM25) are indexes over what this catalog
holds; `Library` keeps them consistent with it.  A paper row carries `content_hash` (what it
should be indexed as) and `indexed_hash` (what the vector store holds for it): a paper whose
two hashes differ was interrupted mid-indexing and is re-indexed by the next write.

Every write of papers or chunks bumps `generation`.  The lexical index's rows (`lexical_docs`:
each chunk's index terms) live in this database too and are written in the same transaction
as the papers they come from, so a crash never leaves them apart; so are each chunk's kept
vector (`kept_vectors`, written with `mark_indexed`) and, after writes, a rotating backup of
the file (`backup`).  This is the embedded mode's
`PaperCatalog`; in server mode `server_catalog.ServerCatalog` keeps the same records on the
Chroma server.  Only the standard library is imported, so `litassist papers` starts fast (the
tokenizer is imported by the writing functions).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant import codec
from assistant.errors import LibraryCorruptError, LibraryNotFoundError
from assistant.store import kept_vectors as kept
from assistant.store import lexical_docs, sqlite_guard
from assistant.store.backup import (
    JOURNAL_SEQ_KEY,
    Backup,
    Journal,
    backups_of,
    due,
    journal_seq_of,
    take,
)
from assistant.store.failures import first_line, is_sqlite_write_failure, storage_error
from assistant.store.kept_vectors import KeptVector
from assistant.store.lexical_docs import LexicalSource, PaperText
from assistant.store.records import IndexedChunk, PaperRow, StagedPaper
from assistant.types import Chunk, Paper

__all__ = ["CATALOG_FILE", "Catalog", "IndexedChunk", "PaperRow"]

SCHEMA_VERSION = "1"
CATALOG_FILE = "library.sqlite"

# The paper columns are the `Paper` fields (`codec.to_columns`: tuples as JSON text); the rest is
# bookkeeping.  A field added to `Paper` becomes a column of new libraries here and of existing
# ones when they are next opened for writing (`_add_paper_columns`), with no edit in this file.
_PAPER_FIELDS = codec.field_names(Paper)
_PAPER_COLUMNS = ", ".join(_PAPER_FIELDS)
_PAPER_DDL = ",\n    ".join(
    f"{name} {codec.column_type(hint)}{' PRIMARY KEY' if name == 'id' else ''}"
    for name, hint in codec.field_hints(Paper).items()
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS papers (
    {_PAPER_DDL},
    title_key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    indexed_hash TEXT,
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS papers_doi ON papers(doi);
CREATE INDEX IF NOT EXISTS papers_arxiv ON papers(arxiv_id);
CREATE INDEX IF NOT EXISTS papers_title_key ON papers(title_key);
CREATE INDEX IF NOT EXISTS papers_citekey ON papers(citekey);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_paper ON chunks(paper_id);
"""


_UPSERT_PAPER = (
    f"INSERT INTO papers({_PAPER_COLUMNS}, title_key, content_hash, indexed_hash, added_at, "
    f"updated_at) VALUES ({', '.join('?' * len(_PAPER_FIELDS))}, ?, ?, NULL, ?, ?) "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{name}=excluded.{name}" for name in _PAPER_FIELDS if name != "id")
    + ", title_key=excluded.title_key, content_hash=excluded.content_hash, "
    "updated_at=excluded.updated_at"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _paper_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Paper:
    return codec.from_columns(Paper, dict(zip(_PAPER_FIELDS, row, strict=True)))


def _missing_paper_columns(connection: sqlite3.Connection) -> list[str]:
    """`Paper` fields the papers table has no column for (a library made before they existed)."""
    present = {row[1] for row in connection.execute("PRAGMA table_info(papers)")}
    return [name for name in _PAPER_FIELDS if present and name not in present]


def _add_paper_columns(connection: sqlite3.Connection) -> None:
    """Give an older library a column for each new `Paper` field.

    A column added this way is nullable whatever the field's type: old rows hold NULL, which
    reads as the field's default.
    """
    hints = codec.field_hints(Paper)
    for name in _missing_paper_columns(connection):
        sql_type = codec.column_type(hints[name]).removesuffix(" NOT NULL")
        connection.execute(f"ALTER TABLE papers ADD COLUMN {name} {sql_type}")


def damaged_error(path: Path, problem: BaseException | str) -> LibraryCorruptError:
    detail = problem if isinstance(problem, str) else first_line(problem)
    return LibraryCorruptError(
        f"The library database {path} is damaged ({detail}); "
        "run `litassist doctor --repair` to restore it."
    )


def _connect(path: Path, *, create: bool) -> sqlite3.Connection:
    connection = sqlite_guard.connect(
        path, lambda exc: damaged_error(path, exc), timeout=30.0, check_same_thread=False
    )
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA busy_timeout = 30000")
        if create:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.executescript(_SCHEMA)
            connection.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
            )
            connection.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('generation', '0')")
            connection.commit()
        if _missing_paper_columns(connection):
            with connection:
                _add_paper_columns(connection)
        connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A WAL database in a folder we cannot write: read it as an immutable file."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        connection = sqlite_guard.connect(
            uri, lambda exc: damaged_error(path, exc), uri=True, check_same_thread=False
        )
        missing = _missing_paper_columns(connection)
        if missing:
            # An older library that cannot be given the new columns: a temporary view (the temp
            # schema is searched before the file's) shows the missing fields as empty.
            empty = ", ".join(f"NULL AS {name}" for name in missing)
            connection.execute(f"CREATE TEMP VIEW papers AS SELECT *, {empty} FROM main.papers")
        return connection
    except sqlite3.Error as exc:  # pragma: no cover - depends on the platform's SQLite
        raise storage_error(exc, f"the library in {path.parent}") from exc


def _writable(path: Path) -> bool:
    folder_ok = os.access(path.parent, os.W_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


class Catalog:
    """SQLite catalog in `<data_dir>/library.sqlite` (WAL mode, safe for several processes).

    A library in a read-only folder opens read-only: listing and search work, writes fail with
    a `StorageWriteError` that names the folder.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self.location = str(path)
        self._backed_up_changes = 0  # this connection's total_changes at its last backup

    @classmethod
    def open(cls, data_dir: Path, *, create: bool = False) -> Catalog:
        path = data_dir / CATALOG_FILE
        if not path.exists():
            saved = backups_of(data_dir, CATALOG_FILE)
            if saved:  # never start afresh over a library that was lost: restore it
                raise LibraryCorruptError(
                    f"The library database {path} is missing; run `litassist doctor --repair` "
                    f"to restore it from its backup of {saved[0].when}."
                )
            if not create:
                raise LibraryNotFoundError(
                    f"No library in {data_dir}; add papers with `litassist ingest FILE` first."
                )
            try:
                data_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise storage_error(exc, f"the data folder {data_dir}") from exc
        # A damaged page no query of this command reaches would go unnoticed: check the
        # file first when it changed outside litassist (see sqlite_guard.verify).
        sqlite_guard.verify(path, lambda problem: damaged_error(path, problem))
        try:
            connection = _connect(path, create=create)
            read_only = False
        except sqlite3.Error as exc:
            if not is_sqlite_write_failure(exc):
                raise damaged_error(path, exc) from exc
            if create or _writable(path):
                raise storage_error(exc, f"the library in {data_dir}") from exc
            connection = _connect_read_only(path)
            read_only = True
        version = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if version is None or version[0] != SCHEMA_VERSION:
            raise LibraryCorruptError(
                f"The library database {path} has an unknown schema; "
                "it was made by another version of litassist."
            )
        if not read_only and not (
            lexical_docs.has_schema(connection) and kept.has_schema(connection)
        ):
            # Two schema steps of their own, in this order: the lexical tables, then the kept
            # vectors.  A library made before a step existed gets its tables empty (and is
            # marked for the backfill: `Library.lexical` fills the lexical rows once,
            # `Library.repair` the kept vectors).
            try:
                with connection:
                    connection.execute("BEGIN IMMEDIATE")
                    lexical_docs.ensure_schema(connection)
                    kept.ensure_schema(connection)
            except sqlite3.Error as exc:
                connection.close()
                if not is_sqlite_write_failure(exc):
                    raise damaged_error(path, exc) from exc
                raise storage_error(exc, f"the library in {data_dir}") from exc
        return cls(connection, path)

    def close(self) -> None:
        self._db.close()
        # Closed (and checkpointed) by SQLite itself: as whole as it was at open.
        sqlite_guard.record_sound(self.path)

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; a full disk or read-only file becomes a `StorageWriteError`."""
        try:
            with self._db:
                yield self._db
        except sqlite3.Error as exc:
            if is_sqlite_write_failure(exc):
                raise storage_error(exc, f"the library in {self.path.parent}") from exc
            if sqlite_guard.is_damage(exc):
                raise damaged_error(self.path, exc) from exc
            raise LibraryCorruptError(f"Cannot write the library database: {exc}.") from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that also bumps the generation."""
        with self._writing() as db:
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
            )

    # ---- meta ---------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._writing() as db:
            db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def generation(self) -> int:
        return int(self.get_meta("generation") or 0)

    def version(self) -> str:
        """Changes with every write of papers or chunks (the generation, as text)."""
        return str(self.generation)

    # ---- reading ------------------------------------------------------------------------
    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM papers").fetchone()[0])

    def get(self, paper_id: str) -> Paper | None:
        row = self._db.execute(
            f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id = ?", (paper_id,)
        ).fetchone()
        return _paper_from_row(row) if row else None

    def get_many(self, paper_ids: Iterable[str]) -> dict[str, Paper]:
        ids = list(dict.fromkeys(paper_ids))
        found: dict[str, Paper] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            # fetchall: one guarded call, not one Python-level `__next__` per row.
            rows = self._db.execute(
                f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id IN ({marks})", part
            ).fetchall()
            for row in rows:
                paper = _paper_from_row(row)
                found[paper.id] = paper
        return found

    def labels(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """Paper id -> (collections, tags), for the papers that have either (the filters of
        `--collection` and `--tag`; `LabelIndex` caches this per version)."""
        rows = self._db.execute(
            "SELECT id, collections, tags FROM papers "
            "WHERE (collections IS NOT NULL AND collections != '[]') "
            "OR (tags IS NOT NULL AND tags != '[]')"
        )
        return {
            pid: (tuple(json.loads(cols or "[]")), tuple(json.loads(tags or "[]")))
            for pid, cols, tags in rows
        }

    def list_rows(self) -> list[PaperRow]:
        rows = self._db.execute(
            f"SELECT {_PAPER_COLUMNS}, "
            "(SELECT COUNT(*) FROM chunks c WHERE c.paper_id = papers.id), "
            "indexed_hash IS content_hash, added_at, updated_at "
            "FROM papers ORDER BY year IS NULL, year DESC, title COLLATE NOCASE"
        ).fetchall()
        n = len(_PAPER_FIELDS)
        return [
            PaperRow(_paper_from_row(r[:n]), int(r[n]), bool(r[n + 1]), r[n + 2], r[n + 3])
            for r in rows
        ]

    def find_same(self, paper: Paper, title_key: str) -> Paper | None:
        """An already stored record of the same paper: same id, DOI, arXiv id or title."""
        clauses = ["id = ?"]
        args: list[str] = [paper.id]
        if paper.doi:
            clauses.append("doi = ?")
            args.append(paper.doi)
        if paper.arxiv_id:
            clauses.append("arxiv_id = ?")
            args.append(paper.arxiv_id)
        if title_key:
            clauses.append("title_key = ?")
            args.append(title_key)
        row = self._db.execute(
            f"SELECT {_PAPER_COLUMNS} FROM papers WHERE {' OR '.join(clauses)} "
            "ORDER BY id = ? DESC LIMIT 1",
            (*args, paper.id),
        ).fetchone()
        return _paper_from_row(row) if row else None

    def resolve(self, ref: str) -> list[Paper]:
        """Papers matching a user's reference: exact id, citekey, DOI, or a unique id prefix."""
        for sql in (
            "id = ?",
            "citekey = ?",
            "doi = lower(?)",
            "arxiv_id = ?",
        ):
            rows = self._db.execute(
                f"SELECT {_PAPER_COLUMNS} FROM papers WHERE {sql}", (ref,)
            ).fetchall()
            if rows:
                return [_paper_from_row(r) for r in rows]
        escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._db.execute(
            f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id LIKE ? ESCAPE '\\' LIMIT 20",
            (f"{escaped}%",),
        ).fetchall()
        return [_paper_from_row(r) for r in rows]

    def content_hashes(self) -> dict[str, tuple[str, str | None]]:
        """paper id -> (content_hash, indexed_hash)."""
        return {
            r[0]: (r[1], r[2])
            for r in self._db.execute("SELECT id, content_hash, indexed_hash FROM papers")
        }

    def indexed_hashes(self, paper_ids: Sequence[str]) -> dict[str, str | None]:
        """paper id -> the content hash its stored vectors were built from (None: pending)."""
        found: dict[str, str | None] = {}
        for start in range(0, len(paper_ids), 500):
            part = list(paper_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            for pid, indexed in self._db.execute(
                f"SELECT id, indexed_hash FROM papers WHERE id IN ({marks})", part
            ):
                found[pid] = indexed
        return found

    def has_indexed(self) -> bool:
        """Whether any paper's vectors were ever confirmed stored (so the index must exist)."""
        row = self._db.execute(
            "SELECT 1 FROM papers WHERE indexed_hash IS content_hash LIMIT 1"
        ).fetchone()
        return row is not None

    def pending_ids(self) -> list[str]:
        """Papers whose vectors are missing or stale (an interrupted write)."""
        return [
            r[0]
            for r in self._db.execute(
                "SELECT id FROM papers WHERE indexed_hash IS NOT content_hash ORDER BY id"
            )
        ]

    def chunk_ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT id FROM chunks")}

    def chunk_index(self) -> dict[str, str]:
        """chunk id -> paper id, for every chunk."""
        return dict(self._db.execute("SELECT id, paper_id FROM chunks").fetchall())

    def chunks_of(self, paper_ids: Sequence[str]) -> list[Chunk]:
        papers = self.get_many(paper_ids)
        out: list[Chunk] = []
        for start in range(0, len(paper_ids), 500):
            part = list(paper_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            for cid, pid, idx, begin, end in self._db.execute(
                f"SELECT id, paper_id, idx, start, end FROM chunks WHERE paper_id IN ({marks}) "
                "ORDER BY paper_id, idx",
                part,
            ):
                text = papers[pid].abstract[begin:end]
                out.append(Chunk(cid, pid, idx, text, begin, end))
        return out

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """The chunks with these ids that the catalog knows, text filled from the abstract.

        Each paper's abstract is read once, not once per chunk (a long abstract has many).
        """
        rows: list[tuple[str, str, int, int, int]] = []
        for start in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            rows += self._db.execute(
                f"SELECT id, paper_id, idx, start, end FROM chunks WHERE id IN ({marks})", part
            ).fetchall()
        abstracts = self._abstracts({row[1] for row in rows})
        return {
            cid: Chunk(cid, pid, idx, abstracts[pid][begin:end], begin, end)
            for cid, pid, idx, begin, end in rows
            if pid in abstracts
        }

    def _abstracts(self, paper_ids: Iterable[str]) -> dict[str, str]:
        ids = list(paper_ids)
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            found.update(
                self._db.execute(
                    f"SELECT id, abstract FROM papers WHERE id IN ({marks})", part
                ).fetchall()
            )
        return found

    def iter_paper_texts(self, paper_ids: Sequence[str] | None = None) -> Iterator[PaperText]:
        """Each paper's title, year and chunks, in id order (each abstract read once)."""
        if paper_ids is None:
            yield from self._paper_texts("", ())
            return
        for start in range(0, len(paper_ids), 500):
            part = tuple(paper_ids[start : start + 500])
            yield from self._paper_texts(f"WHERE id IN ({','.join('?' * len(part))})", part)

    def _paper_texts(self, where: str, args: tuple[str, ...]) -> Iterator[PaperText]:
        # Two cursors walked side by side in paper order: papers, and their chunks' offsets.
        papers = self._db.execute(
            f"SELECT id, title, year, abstract FROM papers {where} ORDER BY id", args
        )
        chunk_where = where.replace("WHERE id", "WHERE paper_id")
        chunks = self._db.execute(
            f"SELECT paper_id, id, idx, start, end FROM chunks {chunk_where} "
            "ORDER BY paper_id, idx",
            args,
        )
        pending = chunks.fetchone()
        for pid, title, year, abstract in papers:
            own: list[Chunk] = []
            while pending is not None and pending[0] <= pid:
                if pending[0] == pid:
                    _, cid, idx, begin, end = pending
                    own.append(Chunk(cid, pid, idx, abstract[begin:end], begin, end))
                pending = chunks.fetchone()
            yield PaperText(pid, title, year, own)

    def iter_indexed_chunks(self) -> Iterator[IndexedChunk]:
        """Every chunk with its paper's title and year, in a stable order."""
        for paper in self.iter_paper_texts():
            for chunk in paper.chunks:
                yield IndexedChunk(chunk, paper.title, paper.year)

    # ---- the lexical index's rows ---------------------------------------------------------
    def lexical_source(self) -> LexicalSource:
        """The lexical index's rows in this database, rebuilt (if need be) in its transactions."""
        return LexicalSource(self._db, self.transaction)

    def rebuild_lexical(self) -> None:
        """Every paper's lexical rows, redone from the catalog (one transaction)."""
        with self.transaction() as db:
            lexical_docs.rebuild(db, self.iter_paper_texts())

    # ---- writing ------------------------------------------------------------------------
    def stage_many(self, items: Sequence[StagedPaper]) -> None:
        """Record papers and their chunks in one transaction (one generation step)."""
        if not items:
            return
        now = _now()
        with self.transaction() as db:
            lexical = lexical_docs.has_schema(db)
            before = self._stored_hashes(db, [paper.id for paper, _, _ in items]) if lexical else {}
            changed: dict[str, PaperText] = {}
            for paper, title_key, chunks in items:
                db.execute(
                    _UPSERT_PAPER,
                    (
                        *codec.to_columns(paper).values(),
                        title_key,
                        paper.content_hash,
                        now,
                        now,
                    ),
                )
                db.execute("DELETE FROM chunks WHERE paper_id = ?", (paper.id,))
                db.executemany(
                    "INSERT INTO chunks(id, paper_id, idx, start, end) VALUES (?,?,?,?,?)",
                    [(c.id, c.paper_id, c.index, c.start, c.end) for c in chunks],
                )
                if lexical and before.get(paper.id) != paper.content_hash:
                    changed[paper.id] = PaperText(paper.id, paper.title, paper.year, chunks)
            lexical_docs.replace_papers(db, changed.values())

    @staticmethod
    def _stored_hashes(db: sqlite3.Connection, paper_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(paper_ids), 500):
            part = list(paper_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            found.update(
                db.execute(
                    f"SELECT id, content_hash FROM papers WHERE id IN ({marks})", part
                ).fetchall()
            )
        return found

    def mark_indexed(self, indexed: Mapping[str, str], vectors: Sequence[KeptVector] = ()) -> None:
        """Record that the vectors of each paper id were built from this content hash, and
        keep `vectors` (those papers' new chunk vectors) in the same transaction.

        A paper whose content changed meanwhile (another writer) stays pending.
        """
        with self._writing() as db:
            db.executemany(
                "UPDATE papers SET indexed_hash = ? WHERE id = ? AND content_hash = ?",
                [(digest, pid, digest) for pid, digest in indexed.items()],
            )
            if vectors:
                kept.replace_for_papers(db, vectors)

    # ---- backups (see backup.py) ----------------------------------------------------------
    def back_up(self, *, force: bool = False) -> Backup | None:
        """Back the catalog up if it changed since this connection's last backup (or has
        none) and the size throttle allows; `force` skips both checks."""
        data_dir = self.path.parent
        if not force:
            unchanged = self._db.total_changes == self._backed_up_changes
            if unchanged and backups_of(data_dir, CATALOG_FILE):
                return None
            if not due(data_dir, self.path):
                return None
        journal = Journal(data_dir)

        def note_journal() -> None:
            self.set_meta(JOURNAL_SEQ_KEY, str(journal.last_seq()))

        made = take(self._db, data_dir, self.path, before=note_journal)
        self._backed_up_changes = self._db.total_changes
        if made is not None:
            generations = backups_of(data_dir, CATALOG_FILE)
            journal.drop_through(min(journal_seq_of(b) for b in generations))
        return made

    # ---- kept vectors (see kept_vectors.py) ----------------------------------------------
    def keep_vectors(self, vectors: Sequence[KeptVector]) -> None:
        """Keep these chunk vectors (copied from the vector index: an older library)."""
        with self._writing() as db:
            kept.add(db, vectors)

    def kept_vectors(self, chunk_ids: Sequence[str]) -> dict[str, KeptVector]:
        return kept.load(self._db, chunk_ids)

    def unkept_chunks(self) -> list[tuple[str, str, str]]:
        """(chunk id, paper id, content hash) of indexed chunks whose vector is not kept."""
        return kept.unkept(self._db)

    def kept_vector_count(self) -> int:
        return self.kept_vector_stats()[0]

    def kept_vector_sample(self, n: int) -> list[KeptVector]:
        """Up to `n` random kept vectors of indexed papers' current content."""
        return kept.sample(self._db, n)

    def kept_vector_stats(self) -> tuple[int, int]:
        """(vectors kept, bytes they take)."""
        return kept.stats(self._db)

    def mark_pending(self, paper_ids: Sequence[str]) -> None:
        """Force these papers to be re-indexed by the next `Library.repair`."""
        with self._writing() as db:
            db.executemany(
                "UPDATE papers SET indexed_hash = NULL WHERE id = ?", [(p,) for p in paper_ids]
            )

    def remove(self, paper_ids: Iterable[str]) -> int:
        ids = list(paper_ids)
        with self.transaction() as db:
            removed = 0
            for pid in ids:
                removed += db.execute("DELETE FROM papers WHERE id = ?", (pid,)).rowcount
            if lexical_docs.has_schema(db):
                lexical_docs.remove_papers(db, ids)
        return removed
