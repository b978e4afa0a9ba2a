"""The lexical index's source: one SQLite row of index terms per chunk, and a feed of changes.

Embedded, these tables live in the catalog (`library.sqlite`) and are written in the same
transaction as the papers and chunks they come from, so a crash never leaves the two apart.  In
server mode they live in the client's cache (`lexical_sync`), filled from the server's change
log.  Either way an in-memory `LexicalIndex` follows them cheaply:

- `lexical_docs` rows have AUTOINCREMENT ids that are never reused, and a changed chunk gets a
  new row, so "rows after id N" are exactly the chunks added since an index saw row N;
- a trigger appends every deleted row's id to `lexical_gone` (AUTOINCREMENT `seq`), so "gone
  after seq M" are exactly the chunks removed since;
- SQLite has one writer at a time, so ids and seqs are allocated in commit order and a reader
  that saw id N has seen every row below it.

`lexical_gone` is kept to the last `GONE_KEPT` entries; an index older than that (a process that
slept through many writes) reloads instead of catching up.  Term streams are stored as text
(space-separated terms, repeats kept) so the rows stay readable with the sqlite3 shell.
Standard library only: the tokenizer is imported by the functions that write.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from assistant.types import Chunk

LEXICAL_SCHEMA = "1"
GONE_KEPT = 200_000

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS lexical_docs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chunk_id TEXT NOT NULL UNIQUE,
        paper_id TEXT NOT NULL,
        year INTEGER,
        title_terms TEXT NOT NULL,
        body_terms TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS lexical_docs_paper ON lexical_docs(paper_id)",
    "CREATE TABLE IF NOT EXISTS lexical_gone (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc INTEGER)",
    """CREATE TRIGGER IF NOT EXISTS lexical_docs_gone AFTER DELETE ON lexical_docs
    BEGIN
        INSERT INTO lexical_gone(doc) VALUES (old.id);
    END""",
)
_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
# meta keys
SCHEMA_KEY = "lexical_schema"
STORE_KEY = "lexical_store"  # a random id per docs store: a saved index names the one it follows
COMPLETE_KEY = "lexical_tokenizer"  # set once every chunk has its row, to the tokenizer version
PRUNED_KEY = "lexical_gone_pruned"  # gone entries up to this seq were dropped


@dataclass(frozen=True)
class DocRow:
    id: int
    chunk_id: str
    paper_id: str
    year: int | None
    title_terms: str
    body_terms: str


@dataclass(frozen=True)
class Changes:
    added: list[DocRow]
    gone: list[int]  # row ids
    last_doc: int
    last_gone: int


@dataclass(frozen=True)
class PaperText:
    """What the lexical index needs of one paper: its title, year and chunks."""

    paper_id: str
    title: str
    year: int | None
    chunks: Sequence[Chunk]


def ensure_schema(db: sqlite3.Connection) -> None:
    """Create the tables (idempotent); the caller commits."""
    db.execute(_META)
    if _meta(db, SCHEMA_KEY) == LEXICAL_SCHEMA:
        return
    for statement in _SCHEMA:  # not executescript: it would commit the caller's transaction
        db.execute(statement)
    _set_meta(db, SCHEMA_KEY, LEXICAL_SCHEMA)
    if _meta(db, STORE_KEY) is None:
        _set_meta(db, STORE_KEY, uuid.uuid4().hex)


def has_schema(db: sqlite3.Connection) -> bool:
    try:
        return _meta(db, SCHEMA_KEY) == LEXICAL_SCHEMA
    except sqlite3.OperationalError:  # no meta table
        return False


def is_complete(db: sqlite3.Connection) -> bool:
    """Whether every chunk has its row, made by this version's tokenizer."""
    from assistant.store.lexical_tokens import TOKENIZER_VERSION

    return has_schema(db) and _meta(db, COMPLETE_KEY) == TOKENIZER_VERSION


def store_id(db: sqlite3.Connection) -> str:
    return _meta(db, STORE_KEY) or ""


def replace_papers(db: sqlite3.Connection, papers: Iterable[PaperText]) -> None:
    """Replace the rows of these papers, inside the caller's transaction."""
    from assistant.store.lexical_tokens import tokenize

    items = list(papers)
    if not items:
        return
    remove_papers(db, [p.paper_id for p in items])
    titles = tokenize([p.title for p in items])
    rows = []
    for paper, title in zip(items, titles, strict=True):
        title_terms = " ".join(title)
        bodies = tokenize([c.text for c in paper.chunks])
        for chunk, body in zip(paper.chunks, bodies, strict=True):
            rows.append((chunk.id, paper.paper_id, paper.year, title_terms, " ".join(body)))
    db.executemany(
        "INSERT INTO lexical_docs(chunk_id, paper_id, year, title_terms, body_terms) "
        "VALUES (?,?,?,?,?)",
        rows,
    )
    _prune(db)


