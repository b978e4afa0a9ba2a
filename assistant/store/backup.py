"""Rotating backups of the data folder's SQLite files, and the journal that replays past them.

What is backed up: the catalog (`library.sqlite`), `conversations.sqlite` and
`comparisons.sqlite`, each into `<data>/backups/<stem>-<UTC time>.sqlite`, keeping the newest
`GENERATIONS`.  A backup is `VACUUM INTO` a temporary file (a consistent snapshot, compact,
taken while other processes read), flushed to disk, then renamed into place, so a backup is
whole or absent.  They are taken after successful writes: the catalog when a writer releases
the library's write lock (the end of an ingest, a removal, a repair), the conversation and
comparison stores after each write transaction.  Throttled by size: a file is backed up at
most once every `SECONDS_PER_MB` seconds per megabyte (a 20 MB catalog every 20 s, a 500 MB
one every 8 minutes), so a large library is not copied after every tiny write.  A backup that
fails for lack of space is skipped (the older generations stay); one that meets a damaged page
raises the store's damage error, so the user hears of it now.

What a backup of the catalog misses is what was written after it; the *journal*
(`backups/library-journal.jsonl`) records every ingest's input files and every removal's paper
ids, numbered.  Each catalog backup stores the number of the last journal entry it contains
(catalog meta `backup_journal_seq`), so restoring it and replaying the later entries
(`store/recovery.py`) re-ingests what changed since from the recorded source files.
Entries older than the oldest kept backup are dropped.  (Conversations and comparisons have no
such replay: they are small, so they are backed up after every write, throttle permitting.)
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.store.failures import is_sqlite_write_failure
from assistant.store.sqlite_guard import quick_check

BACKUP_DIR = "backups"
GENERATIONS = 3
SECONDS_PER_MB = 1.0
MAX_INTERVAL = 3600.0
JOURNAL = "library-journal.jsonl"
JOURNAL_SEQ_KEY = "backup_journal_seq"
_STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime

    @property
    def when(self) -> str:
        return self.taken_at.strftime("%Y-%m-%d %H:%M:%S UTC")


def backup_dir(data_dir: Path) -> Path:
    return data_dir / BACKUP_DIR


def backups_of(data_dir: Path, file_name: str) -> list[Backup]:
    """The backups of `file_name` ("library.sqlite"), newest first."""
    stem = Path(file_name).stem
    found: list[Backup] = []
    try:
        entries = list(os.scandir(backup_dir(data_dir)))
    except OSError:
        return found
    for entry in entries:
        name = entry.name
        if not (name.startswith(f"{stem}-") and name.endswith(".sqlite")):
            continue
        try:
            taken = datetime.strptime(name[len(stem) + 1 : -len(".sqlite")], _STAMP)
        except ValueError:
            continue
        found.append(Backup(Path(entry.path), taken.replace(tzinfo=UTC)))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def min_interval(size_bytes: int) -> float:
    """Seconds to wait after a backup before the next one of a file this size."""
    return min(MAX_INTERVAL, size_bytes / 1e6 * SECONDS_PER_MB)


def due(data_dir: Path, source: Path) -> bool:
    """Whether `source` should be backed up now (no backup yet, or the throttle expired)."""
    existing = backups_of(data_dir, source.name)
    if not existing:
        return True
    try:
        size = source.stat().st_size
    except OSError:
        return False
    age = (datetime.now(UTC) - existing[0].taken_at).total_seconds()
    return age < 0 or age >= min_interval(size)


def take(
    connection: sqlite3.Connection,
    data_dir: Path,
    source: Path,
    *,
    before: Callable[[], None] | None = None,
) -> Backup | None:
    """Back `connection` (the database at `source`) up now; None when there is no room.

    `before` runs first (the catalog records its journal position there).  Raises whatever
    the connection raises for a damaged database (its guard's damage error).
    """
    folder = backup_dir(data_dir)
    stamp = datetime.now(UTC)
    target = folder / f"{source.stem}-{stamp.strftime(_STAMP)}.sqlite"
    temporary = folder / f".{target.name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if before is not None:
            before()
        connection.execute("VACUUM INTO ?", (str(temporary),))
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except (OSError, sqlite3.OperationalError) as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, sqlite3.OperationalError) and not is_sqlite_write_failure(exc):
            raise
        # No room, or a read-only folder: the older backups stay, the write already happened.
        return None
    prune(data_dir, source.name)
    return Backup(target, stamp)


def prune(data_dir: Path, file_name: str, keep: int = GENERATIONS) -> None:
    for old in backups_of(data_dir, file_name)[keep:]:
        with contextlib.suppress(OSError):
            old.path.unlink()


def newest_sound(data_dir: Path, file_name: str) -> tuple[Backup | None, list[Backup]]:
    """(the newest backup that passes `quick_check`, the damaged ones skipped on the way)."""
    skipped: list[Backup] = []
    for backup in backups_of(data_dir, file_name):
        if quick_check(backup.path) is None:
            return backup, skipped
        skipped.append(backup)
    return None, skipped


def restore(backup: Backup, target: Path) -> Path | None:
    """Put `backup` in place of `target`; the damaged file (and its WAL) is moved aside, and
    where it went is returned (None when there was none)."""
    moved = set_aside(target)
    temporary = target.with_name(f".{target.name}.restoring")
    with open(backup.path, "rb") as source, open(temporary, "wb") as copy:
        while block := source.read(1 << 20):
            copy.write(block)
        copy.flush()
        os.fsync(copy.fileno())
    os.replace(temporary, target)
    return moved


def set_aside(target: Path) -> Path | None:
    """Move a damaged database (and its -wal/-shm, which belong to it) out of the way."""
    if not target.exists():
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                target.with_name(target.name + suffix).unlink()
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = target.with_name(f"{target.name}.damaged-{stamp}")
    os.replace(target, aside)
    for suffix in ("-wal", "-shm"):
        side = target.with_name(target.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    return aside


# ---- the journal ----------------------------------------------------------------------------
@dataclass(frozen=True)
class JournalEntry:
    seq: int
    at: str
    op: str  # "ingest" (files) or "remove" (ids)
    files: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()


class Journal:
    """`backups/library-journal.jsonl`: one JSON line per ingest or removal, numbered."""

    def __init__(self, data_dir: Path) -> None:
        self.path = backup_dir(data_dir) / JOURNAL

    def entries(self) -> list[JournalEntry]:
        """Every readable entry, in order (a damaged line is skipped)."""
        return [e for e in self._read() if e.op != "mark"]

    def _read(self) -> Iterator[JournalEntry]:
        try:
            lines = self.path.read_bytes().decode("utf-8", "replace").splitlines()
        except OSError:
            return
        for line in lines:
            try:
                data: dict[str, Any] = json.loads(line)
                yield JournalEntry(
                    int(data["seq"]),
                    str(data["at"]),
                    str(data["op"]),
                    tuple(str(f) for f in data.get("files", ())),
                    tuple(str(i) for i in data.get("ids", ())),
                )
            except (ValueError, KeyError, TypeError):
                continue

    def last_seq(self) -> int:
        return max((e.seq for e in self._read()), default=0)

    def append(self, op: str, *, files: tuple[str, ...] = (), ids: tuple[str, ...] = ()) -> None:
        """Record an operation before it runs (a failed write that resumes is harmless)."""
        entry = {
            "seq": self.last_seq() + 1,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "op": op,
        }
        if files:
            entry["files"] = list(files)
        if ids:
            entry["ids"] = list(ids)
        # A read-only or full folder: the write that follows fails with its own clear line.
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
                handle.flush()
                os.fsync(handle.fileno())

    def after(self, seq: int) -> list[JournalEntry]:
        return [e for e in self.entries() if e.seq > seq]

    def drop_through(self, seq: int) -> None:
        """Forget entries up to `seq` (what every kept backup already contains); a "mark"
        entry keeps the numbering going when none is left."""
        every = list(self._read())
        kept = [e for e in every if e.seq > seq]
        if not kept and every:
            kept = [JournalEntry(max(e.seq for e in every), "", "mark")]
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            with open(temporary, "w", encoding="utf-8") as handle:
                for e in kept:
                    entry: dict[str, Any] = {"seq": e.seq, "at": e.at, "op": e.op}
                    if e.files:
                        entry["files"] = list(e.files)
                    if e.ids:
                        entry["ids"] = list(e.ids)
                    handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            os.replace(temporary, self.path)


def journal_seq_of(backup: Backup) -> int:
    """The last journal entry a catalog backup contains (0: none recorded)."""
    try:
        uri = f"{backup.path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=10)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (JOURNAL_SEQ_KEY,)).fetchone()
        return int(row[0]) if row else 0
    except (sqlite3.Error, ValueError):
        return 0
