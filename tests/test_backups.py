"""Nothing stored is ever lost: rotating backups of the SQLite files, one-line errors for a
damaged one, and `doctor --repair` restoring the newest sound backup, then replaying the
journal (re-ingesting the files recorded since, repeating removals) and saying what was lost.

A corrupted `library.sqlite` (a page of garbage mid-file) used to give "unexpected
DatabaseError" on every command, `doctor` included, with advice that sent the user in a
circle.  The damaging commands run in child processes (`tests.cli_session`).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from assistant.errors import LibraryCorruptError
from assistant.ingest import ingest
from assistant.store import backup
from assistant.store.backup import GENERATIONS, Journal, backups_of, journal_seq_of
from assistant.store.library import Library
from assistant.store.vectors import forget_embedded_clients
from tests.cli_session import Ran, run_session
from tests.conftest import HashingEmbedder
from tests.damage import garble
from tests.synthetic_corpus import write_corpus

QUERY = "segmentation transformer depth"


def one_line(ran: Ran, *fragments: str) -> str:
    assert ran.code == 1, (ran.args, ran.out[-500:], ran.err)
    assert ran.err.count("\n") == 1 and ran.err.startswith("error: "), ran.err
    assert "Traceback" not in ran.err and "unexpected" not in ran.err, ran.err
    for fragment in fragments:
        assert fragment in ran.err, ran.err
    return ran.err


def ids(found: Ran) -> list[str]:
    assert found.code == 0, found.err
    data = found.json()
    rows = data["results"] if isinstance(data, dict) else data
    return [row["id"] for row in rows]


def test_backups_rotate_are_throttled_and_the_journal_covers_the_rest(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = library.data_dir
    monkeypatch.setattr(backup, "SECONDS_PER_MB", 0.0)  # every write backed up
    for n in range(GENERATIONS + 1):
        ingest([write_corpus(tmp_path / f"f{n}.jsonl", 3, start=10 * n)], library)
    kept = backups_of(data, "library.sqlite")
    assert len(kept) == GENERATIONS  # rotated: the oldest went
    assert [b.taken_at for b in kept] == sorted((b.taken_at for b in kept), reverse=True)
    assert journal_seq_of(kept[0]) == GENERATIONS + 1  # the newest holds every ingest
    with sqlite3.connect(kept[0].path) as copy:  # a real, whole copy of the catalog
        assert copy.execute("SELECT COUNT(*) FROM papers").fetchone()[0] == 3 * (GENERATIONS + 1)
        assert copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"

    monkeypatch.setattr(backup, "SECONDS_PER_MB", 1e9)  # throttled: no new backup
    late = write_corpus(tmp_path / "late.jsonl", 2, start=500)
    ingest([late], library)
    with library.write_lock():
        library.remove(["doi:10.5555/synthetic.0"])
    assert backups_of(data, "library.sqlite") == kept
    later = Journal(data).after(journal_seq_of(kept[0]))
    assert [(e.op, e.files, e.ids) for e in later] == [
        ("ingest", (str(late.resolve()),), ()),
        ("remove", (), ("doi:10.5555/synthetic.0",)),
    ]
    # The journal keeps only what the oldest kept backup lacks.
    assert min(e.seq for e in Journal(data).entries()) > journal_seq_of(kept[-1])


@pytest.fixture(scope="session")
def used_library_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """Two ingests, a removal, a conversation, a comparison; then the newest catalog backups
    are lost, so the one left predates the second ingest and the removal (the journal must
    replay them).  Built once; each test gets a copy (`used_library`)."""
    root = tmp_path_factory.mktemp("used-library")
    data = root / "lib"
    first = write_corpus(root / "first.jsonl", 25)
    second = write_corpus(root / "second.jsonl", 10, start=100)
    home = ["--data-dir", str(data)]
    ran = run_session(
        [*home, "ingest", str(first)],
        [*home, "ingest", str(second)],
        [*home, "remove", "doi:10.5555/synthetic.4"],
        [*home, "ask", "Which datasets study segmentation?", "--mode", "extractive"],
        [*home, "compare", "doi:10.5555/synthetic.1", "doi:10.5555/synthetic.2"],
    )
    assert all(r.code == 0 for r in ran), [r.err for r in ran]
    for old in backups_of(data, "library.sqlite")[:-1]:
        old.path.unlink()
    assert journal_seq_of(backups_of(data, "library.sqlite")[0]) == 1
    return data, [first, second]


@pytest.fixture
def used_library(
    used_library_once: tuple[Path, list[Path]], tmp_path: Path
) -> tuple[Path, list[Path]]:
    data, sources = used_library_once
    copy = tmp_path / "lib"
    shutil.copytree(data, copy)
    return copy, sources


def test_a_garbled_catalog_gives_one_line_everywhere_and_doctor_restores_it(
    used_library: tuple[Path, list[Path]],
) -> None:
    data, sources = used_library
    home = ["--data-dir", str(data)]
    before = run_session(
        [*home, "papers", "--json"],
        [*home, "search", QUERY, "--json"],
        [*home, "conversations", "--json"],
        [*home, "comparisons", "--json"],
    )
    garble(data / "library.sqlite")
    ran = run_session(
        [*home, "papers"],
        [*home, "search", QUERY],
        [*home, "ingest", str(sources[0])],
        [*home, "doctor"],
        [*home, "doctor", "--json"],
        [*home, "doctor", "--repair"],
        [*home, "papers", "--json"],
        [*home, "search", QUERY, "--json"],
        [*home, "conversations", "--json"],
        [*home, "comparisons", "--json"],
        [*home, "doctor", "--json"],
    )
    for command in ran[:3]:
        one_line(command, "library.sqlite is damaged", "run `litassist doctor --repair`")
    doctor = ran[3]
    assert doctor.code == 1 and "Traceback" not in doctor.err and doctor.err == ""
    assert "library.sqlite is damaged (" in doctor.out and "newest backup" in doctor.out
    assert "Run `litassist doctor --repair` to fix it." in doctor.out
    report = ran[4].json()
    assert ran[4].code == 1 and not report["consistent"]
    repaired = ran[5]
    assert repaired.code == 0, (repaired.out, repaired.err)
    said = repaired.out.splitlines()[0]
    assert said.startswith("Restored library.sqlite from its backup of ")
    assert "re-ingested 1 source file(s) recorded since" in said  # the second file
    assert "repeated 1 removal(s)" in said and "nothing was lost" in said
    assert ids(ran[6]) == ids(before[0]) and ids(ran[7]) == ids(before[1])
    assert ran[8].json() == before[2].json() and ran[9].json() == before[3].json()
    assert ran[10].code == 0 and ran[10].json()["consistent"]
    library = Library.open(data, HashingEmbedder())
    try:
        assert library.catalog.get("doi:10.5555/synthetic.4") is None  # still removed
        assert library.catalog.count() == 34
    finally:
        library.close()
        forget_embedded_clients()


def test_damaged_conversations_are_restored_with_every_turn(
    used_library: tuple[Path, list[Path]],
) -> None:
    data, _ = used_library
    home = ["--data-dir", str(data)]
    (before,) = run_session([*home, "conversations", "--json"])
    garble(data / "conversations.sqlite")
    ran = run_session(
        [*home, "conversations"],
        [*home, "ask", "Which datasets study depth?", "--mode", "extractive"],
        [*home, "doctor", "--repair", "--json"],
        [*home, "conversations", "--json"],
    )
    for command in ran[:2]:
        one_line(command, "conversations.sqlite are damaged", "`litassist doctor --repair`")
    report = ran[2].json()
    assert ran[2].code == 0 and report["consistent"], ran[2].out
    (restored,) = report["restored"]
    assert restored["file"] == "conversations.sqlite" and restored["lost"] == []
    assert Path(restored["moved_to"]).exists()  # the damaged file is kept, not deleted
    assert ran[3].json() == before.json()


def test_a_deleted_catalog_is_restored_not_replaced_by_an_empty_one(
    used_library: tuple[Path, list[Path]],
) -> None:
    data, sources = used_library
    home = ["--data-dir", str(data)]
    (listed,) = run_session([*home, "papers", "--json"])
    (data / "library.sqlite").unlink()
    ran = run_session(
        [*home, "papers"],
        [*home, "ingest", str(sources[1])],  # must not start a new, empty library
        [*home, "doctor", "--repair", "--json"],
        [*home, "papers", "--json"],
    )
    for command in ran[:2]:
        one_line(command, "library.sqlite is missing", "doctor --repair", "to restore it")
    assert ran[2].code == 0, ran[2].out
    assert ids(ran[3]) == ids(listed)


def test_without_a_sound_backup_the_catalog_is_rebuilt_from_its_source_files(
    used_library: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    data, sources = used_library
    for saved in backups_of(data, "library.sqlite"):
        garble(saved.path)  # every backup damaged too
    shutil.copy(data / "library.sqlite", tmp_path / "copy.sqlite")
    with sqlite3.connect(tmp_path / "copy.sqlite") as db:  # what the damaged file still names
        named = {r[0] for r in db.execute("SELECT DISTINCT source_file FROM papers")}
    assert named == {str(s.resolve()) for s in sources}
    garble(data / "library.sqlite")
    home = ["--data-dir", str(data)]
    (repaired,) = run_session([*home, "doctor", "--repair", "--json"])
    assert repaired.code == 0, repaired.out
    (restored,) = repaired.json()["restored"]
    assert restored["backup"] is None and len(restored["replayed_files"]) == 2
    # The removal was journaled and is repeated; what the damaged page hid may be lost.
    assert restored["replayed_removals"] == 1
    library = Library.open(data, HashingEmbedder())
    try:
        assert library.catalog.get("doi:10.5555/synthetic.4") is None
        assert library.catalog.count() == 34
        assert library.check().consistent
    finally:
        library.close()
        forget_embedded_clients()


def test_a_damaged_catalog_says_so_in_one_line_at_open_or_at_the_first_bad_page(
    library: Library, tmp_path: Path
) -> None:
    from assistant.store.sqlite_guard import record_sound

    ingest([write_corpus(tmp_path / "papers.jsonl", 30)], library)
    library.close()
    path = library.data_dir / "library.sqlite"
    garble(path)
    with pytest.raises(LibraryCorruptError, match=r"is damaged .* doctor --repair"):
        Library.open(library.data_dir, HashingEmbedder())  # changed outside: checked at open
    record_sound(path)  # as if the check had not seen it: the first bad page tells
    reopened = Library.open(library.data_dir, HashingEmbedder())
    try:
        with pytest.raises(LibraryCorruptError, match=r"is damaged .* doctor --repair"):
            reopened.catalog.list_rows()  # every table read whole
            list(reopened.catalog.iter_indexed_chunks())
            reopened.catalog.kept_vector_stats()
    finally:
        reopened.close()
        forget_embedded_clients()


def test_a_write_the_throttle_skips_is_backed_up_when_the_store_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen in CI on a quiet machine: a comparison written twice within the throttle's
    interval was missing from every backup, so `doctor --repair` restored it without its last
    write.  The conversation and comparison stores have no journal to replay that write."""
    from assistant.store.conversations import ConversationStore

    monkeypatch.setattr(backup, "MAX_INTERVAL", 3600.0)
    monkeypatch.setattr(backup, "SECONDS_PER_MB", 1e9)  # every later write within the throttle
    store = ConversationStore.open(tmp_path)
    first = store.create("What is DIOR?")
    second = store.create("What is FAIR1M?")  # throttled: not in the newest backup yet

    def backed_up_ids() -> set[str]:
        newest = backups_of(tmp_path, ConversationStore.FILE_NAME)[0]
        with sqlite3.connect(newest.path) as db:
            return {row[0] for row in db.execute("SELECT id FROM conversations")}

    assert second not in backed_up_ids()
    store.close()
    assert backed_up_ids() == {first, second}
    store.close()  # closing twice is harmless
