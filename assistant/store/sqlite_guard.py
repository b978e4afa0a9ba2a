"""SQLite connections that report a damaged file as one line naming the repair.

A page of garbage in the middle of a database does not stop it opening: SQLite finds out when
a query reaches that page, wherever in the code that is, and raises
`sqlite3.DatabaseError: database disk image is malformed`, which used to surface as
"unexpected DatabaseError".  `connect(path, damaged=...)` returns a connection whose every
statement and row fetch turns such an error (SQLITE_CORRUPT, SQLITE_NOTADB) into the error
`damaged(exc)` builds (for the catalog, a `LibraryCorruptError` naming
`litassist doctor --repair`); other errors (locked, full, read-only) pass unchanged.

Wrapping at the connection rather than at each store method keeps every current and future
query covered; the cost is a Python-level call per fetched row (about 0.2 µs).

A damaged page that no query of a command happens to reach would go unnoticed, so opening a
file also checks it (`verify`): when the file is not the one this data folder last saw whole
(its size and mtime, recorded in `<data>/.sqlite.verified` when a process closes it or
a check passes), `PRAGMA quick_check` runs first.  Only a change made outside litassist (or by
a process killed before it closed the file) costs that check, about 5 ms per MB.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from assistant.store.failures import is_sqlite_write_failure

RECORD_FILE = ".sqlite.verified"

Damaged = Callable[[sqlite3.DatabaseError], Exception]

_CORRUPT = 11  # SQLITE_CORRUPT
_NOTADB = 26  # SQLITE_NOTADB
_MESSAGES = ("malformed", "not a database", "corrupt")


def is_damage(exc: BaseException) -> bool:
    """Whether `exc` says the database file itself is damaged."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (_CORRUPT, _NOTADB):
        return True
    text = str(exc).lower()
    return any(fragment in text for fragment in _MESSAGES)


class _GuardedCursor(sqlite3.Cursor):
    def _damaged(self, exc: sqlite3.DatabaseError) -> Exception:
        return self.connection.damaged(exc)  # type: ignore[attr-defined]  # a GuardedConnection's

    def execute(self, sql: str, parameters: Any = (), /) -> _GuardedCursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise self._damaged(exc) from exc
            raise

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> _GuardedCursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise self._damaged(exc) from exc
            raise

    def executescript(self, script: str, /) -> _GuardedCursor:
        try:
            return super().executescript(script)  # type: ignore[return-value]  # returns self
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise self._damaged(exc) from exc
            raise

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise self._damaged(exc) from exc
            raise

    def fetchmany(self, size: int | None = None) -> list[Any]:
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise self._damaged(exc) from exc
            raise

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise self._damaged(exc) from exc
            raise

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise self._damaged(exc) from exc
            raise


class GuardedConnection(sqlite3.Connection):
    """A connection whose statements run on `_GuardedCursor`s (see the module docstring)."""

    damaged: Damaged

    def cursor(self, factory: Any = None) -> _GuardedCursor:  # type: ignore[override]  # narrower
        return super().cursor(factory or _GuardedCursor)

    # Connection.execute* build their cursor in C without calling `cursor`, so route them.
    def execute(self, sql: str, parameters: Any = (), /) -> _GuardedCursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> _GuardedCursor:
        return self.cursor().executemany(sql, parameters)

    def executescript(self, script: str, /) -> _GuardedCursor:
        return self.cursor().executescript(script)

    def commit(self) -> None:
        try:
            super().commit()
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise self.damaged(exc) from exc
            raise


def connect(database: str | Path, damaged: Damaged, **kwargs: Any) -> GuardedConnection:
    """`sqlite3.connect` with the guard; `damaged(exc)` builds the error for a damaged file."""
    connection = sqlite3.connect(database, factory=GuardedConnection, **kwargs)
    assert isinstance(connection, GuardedConnection)
    connection.damaged = damaged
    return connection


def remove_database(path: Path) -> None:
    """Delete a derived database and its -wal and -shm (a folder in its place too); raises
    OSError when it cannot.  For caches that are rebuilt, never for a store of record
    (backup.set_aside keeps those)."""
    import shutil

    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if candidate.is_dir():
            shutil.rmtree(candidate)
        elif candidate.exists():
            candidate.unlink()


# ---- whole-file checks ---------------------------------------------------------------------
def quick_check(path: Path) -> str | None:
    """None when SQLite's `PRAGMA quick_check` finds `path` sound, else what it found."""
    if not path.exists():
        return "the file is missing"
    try:
        # Not `mode=ro`: a read-only connection to a WAL database leaves its -wal and -shm
        # behind.  Nothing here writes; SQLite opens a file it cannot write read-only.
        with contextlib.closing(sqlite3.connect(path, timeout=10)) as db:
            rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.OperationalError as exc:
        if not is_sqlite_write_failure(exc):
            return str(exc) or exc.__class__.__name__
        try:  # a folder we cannot write (no -shm possible): read the file as it is
            uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
            with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
                rows = db.execute("PRAGMA quick_check").fetchall()
        except sqlite3.Error as again:
            return str(again) or again.__class__.__name__
    except sqlite3.Error as exc:
        return " ".join(str(exc).split()) or exc.__class__.__name__
    problems = [str(r[0]) for r in rows if r and r[0] != "ok"]
    if not problems:
        return None
    # SQLite's report starts "*** in database main ***" and spans lines: one line, the gist.
    text = " ".join(problems[0].replace("*** in database main ***", "").split())
    return text[:200] or "quick_check failed"


def _identity(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]  # no inode: `cp -a` of a data folder is the same


def _records(path: Path) -> dict[str, Any]:
    try:
        data = json.loads((path.parent / RECORD_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def record_sound(path: Path) -> None:
    """Note `path` as it is now as whole (after closing it, or after a check passed)."""
    records = _records(path)
    records[path.name] = _identity(path)
    target = path.parent / RECORD_FILE
    temporary = target.with_name(f"{RECORD_FILE}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):  # a read-only folder: the check runs each time
        temporary.write_text(json.dumps(records), encoding="utf-8")
        os.replace(temporary, target)


def verify(path: Path, damaged: Callable[[str], Exception]) -> None:
    """Raise `damaged(problem)` if `path` changed since last seen whole and is not sound."""
    if not path.exists() or _records(path).get(path.name) == _identity(path):
        return
    problem = quick_check(path)
    if problem is not None:
        raise damaged(problem)
    record_sound(path)
