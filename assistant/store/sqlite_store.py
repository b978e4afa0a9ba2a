"""The shared base of the user's-work stores (conversations, comparisons): one SQLite file each.

Each store is a small SQLite file in the data folder, in WAL mode so the chat and a CLI command
can use it at once, versioned with `PRAGMA user_version` (a file from a newer litassist is
refused, not misread; one from an older one is migrated on open, in the same transaction that
stamps the new version), written in one locked transaction per change, and backed up after
writes (`store/backup.py`: rotating, throttled by size); a damaged page is reported as one line
naming `litassist doctor --repair`, which restores the newest sound backup.  Subclasses set the
file name, schema, version, a plural noun for messages, and their error class, and override
`migrate` when they change their layout.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, Self

from assistant.errors import LitassistError
from assistant.store import backup, sqlite_guard
from assistant.store.backup import backups_of


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
        self._backed_up_changes = connection.total_changes
        self._closed = False

    @classmethod
    def open(cls, data_dir: Path) -> Self:
        path = Path(data_dir) / cls.FILE_NAME
        saved = backups_of(Path(data_dir), cls.FILE_NAME)
        if saved and not path.exists():  # lost, not new: restore it rather than start empty
            raise cls.ERROR(
                f"{path} is missing; run `litassist doctor --repair` to restore it from its "
                f"backup of {saved[0].when} (or delete its backups in {saved[0].path.parent} "
                "to start afresh)."
            )
        sqlite_guard.verify(path, lambda problem: cls._damaged_error(path)(problem))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite_guard.connect(
                path, cls._damaged_error(path), timeout=10.0, check_same_thread=False
            )
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
            if sqlite_guard.is_damage(exc):
                raise cls._damaged_error(path)(exc) from exc
            raise cls.ERROR(
                f"Cannot open the {cls.NOUN} in {path}: {exc}; move the file aside to start afresh."
            ) from exc
        except OSError as exc:
            raise cls.ERROR(f"Cannot create {path}: {exc.strerror or exc}.") from exc
        store = cls(connection, path)
        if not saved:
            store._back_up()  # the first backup of a file made by an older litassist
        return store

    @classmethod
    def _damaged_error(cls, path: Path) -> Callable[[Exception | str], LitassistError]:
        def build(exc: Exception | str) -> LitassistError:
            return cls.ERROR(
                f"The {cls.NOUN} in {path} are damaged ({exc}); "
                "run `litassist doctor --repair` to restore them."
            )

        return build

    def _back_up(self, *, throttled: bool = True) -> None:
        """Back the file up after a write, throttled by size (`store.backup`).  A write the
        throttle skips stays pending: the next write or `close` backs it up."""
        data_dir = self.path.parent
        if not throttled or backup.due(data_dir, self.path):
            backup.take(self._db, data_dir, self.path)
            self._backed_up_changes = self._db.total_changes

    @classmethod
    def migrate(cls, db: sqlite3.Connection, version: int) -> None:
        """Bring a file written at `version` (older than `SCHEMA_VERSION`) up to date, inside
        the open transaction (a failure leaves the file as it was)."""

    def close(self) -> None:
        """Close the file; writes the throttle left out of the newest backup are backed up
        first, so that no write of a session is missing from every backup (these stores have
        no journal to replay, unlike the catalog)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                if self._db.total_changes != self._backed_up_changes:
                    self._back_up(throttled=False)
            finally:
                self._db.close()
            sqlite_guard.record_sound(self.path)

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
                if self._db.total_changes != self._backed_up_changes:
                    self._back_up()  # after a successful write
            except sqlite3.DatabaseError as exc:
                if sqlite_guard.is_damage(exc):
                    raise self._damaged_error(self.path)(exc) from exc
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
