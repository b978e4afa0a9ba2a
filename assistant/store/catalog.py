"""The paper catalog: SQLite records of papers and their chunks, the library's source of truth.

The vector store (Chroma) and the lexical index (BM25) are indexes over what this catalog
holds; `Library` keeps them consistent with it.  A paper row carries `content_hash` (what it
should be indexed as) and `indexed_hash` (what the vector store holds for it): a paper whose
two hashes differ was interrupted mid-indexing and is re-indexed by the next write.

Every write of papers or chunks bumps `generation`, so a lexical index built at an older
generation is known to be stale.  This is the embedded mode's `PaperCatalog`; in server mode
`server_catalog.ServerCatalog` keeps the same records on the Chroma server.  Only the standard
library is imported, so `litassist papers` starts fast.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from assistant.errors import LibraryCorruptError, LibraryNotFoundError
from assistant.store import kept_vectors as kept
from assistant.store import sqlite_guard
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
from assistant.store.records import IndexedChunk, PaperRow, StagedPaper
from assistant.types import Chunk, Paper

__all__ = ["CATALOG_FILE", "Catalog", "IndexedChunk", "PaperRow"]

SCHEMA_VERSION = "1"
CATALOG_FILE = "library.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS papers (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    abstract TEXT NOT NULL,
    authors TEXT NOT NULL,
    year INTEGER,
    venue TEXT,
    doi TEXT,
    arxiv_id TEXT,
    url TEXT,
    source_file TEXT,
    source_format TEXT,
    citekey TEXT,
    raw_entry TEXT,
    line INTEGER,
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

_PAPER_COLUMNS = (
    "id, title, abstract, authors, year, venue, doi, arxiv_id, url, source_file, "
    "source_format, citekey, raw_entry, line"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _paper_from_row(row: sqlite3.Row | tuple) -> Paper:
    (pid, title, abstract, authors, year, venue, doi, arxiv, url, src, fmt, key, raw, line) = row
    return Paper(
        id=pid,
        title=title,
        abstract=abstract,
        authors=tuple(json.loads(authors)),
        year=year,
        venue=venue,
        doi=doi,
        arxiv_id=arxiv,
        url=url,
        source_file=src,
        source_format=fmt,
        citekey=key,
        raw_entry=raw,
        line=line,
    )


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
        connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A WAL database in a folder we cannot write: read it as an immutable file."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        return sqlite_guard.connect(
            uri, lambda exc: damaged_error(path, exc), uri=True, check_same_thread=False
        )
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
        except sqlite3.Error as exc:
            if not is_sqlite_write_failure(exc):
                raise damaged_error(path, exc) from exc
            if create or _writable(path):
                raise storage_error(exc, f"the library in {data_dir}") from exc
            connection = _connect_read_only(path)
        version = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if version is None or version[0] != SCHEMA_VERSION:
            raise LibraryCorruptError(
                f"The library database {path} has an unknown schema; "
                "it was made by another version of litassist."
            )
        try:
            kept.ensure_schema(connection)
        except sqlite3.Error as exc:
            if not is_sqlite_write_failure(exc):  # read-only: read what is there
                raise
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
            for row in self._db.execute(
                f"SELECT {_PAPER_COLUMNS} FROM papers WHERE id IN ({marks})", part
            ):
                paper = _paper_from_row(row)
                found[paper.id] = paper
        return found

    def list_rows(self) -> list[PaperRow]:
        rows = self._db.execute(
            f"SELECT {_PAPER_COLUMNS}, "
            "(SELECT COUNT(*) FROM chunks c WHERE c.paper_id = papers.id), "
            "indexed_hash IS content_hash, added_at, updated_at "
            "FROM papers ORDER BY year IS NULL, year DESC, title COLLATE NOCASE"
        ).fetchall()
        return [
            PaperRow(_paper_from_row(r[:14]), int(r[14]), bool(r[15]), r[16], r[17]) for r in rows
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
        """The chunks with these ids that the catalog knows, text filled from the abstract."""
        found: dict[str, Chunk] = {}
        for start in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            for cid, pid, idx, begin, end, abstract in self._db.execute(
                "SELECT c.id, c.paper_id, c.idx, c.start, c.end, p.abstract FROM chunks c "
                f"JOIN papers p ON p.id = c.paper_id WHERE c.id IN ({marks})",
                part,
            ):
                found[cid] = Chunk(cid, pid, idx, abstract[begin:end], begin, end)
        return found

    def iter_indexed_chunks(self) -> Iterator[IndexedChunk]:
        """Every chunk with its paper's title and year, in a stable order."""
        query = (
            "SELECT c.id, c.paper_id, c.idx, c.start, c.end, p.abstract, p.title, p.year "
            "FROM chunks c JOIN papers p ON p.id = c.paper_id ORDER BY c.paper_id, c.idx"
        )
        for cid, pid, idx, begin, end, abstract, title, year in self._db.execute(query):
            yield IndexedChunk(Chunk(cid, pid, idx, abstract[begin:end], begin, end), title, year)

    # ---- writing ------------------------------------------------------------------------
    def stage(self, paper: Paper, title_key: str, chunks: Sequence[Chunk]) -> None:
        """Record `paper` and its chunks as to-be-indexed (indexed_hash unchanged)."""
        self.stage_many([(paper, title_key, chunks)])

    def stage_many(self, items: Sequence[StagedPaper]) -> None:
        """Record papers and their chunks in one transaction (one generation step)."""
        if not items:
            return
        now = _now()
        with self.transaction() as db:
            for paper, title_key, chunks in items:
                db.execute(
                    f"INSERT INTO papers({_PAPER_COLUMNS}, title_key, content_hash, "
                    "indexed_hash, added_at, updated_at) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL,?,?) "
                    "ON CONFLICT(id) DO UPDATE SET title=excluded.title, "
                    "abstract=excluded.abstract, authors=excluded.authors, year=excluded.year, "
                    "venue=excluded.venue, doi=excluded.doi, arxiv_id=excluded.arxiv_id, "
                    "url=excluded.url, source_file=excluded.source_file, "
                    "source_format=excluded.source_format, citekey=excluded.citekey, "
                    "raw_entry=excluded.raw_entry, line=excluded.line, "
                    "title_key=excluded.title_key, content_hash=excluded.content_hash, "
                    "updated_at=excluded.updated_at",
                    (
                        paper.id,
                        paper.title,
                        paper.abstract,
                        json.dumps(list(paper.authors), ensure_ascii=False),
                        paper.year,
                        paper.venue,
                        paper.doi,
                        paper.arxiv_id,
                        paper.url,
                        paper.source_file,
                        paper.source_format,
                        paper.citekey,
                        paper.raw_entry,
                        paper.line,
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
            kept = backups_of(data_dir, CATALOG_FILE)
            journal.drop_through(min(journal_seq_of(b) for b in kept))
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
        return removed