def remove_papers(db: sqlite3.Connection, paper_ids: Sequence[str]) -> None:
    for start in range(0, len(paper_ids), 500):
        part = list(paper_ids[start : start + 500])
        marks = ",".join("?" * len(part))
        db.execute(f"DELETE FROM lexical_docs WHERE paper_id IN ({marks})", part)


def rebuild(db: sqlite3.Connection, papers: Iterable[PaperText], batch: int = 500) -> None:
    """Rows for every paper (all others dropped), then mark the store complete.

    Runs in one transaction of the caller's; `papers` is consumed in batches of `batch`.
    """
    from assistant.store.lexical_tokens import TOKENIZER_VERSION

    db.execute("DELETE FROM lexical_docs")
    pending: list[PaperText] = []
    for paper in papers:
        pending.append(paper)
        if len(pending) >= batch:
            replace_papers(db, pending)
            pending = []
    replace_papers(db, pending)
    _set_meta(db, COMPLETE_KEY, TOKENIZER_VERSION)


def changes(db: sqlite3.Connection, after_doc: int, after_gone: int) -> Changes | None:
    """Rows added after row `after_doc` and rows gone after seq `after_gone`.

    None when gone entries the caller has not seen were pruned: it must reload.  Rows are read
    before gone entries, so a row deleted meanwhile shows up in both (and is dropped), never
    in neither.
    """
    pruned = int(_meta(db, PRUNED_KEY) or 0)
    if after_gone < pruned:
        return None
    # Read first: every row and gone entry up to these was committed, and is read below.
    head_doc, head_gone = head(db)
    added = [
        DocRow(*row)
        for row in db.execute(
            "SELECT id, chunk_id, paper_id, year, title_terms, body_terms FROM lexical_docs "
            "WHERE id > ? ORDER BY id",
            (after_doc,),
        )
    ]
    gone_rows = db.execute(
        "SELECT seq, doc FROM lexical_gone WHERE seq > ? ORDER BY seq", (after_gone,)
    ).fetchall()
    last_doc = max(added[-1].id if added else after_doc, head_doc)
    last_gone = max(gone_rows[-1][0] if gone_rows else after_gone, head_gone)
    return Changes(added, [doc for _, doc in gone_rows], last_doc, last_gone)


def head(db: sqlite3.Connection) -> tuple[int, int]:
    """(last row id, last gone seq) allocated so far."""
    found = dict(
        db.execute(
            "SELECT name, seq FROM sqlite_sequence WHERE name IN ('lexical_docs', 'lexical_gone')"
        ).fetchall()
    )
    return int(found.get("lexical_docs", 0)), int(found.get("lexical_gone", 0))


def chunk_ids(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("SELECT chunk_id FROM lexical_docs")]


def _prune(db: sqlite3.Connection) -> None:
    last = head(db)[1]
    pruned = int(_meta(db, PRUNED_KEY) or 0)
    if last - pruned <= GONE_KEPT + GONE_KEPT // 10:  # pruned in steps, not on every write
        return
    cut = last - GONE_KEPT
    db.execute("DELETE FROM lexical_gone WHERE seq <= ?", (cut,))
    _set_meta(db, PRUNED_KEY, str(cut))


def _meta(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


class LexicalSource:
    """A docs store on one SQLite connection: what `Library` reads the lexical index from.

    `writing` opens the write transaction to use (the catalog's own, embedded), so rebuilding
    the rows takes the same locks as any other write of that database.
    """

    def __init__(
        self,
        db: sqlite3.Connection,
        writing: Callable[[], AbstractContextManager[sqlite3.Connection]],
    ) -> None:
        self.db = db
        self._writing = writing
        self._store_id: str | None = None

    @classmethod
    def in_memory(cls) -> LexicalSource:
        """For a library whose folder is read-only and has no rows yet: rows held in memory."""
        db = sqlite3.connect(":memory:", check_same_thread=False)
        ensure_schema(db)
        db.commit()

        @contextmanager
        def writing() -> Iterator[sqlite3.Connection]:
            with db:
                yield db

        return cls(db, writing)

    @property
    def store_id(self) -> str:
        if not self._store_id:  # fixed for the life of the tables
            self._store_id = store_id(self.db)
        return self._store_id

    def head(self) -> tuple[int, int]:
        """(last row id, last gone seq): unchanged means nothing was written since."""
        return head(self.db)

    @property
    def complete(self) -> bool:
        return is_complete(self.db)

    def changes(self, after_doc: int, after_gone: int) -> Changes | None:
        if after_doc == 0 and after_gone == 0:
            # Nothing held yet: rows deleted before now are not among the rows read below.
            after_gone = head(self.db)[1]
        return changes(self.db, after_doc, after_gone)

    def chunk_ids(self) -> list[str]:
        return chunk_ids(self.db)

    def rebuild(self, papers: Iterable[PaperText]) -> None:
        with self._writing() as db:
            rebuild(db, papers)
        self._store_id = None
