"""Restoring damaged SQLite files from their backups: what `litassist doctor` runs first.

`check_files` runs SQLite's `PRAGMA quick_check` on the catalog, the conversations and the
comparisons (page-level damage that opening a file does not reveal), and notes a file that is
missing although backups of it exist.  This works when the catalog is too damaged to open a
`Library`, which is why the doctor runs it before anything else.

`recover` restores each damaged file from its newest backup that passes the same check (the
damaged file is moved aside, never deleted), then, for the catalog, replays the journal
entries the backup does not contain: it re-ingests the recorded source files of later ingests
and repeats later removals (`store/backup.py`).  It says what it restored and what was lost:
the papers, conversations or comparisons still readable in the damaged file that the recovered
one lacks (a source file deleted since, a turn written after the last backup), or that changes
after the backup may be lost when the damaged file cannot be read at all.  With no sound
backup, the catalog is rebuilt from the source files the damaged one still names.

Ingesting is not the store's to do: the caller (`app.library.LibraryUseCases.doctor`) passes
the opener and the ingest to use.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.store.backup import (
    Backup,
    Journal,
    JournalEntry,
    backups_of,
    journal_seq_of,
    newest_sound,
    quick_check,
    restore,
    set_aside,
)
from assistant.store.catalog import CATALOG_FILE
from assistant.store.comparisons import FILE_NAME as COMPARISONS_FILE
from assistant.store.conversations import FILE_NAME as CONVERSATIONS_FILE

if TYPE_CHECKING:
    from assistant.store.library import Library

FILES = (CATALOG_FILE, CONVERSATIONS_FILE, COMPARISONS_FILE)
# What "a record" is in each file, to tell what a recovery lost: key -> a comparable value.
_RECORDS = {
    CATALOG_FILE: "SELECT id, content_hash FROM papers",
    CONVERSATIONS_FILE: (
        "SELECT c.id, COUNT(t.position) FROM conversations c "
        "LEFT JOIN turns t ON t.conversation_id = c.id GROUP BY c.id"
    ),
    COMPARISONS_FILE: "SELECT id, created_at FROM comparisons",
}
_NOUNS = {CATALOG_FILE: "paper", CONVERSATIONS_FILE: "conversation", COMPARISONS_FILE: "comparison"}


@dataclass(frozen=True)
class FileCheck:
    name: str
    path: Path
    problem: str | None  # None: sound
    backups: int
    newest_backup: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.name,
            "problem": self.problem,
            "backups": self.backups,
            "newest_backup": self.newest_backup,
        }


def check_files(data_dir: Path) -> list[FileCheck]:
    """Each SQLite file of the data folder that exists or has backups, checked."""
    found: list[FileCheck] = []
    for name in FILES:
        path = data_dir / name
        saved = backups_of(data_dir, name)
        if not path.exists() and not saved:
            continue  # never made (no conversation yet): nothing to check
        problem = quick_check(path) if path.exists() else "the file is missing"
        newest = saved[0].when if saved else None
        found.append(FileCheck(name, path, problem, len(saved), newest))
    return found


@dataclass
class Restored:
    name: str
    backup: str | None  # when the backup used was taken; None: started afresh
    moved_to: str | None  # where the damaged file went
    replayed_files: list[str] = field(default_factory=list)
    replayed_removals: int = 0
    missing_files: list[str] = field(default_factory=list)  # recorded, no longer there
    lost: list[str] = field(default_factory=list)  # readable before, absent now
    lost_unknown: bool = False  # the damaged file could not be read to tell

    def line(self) -> str:
        noun = _NOUNS[self.name]
        if self.backup:
            text = f"Restored {self.name} from its backup of {self.backup}"
        else:
            text = f"Rebuilt {self.name} afresh (no sound backup)"
        if self.moved_to:
            text += f"; the damaged file is kept as {Path(self.moved_to).name}"
        if self.replayed_files:
            text += f"; re-ingested {len(self.replayed_files)} source file(s) recorded since"
        if self.replayed_removals:
            text += f"; repeated {self.replayed_removals} removal(s)"
        if self.missing_files:
            text += f"; {len(self.missing_files)} recorded file(s) no longer exist"
        if self.lost:
            shown = ", ".join(self.lost[:5]) + (", ..." if len(self.lost) > 5 else "")
            text += f"; lost: {len(self.lost)} {noun}(s) ({shown})"
        if self.lost_unknown:
            when = f"after {self.backup}" if self.backup else "before"
            text += f"; part of the damaged file is unreadable: {noun}s changed {when} may be lost"
        elif not self.lost:
            text += "; nothing was lost"
        return text + "."

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.name,
            "backup": self.backup,
            "moved_to": self.moved_to,
            "replayed_files": self.replayed_files,
            "replayed_removals": self.replayed_removals,
            "missing_files": self.missing_files,
            "lost": self.lost,
            "lost_unknown": self.lost_unknown,
        }


Ingest = Callable[[list[Path], "Library"], object]


def recover(
    data_dir: Path,
    damaged: Iterable[FileCheck],
    open_library: Callable[[], Library],
    ingest: Ingest,
) -> list[Restored]:
    """Restore every damaged file (see the module docstring); the caller holds no library
    open.  `open_library` opens (creating if needed) the library; `ingest` re-ingests files."""
    done: list[Restored] = []
    for check in damaged:
        before, complete = _records(check.path)
        sources = _source_files(check.path) if check.name == CATALOG_FILE else []
        backup, _ = newest_sound(data_dir, check.name)
        if backup is not None:
            moved = restore(backup, check.path)
        else:
            moved = set_aside(check.path)
            _set_backups_aside(data_dir, check.name)
        when = backup.when if backup else None
        report = Restored(check.name, when, str(moved) if moved else None)
        report.lost_unknown = not complete
        if check.name == CATALOG_FILE:
            _replay(data_dir, backup, sources, report, open_library, ingest)
            # The journal replays every later ingest and removal: only a source file gone
            # since (or no backup at all) can make the unreadable part matter.
            report.lost_unknown = not complete and (backup is None or bool(report.missing_files))
        after, _ = _records(check.path)
        report.lost = sorted(k for k, v in before.items() if _lost(check.name, v, after.get(k)))
        done.append(report)
    return done


def _lost(name: str, before: object, after: object) -> bool:
    if after is None:
        return True
    if name == CONVERSATIONS_FILE:  # fewer turns than before: some were lost
        return isinstance(before, int) and isinstance(after, int) and after < before
    return False  # a paper or comparison present again, whichever version


def _replay(
    data_dir: Path,
    backup: Backup | None,
    sources: list[str],
    report: Restored,
    open_library: Callable[[], Library],
    ingest: Ingest,
) -> None:
    """Re-apply what the journal recorded after `backup` (everything, without one)."""
    journal = Journal(data_dir)
    entries = journal.after(journal_seq_of(backup)) if backup else journal.entries()
    if backup is None and sources:  # no backup: the files the damaged catalog still names
        entries = [JournalEntry(0, "", "ingest", tuple(sources)), *entries]
    if not entries:
        return
    library = open_library()
    try:
        for entry in entries:
            if entry.op == "ingest":
                present = [Path(f) for f in entry.files if Path(f).is_file()]
                gone = [f for f in entry.files if not Path(f).is_file()]
                report.missing_files.extend(f for f in gone if f not in report.missing_files)
                if present:
                    ingest(present, library)
                    report.replayed_files.extend(
                        str(f) for f in present if str(f) not in report.replayed_files
                    )
            elif entry.op == "remove":
                known = [pid for pid in entry.ids if library.catalog.get(pid) is not None]
                if known:
                    with library.write_lock(wait=2.0):
                        library.remove(known)
                    report.replayed_removals += 1
    finally:
        library.close()


def _records(path: Path) -> tuple[dict[str, object], bool]:
    """(the records readable in `path`: key -> comparable value, whether that is all of them).

    A damaged file is read up to its first bad page; a missing one tells nothing."""
    found: dict[str, object] = {}
    if not path.exists():
        return found, False
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=10)) as db:
            for key, value in db.execute(_RECORDS[path.name]):
                found[str(key)] = value
    except sqlite3.Error:
        return found, False
    return found, True


def _source_files(path: Path) -> list[str]:
    """The source files the (damaged) catalog still names, as far as it can be read."""
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=10)) as db:
            rows = db.execute(
                "SELECT DISTINCT source_file FROM papers WHERE source_file IS NOT NULL"
            ).fetchall()
        return sorted(str(r[0]) for r in rows)
    except sqlite3.Error:
        return []


def _set_backups_aside(data_dir: Path, name: str) -> None:
    """Every backup of `name` is damaged: keep them, under names that are not backups."""
    for damaged in backups_of(data_dir, name):
        with contextlib.suppress(OSError):
            os.replace(damaged.path, damaged.path.with_name(damaged.path.name + ".damaged"))
