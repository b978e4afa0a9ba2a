"""The shared base of the user's-work stores (conversations, comparisons): one SQLite file each.

Each store is a small SQLite file in the data folder, in WAL mode so the chat and a CLI command
can use it at once, versioned with `PRAGMA user_version` (a file from a newer litassist is
refused, not misread; one from an older one is migrated on open, in the same transaction that
stamps the new version), written in one locked transaction per change.  Subclasses set the file
name, schema, version, a plural noun for messages, and their error class, and override
`migrate` when they change their layout.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, Self

from assistant.errors import LitassistError


class SqliteStore:
    FILE_NAME: ClassVar[str]
    SCHEMA: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int]
    TABLE: ClassVar[str]  # the table whose `id` column `resolve` searches
    NOUN: ClassVar[str]  # "conversations", "comparisons": for messages and the list command
    SINGULAR: ClassVar[str]
    ERROR: ClassVar[type[LitassistError]]
    NOT_FOUND: ClassVar[type[LitassistError]]

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def open(cls, data_dir: Path) -> Self:
        path = Path(data_dir) / cls.FILE_NAME
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=10.0, check_same_thread=False)
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA journal_mode = WAL")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > cls.SCHEMA_VERSION:
                connection.close()
                raise cls.ERROR(
                    f"{path} was written by a newer litassist; upgrade litassist to open it."
                )
            with connection:
                connection.executescript(cls.SCHEMA)
                if 0 < version < cls.SCHEMA_VERSION:
                    cls.migrate(connection, version)
                connection.execute(f"PRAGMA user_version = {cls.SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise cls.ERROR(
                f"Cannot open the {cls.NOUN} in {path}: {exc}; move the file aside to start afresh."
            ) from exc
        except OSError as exc:
            raise cls.ERROR(f"Cannot create {path}: {exc.strerror or exc}.") from exc
        return cls(connection, path)

    @classmethod
    def migrate(cls, db: sqlite3.Connection, version: int) -> None:
        """Bring a file written at `version` (older than `SCHEMA_VERSION`) up to date, inside
        the open transaction (a failure leaves the file as it was)."""

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
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
                raise self.ERROR(f"The {self.NOUN} in {self.path} failed: {exc}.") from exc

    def resolve(self, ref: str) -> str:
        """The id a user means: an exact id or a unique prefix of one."""
        ref = ref.strip()
        pattern = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._transaction() as db:
            rows = db.execute(
                f"SELECT id FROM {self.TABLE} WHERE id = ? OR id LIKE ? ESCAPE '\\' LIMIT 3",
                (ref, pattern),
            ).fetchall()
        ids = [r[0] for r in rows]
        if ref in ids:
            return ref
        if len(ids) == 1 and ref:
            return ids[0]
        if not ids or not ref:
            raise self.NOT_FOUND(f"No {self.SINGULAR} {ref!r}; see `litassist {self.NOUN}`.")
        raise self.NOT_FOUND(f"{ref!r} matches several {self.NOUN}; give more of it.")
