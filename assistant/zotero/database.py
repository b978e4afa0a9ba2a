"""Opening `zotero.sqlite` (and `better-bibtex.sqlite`) without writing, also while Zotero runs.

Zotero holds its database with `PRAGMA locking_mode=EXCLUSIVE` (`DB_LOCK_EXCLUSIVE` in its
`db.js`), so while it runs every other connection, even a read-only one, gets "database is
locked".  What we measured against a connection holding such a lock (the tests pin it):

* `?mode=ro`: fine while Zotero is closed; "database is locked" while it runs.
* `?immutable=1`: reads without any lock, but wrongly: in WAL mode it ignores the `-wal` file
  and so misses every change not yet checkpointed, and in rollback-journal mode it reads the
  pages an open transaction has already spilled into the file (a 5,000-row uncommitted insert
  under `cache_size=10` showed 456 uncommitted rows).
* a snapshot copy of the file with its `-journal` and `-wal` into a private temporary folder,
  opened there: SQLite rolls the copy's hot journal back, or replays only the committed frames
  of its WAL, so the copy holds exactly the last committed state.  The copy is taken again when
  any of the files changed while it was being copied.

So `open_snapshot` reads in one read transaction of a read-only connection when it can (no
copy), and from a snapshot copy when the file is locked.  Either way nothing is written to
the user's files.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from assistant.errors import ZoteroReadError

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every Zotero database since 5.0 has; litassist reads these.
ZOTERO_TABLES = frozenset(
    {"items", "itemTypes", "itemData", "itemDataValues", "fields", "creators", "itemCreators"}
)
COMPANION_SUFFIXES = ("-journal", "-wal")
COPY_ATTEMPTS = 4
COPY_RETRY_DELAY = 0.25  # seconds between copies while Zotero is writing


def is_zotero_database(path: Path) -> bool:
    """True when `path` is an SQLite file with Zotero's tables (recognised by content, so
    `litassist ingest ~/Zotero/zotero.sqlite` or a copy under any name works)."""
    try:
        with open(path, "rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return False
    except OSError:
        return False
    # Only the schema is read here, so a lock-free `immutable` look is good enough (see above
    # for why it is not good enough for the data).
    try:
        conn = sqlite3.connect(f"{_file_uri(path)}?mode=ro&immutable=1", uri=True)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return names >= ZOTERO_TABLES


@contextmanager
def open_snapshot(path: Path, *, what: str = "Zotero database") -> Iterator[sqlite3.Connection]:
    """A read-only connection showing one committed state of the database at `path`.

    Raises `ZoteroReadError` (one line: what, why, what to do) when the file is missing, is not
    an SQLite database, or kept changing while it was being copied.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise ZoteroReadError(
            f"No {what} at {path}: point --zotero-dir at Zotero's data folder "
            "(Zotero: Settings > Advanced > Files and Folders > Data Directory Location)."
        )
    try:
        conn: sqlite3.Connection | None = _open_read_only(path)
    except _Locked:
        conn = None
    if conn is None:
        with tempfile.TemporaryDirectory(prefix="litassist-zotero-") as folder:
            copy = _snapshot_copy(path, Path(folder), what)
            snapshot = _open_copy(copy, path, what)
            try:
                yield snapshot
            finally:
                snapshot.close()
        return
    try:
        yield conn
    finally:
        with suppress(sqlite3.Error):
            conn.execute("COMMIT")
        conn.close()


class _Locked(Exception):
    """The database is held by another connection (Zotero is running)."""


def _file_uri(path: Path) -> str:
    return path.resolve().as_uri()


def _open_read_only(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(
            f"{_file_uri(path)}?mode=ro", uri=True, timeout=0.2, isolation_level=None
        )
    except sqlite3.Error as exc:
        raise ZoteroReadError(f"Cannot open {path}: {exc}.") from exc
    try:
        # One read transaction: every later query sees the same committed state.
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        conn.close()
        if _is_lock_error(exc):
            raise _Locked from exc
        raise _unreadable(path, exc) from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _unreadable(path, exc) from exc
    return conn


def _is_lock_error(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _unreadable(path: Path, exc: sqlite3.Error) -> ZoteroReadError:
    return ZoteroReadError(
        f"Cannot read {path}: {exc}. Is it a Zotero database? "
        "Zotero's own copy is zotero.sqlite in its data folder."
    )


def _stamp(path: Path) -> tuple[tuple[int, int] | None, ...]:
    stamps: list[tuple[int, int] | None] = []
    for suffix in ("", *COMPANION_SUFFIXES):
        try:
            stat = Path(f"{path}{suffix}").stat()
        except FileNotFoundError:
            stamps.append(None)
        else:
            stamps.append((stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


def _snapshot_copy(path: Path, folder: Path, what: str) -> Path:
    target = folder / path.name
    for attempt in range(COPY_ATTEMPTS):
        before = _stamp(path)
        try:
            for suffix in ("", *COMPANION_SUFFIXES):
                source = Path(f"{path}{suffix}")
                copy = Path(f"{target}{suffix}")
                copy.unlink(missing_ok=True)
                if source.exists():
                    shutil.copyfile(source, copy)
        except OSError as exc:
            raise ZoteroReadError(
                f"Cannot copy {path} to read it while Zotero runs: {exc.strerror or exc}. "
                "Free some space in the temporary folder, or close Zotero and retry."
            ) from exc
        if _stamp(path) == before:
            return target
        if attempt + 1 < COPY_ATTEMPTS:
            time.sleep(COPY_RETRY_DELAY)
    raise ZoteroReadError(
        f"The {what} {path} kept changing while it was being read (Zotero is syncing or "
        "importing); try again in a moment."
    )


def _open_copy(copy: Path, original: Path, what: str) -> sqlite3.Connection:
    try:
        # Read-write on our private copy only, so SQLite can roll back a hot journal.
        conn = sqlite3.connect(copy, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA query_only = 1")
    except sqlite3.Error as exc:
        raise _unreadable(original, exc) from exc
    return conn
