"""Faults: a read-only data folder, a disk that fills up mid-ingest, corrupt BM25 files and a
Chroma server that goes away.  Each gives one clear line, loses nothing already stored, and
the library works again once the cause is gone.

The read-only folder and the full disk are real: the kernel refuses the writes.  A child
process runs `litassist` with the data folder chmod'ed read-only (as root, inside
`unshare --user`, where root's override does not apply) or with a file size limit
(RLIMIT_FSIZE) just above what is stored, so the next growth of any file fails.
"""

from __future__ import annotations

import errno
import json
import os
import re
import resource
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import chromadb.errors
import httpx
import pytest

from assistant.errors import LitassistError, StorageWriteError, StoreUnavailableError
from assistant.ingest import ingest
from assistant.rag.retriever import HybridRetriever
from assistant.store.failures import Failure, classify, storage_error
from assistant.store.library import Library
from assistant.store.vectors import translate_chroma_error
from tests.child_process import (
    catalog_progress,
    child_env,
    litassist_args,
    run,
    start,
    wait_for,
)
from tests.chroma_server import ChromaServer
from tests.conftest import ROOT, HashingEmbedder
from tests.consistency import assert_library_holds_exactly
from tests.synthetic_corpus import write_corpus


def one_line_error(stderr: str) -> str:
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("error: ") and "Traceback" not in stderr
    return stderr


# ---- how failures from sqlite, chromadb and httpx are read ----------------------------------
@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), Failure.FULL),
        (OSError(errno.EROFS, "Read-only file system"), Failure.READ_ONLY),
        (sqlite3.OperationalError("database or disk is full"), Failure.FULL),
        (sqlite3.OperationalError("attempt to write a readonly database"), Failure.READ_ONLY),
        (sqlite3.OperationalError("disk I/O error"), Failure.IO),
        (
            chromadb.errors.InternalError(
                "Query error: Database error: error returned from database: (code: 13) "
                "database or disk is full"
            ),
            Failure.FULL,
        ),
        (httpx.ConnectError("[Errno 111] Connection refused"), Failure.UNAVAILABLE),
        (httpx.RemoteProtocolError("Server disconnected"), Failure.UNAVAILABLE),
        (
            ValueError("Could not connect to a Chroma server. Are you sure it is running?"),
            Failure.UNAVAILABLE,
        ),
        (KeyError("paper_id"), Failure.OTHER),
    ],
)
def test_failures_are_classified(exc: Exception, kind: Failure) -> None:
    assert classify(exc) is kind


def test_failure_messages_are_one_actionable_line() -> None:
    full = storage_error(OSError(errno.ENOSPC, "No space left on device"), "the library in /x")
    assert isinstance(full, StorageWriteError) and "\n" not in str(full)
    assert str(full).startswith("Cannot write to the library in /x: out of disk space")
    assert "free some space" in str(full) and "Everything stored before is kept" in str(full)
    gone = translate_chroma_error(httpx.ConnectError("refused"), "http://127.0.0.1:9")
    assert isinstance(gone, StoreUnavailableError) and "`chroma run`" in str(gone)
    bug = TypeError("a bug, not a storage failure")
    assert translate_chroma_error(bug, "anywhere") is bug  # bugs are not disguised


# ---- a read-only data folder ----------------------------------------------------------------
def read_only_prefix() -> list[str]:
    """How to run a child that cannot write to a chmod'ed folder (root ignores modes)."""
    if os.geteuid() != 0:
        return []
    unshare = shutil.which("unshare")
    assert unshare, "running as root: `unshare --user` is needed to make a folder read-only"
    return [unshare, "--user"]


def set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~bits)


def test_read_only_data_folder(tmp_path: Path) -> None:
    stored = write_corpus(tmp_path / "stored.jsonl", 30)
    extra = write_corpus(tmp_path / "extra.jsonl", 30, start=500)
    data = tmp_path / "lib"
    assert run(data, None, "ingest", str(stored)).returncode == 0
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}

    def as_reader(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*read_only_prefix(), *litassist_args(data, None, *args)],
            cwd=ROOT,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )

    set_writable(data, False)
    try:
        ingested = as_reader("ingest", str(extra))
        assert ingested.returncode == 1
        message = one_line_error(ingested.stderr)
        assert f"Cannot write to the library in {data}: it is read-only" in message
        listed = as_reader("papers", "--json")  # the catalog still reads
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == 30
        searched = as_reader("search", "synthetic study")  # Chroma must write even to read
        assert searched.returncode == 1
        assert "is read-only" in one_line_error(searched.stderr)
        removed = as_reader("remove", "doi:10.5555/synthetic.3")
        assert removed.returncode == 1 and "read-only" in one_line_error(removed.stderr)
    finally:
        set_writable(data, True)
    after = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    assert after == before  # not a byte changed

    library = Library.open(data, HashingEmbedder())
    try:
        assert_library_holds_exactly(library, [stored])
        ingest([extra], library)  # writable again: works
        assert_library_holds_exactly(library, [stored, extra])
    finally:
        library.close()


# ---- a disk that fills up mid-ingest -------------------------------------------------------
def test_disk_full_mid_ingest_loses_nothing_and_resumes(tmp_path: Path) -> None:
    stored = write_corpus(tmp_path / "stored.jsonl", 40)
    big = write_corpus(tmp_path / "big.jsonl", 200, start=1000)
    data = tmp_path / "lib"
    assert run(data, None, "ingest", str(stored)).returncode == 0
    largest = max(p.stat().st_size for p in data.rglob("*") if p.is_file())
    limit = largest + 64 * 1024  # the next file to grow past this hits the limit

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    full = run(data, None, "ingest", str(big), preexec_fn=small_disk)
    assert full.returncode == 1
    message = one_line_error(full.stderr)
    assert "Cannot write to" in message and "Everything stored before is kept" in message

    resumed = run(data, None, "ingest", str(big))  # space again: the same command finishes
    assert resumed.returncode == 0, resumed.stderr
    library = Library.open(data, HashingEmbedder())
    try:
        assert_library_holds_exactly(library, [stored, big])
    finally:
        library.close()


def test_bm25_save_on_a_full_disk_keeps_searching(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.store import lexical

    first = write_corpus(tmp_path / "first.jsonl", 10)
    ingest([first], library)
    saved = library.lexical().last_doc

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(lexical.np, "save", no_space)
    monkeypatch.setattr(lexical, "DELTA_MIN", 0)  # every catch-up merges and saves
    second = write_corpus(tmp_path / "second.jsonl", 5, start=50)
    report = ingest([second], library)  # the snapshot cannot be written: not an error
    assert report.added == 5
    hits = HybridRetriever(library).search("Synthetic study 52", 1, mode="lexical")
    assert hits[0].paper.id == "doi:10.5555/synthetic.52"  # served from memory
    monkeypatch.undo()
    fresh = Library.open(library.data_dir, library.embedder)
    try:
        assert lexical.LexicalIndex.load(fresh.lexical_root()).last_doc == saved  # intact
        assert fresh.check().bm25.state == "current"
        hits = HybridRetriever(fresh).search("Synthetic study 52", 1, mode="lexical")
        assert hits[0].paper.id == "doi:10.5555/synthetic.52"  # caught up from the rows
    finally:
        fresh.close()


# ---- corrupt BM25 files ----------------------------------------------------------------------
def _garbage_json(root: Path) -> None:
    for path in root.rglob("index.json"):
        path.write_text("{ not json", encoding="utf-8")


def _truncated_arrays(root: Path) -> None:
    for path in root.rglob("*.npy"):
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _dangling_pointer(root: Path) -> None:
    (root / "CURRENT").write_text("build-that-never-was", encoding="utf-8")


def _binary_pointer(root: Path) -> None:
    (root / "CURRENT").write_bytes(b"\x00\xff\xfe garbage")


def _missing_vocabulary(root: Path) -> None:
    for path in root.rglob("ptr.npy"):
        path.unlink()


def _file_in_place_of_the_folder(root: Path) -> None:
    shutil.rmtree(root)
    root.write_bytes(b"not a folder")


@pytest.mark.parametrize(
    "damage",
    [
        _garbage_json,
        _truncated_arrays,
        _dangling_pointer,
        _binary_pointer,
        _missing_vocabulary,
        _file_in_place_of_the_folder,
    ],
)
def test_corrupt_bm25_files_are_reported_and_rebuilt(
    damage, library: Library, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_corpus(tmp_path / "papers.jsonl", 12)
    ingest([source], library)
    damage(library.lexical_root())
    monkeypatch.setattr("assistant.wiring.make_embedder", lambda settings: HashingEmbedder())
    home = str(library.data_dir)
    checked = run_cli("--data-dir", home, "doctor", "--json")
    assert checked.code == 1
    assert json.loads(checked.out)["bm25"]["state"] == "unreadable"
    found = run_cli(
        "--data-dir", home, "search", "Synthetic study 11", "--mode", "lexical", "--json"
    )
    assert found.code == 0, found.err
    assert json.loads(found.out)["results"][0]["id"] == "doi:10.5555/synthetic.11"
    repaired = run_cli("--data-dir", home, "doctor", "--repair", "--json")
    assert repaired.code == 0 and json.loads(repaired.out)["bm25"]["state"] == "current"
    assert_library_holds_exactly(library, [source])


# ---- a Chroma server that goes away -------------------------------------------------------
@pytest.fixture
def own_server(tmp_path: Path):
    """A server of this test's own, so it can be killed and restarted on the same port."""
    server = ChromaServer(tmp_path / "server-data").start()
    yield server
    server.stop()


def test_server_killed_mid_query(own_server: ChromaServer, tmp_path: Path, run_cli, monkeypatch):
    monkeypatch.setattr("assistant.wiring.make_embedder", lambda settings: HashingEmbedder())
    source = write_corpus(tmp_path / "papers.jsonl", 40)
    client = ["--data-dir", str(tmp_path / "client"), "--chroma-url", own_server.url]
    assert run_cli(*client, "ingest", str(source)).code == 0

    library = Library.open(tmp_path / "client", HashingEmbedder(), chroma_url=own_server.url)
    retriever = HybridRetriever(library)
    failures: list[Exception] = []
    answered = threading.Event()

    def keep_searching() -> None:
        while True:
            try:
                retriever.search("synthetic study dataset", 5)
                answered.set()
            except Exception as exc:  # what a TUI worker would catch and show
                failures.append(exc)
                return

    worker = threading.Thread(target=keep_searching, daemon=True)
    worker.start()
    assert answered.wait(30)
    own_server.kill()
    worker.join(30)
    assert len(failures) == 1
    error = failures[0]
    assert isinstance(error, LitassistError) and "\n" not in str(error)
    assert f"The Chroma server at {own_server.url} is not answering" in str(error)
    library.close()

    down = run_cli(*client, "search", "synthetic study")
    assert down.code == 1
    assert "is not answering" in one_line_error(down.err) and "nothing stored was lost" in down.err
    own_server.start()  # back, same data
    back = run_cli(*client, "search", "Synthetic study 17", "--mode", "lexical", "--json")
    assert back.code == 0 and json.loads(back.out)["results"][0]["id"] == "doi:10.5555/synthetic.17"
    library = Library.open(tmp_path / "client", HashingEmbedder(), chroma_url=own_server.url)
    try:
        assert_library_holds_exactly(library, [source])
    finally:
        library.close()


def test_server_killed_mid_ingest(own_server: ChromaServer, tmp_path: Path) -> None:
    source = write_corpus(tmp_path / "papers.jsonl", 70)
    data = tmp_path / "client"
    progress = catalog_progress(data, own_server.url)
    child = start(data, own_server.url, "ingest", str(source), delay=0.5)
    assert wait_for(lambda: progress()[0] > 0, child)
    own_server.kill()
    _, err = child.communicate(timeout=120)
    assert child.returncode == 1
    assert "is not answering" in one_line_error(err) and "nothing stored was lost" in err
    own_server.start()
    again = run(data, own_server.url, "ingest", str(source))
    assert again.returncode == 0, again.stderr
    library = Library.open(data, HashingEmbedder(), chroma_url=own_server.url)
    try:
        assert_library_holds_exactly(library, [source])
    finally:
        library.close()


# ---- every file of a data folder damaged in turn ------------------------------------------
MATRIX_QUERY = "segmentation transformer depth"
# What the matrix runs before and after `doctor --repair` on each damaged copy.
MATRIX_COMMANDS = [
    ["--data-dir", "{data}", "search", MATRIX_QUERY, "--json"],
    ["--data-dir", "{data}", "papers", "--json"],
    ["--data-dir", "{data}", "conversations", "--json"],
    ["--data-dir", "{data}", "comparisons", "--json"],
]


@pytest.fixture(scope="session")
def matrix_library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[object]]:
    """40 papers (HNSW segment on disk), a conversation and a comparison, with their backups;
    and what the matrix commands print on it intact."""
    from tests.cli_session import run_session
    from tests.damage import build_library

    root = tmp_path_factory.mktemp("matrix")
    data = root / "lib"
    build_library(data, root / "papers.jsonl")
    home = ["--data-dir", str(data)]
    made = run_session(
        [*home, "ask", "Which datasets study segmentation?", "--mode", "extractive"],
        [*home, "compare", "doi:10.5555/synthetic.1", "doi:10.5555/synthetic.2"],
    )
    assert all(r.code == 0 for r in made), [r.err for r in made]
    intact = run_session(*[[a.replace("{data}", str(data)) for a in c] for c in MATRIX_COMMANDS])
    assert all(r.code == 0 for r in intact), [r.err for r in intact]
    return data, [r.json() for r in intact]


def matrix_files(data: Path) -> list[str]:
    """Every file of the data folder; of the lexical snapshot and the backups, one of each
    kind (the rest are the same kind of file: covered by
    test_corrupt_bm25_files_are_reported_and_rebuilt)."""
    chosen: list[str] = []
    seen_kinds: set[str] = set()
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        relative = str(path.relative_to(data))
        if relative.startswith(("lexical/build-", "backups/")):
            if relative.startswith("lexical/"):  # the snapshot's arrays are alike
                kind = ".npy" if path.suffix == ".npy" else path.name
            else:
                kind = re.sub(r"-\d{8}T\d+Z", "", path.name)
            if kind in seen_kinds:
                continue
            seen_kinds.add(kind)
        chosen.append(relative)
    return chosen


def test_matrix_covers_every_kind_of_file(matrix_library: tuple[Path, list[object]]) -> None:
    data, _ = matrix_library
    files = matrix_files(data)
    for expected in (
        "library.sqlite",
        "conversations.sqlite",
        "comparisons.sqlite",
        "chroma/chroma.sqlite3",
        ".vector-index.verified",
        ".sqlite.verified",
        "lexical/CURRENT",
        "backups/library-journal.jsonl",
    ):
        assert expected in files, files
    for segment in ("data_level0.bin", "header.bin", "length.bin", "link_lists.bin"):
        assert any(f.endswith(segment) for f in files), files
    assert any(f.endswith("index_metadata.pickle") for f in files)
    assert any(f.startswith("backups/library-") and f.endswith(".sqlite") for f in files)
    assert any(f.endswith("index.json") for f in files) and any(f.endswith(".npy") for f in files)


# Children the matrix runs at once: a case that waits (Chroma retries loading a damaged
# segment for about 20 s) then overlaps with the others' work.
MATRIX_WORKERS = 3


def run_matrix(
    pristine: Path, work: Path, cases: list[list[str]], commands: list[list[str]] | None = None
) -> list[dict[str, Any]]:
    """Run `tests.fault_matrix` on `cases` ([relative path, damage]) of a copy of `pristine`,
    split among `MATRIX_WORKERS` child processes; asserts every case was reported."""
    commands = MATRIX_COMMANDS if commands is None else commands
    children = []
    for worker in range(MATRIX_WORKERS):
        share = cases[worker::MATRIX_WORKERS]
        if not share:
            continue
        spec = {
            "pristine": str(pristine),
            "work": str(work / f"worker-{worker}"),
            "cases": share,
            "before": commands,
            "after": commands,
        }
        spec_file = work / f"spec-{worker}.json"
        spec_file.write_text(json.dumps(spec), encoding="utf-8")
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.fault_matrix", str(spec_file)],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        children.append((child, share))
    done: list[dict[str, Any]] = []
    for child, share in children:
        out, err = child.communicate(timeout=1800)
        reported = [json.loads(line) for line in out.splitlines() if line.strip()]
        assert child.returncode == 0 and len(reported) == len(share), (
            f"a matrix child ended with {child.returncode} after {len(reported)} cases "
            f"(next: {share[len(reported)] if len(reported) < len(share) else '-'}); "
            f"{err[-1500:]}"
        )
        done.extend(reported)
    return done


@pytest.mark.parametrize("damage", ["truncate", "garble", "delete"])
def test_each_file_damaged_in_turn_gives_one_line_errors_and_is_fully_recovered(
    damage: str, matrix_library: tuple[Path, list[object]], tmp_path: Path
) -> None:
    """Every command either works as on the intact copy or fails with one line (never a
    crash, a traceback or an "unexpected" error), `doctor --repair` succeeds, and after it
    every command prints exactly what it printed before the damage."""
    data, intact = matrix_library
    cases = run_matrix(data, tmp_path, [[f, damage] for f in matrix_files(data)])
    failures: list[str] = []
    for case in cases:
        where = f"{case['damage']} {case['file']}"
        for command, expected in zip(case["before"], intact, strict=True):
            said = command["err"]
            if command["code"] == 0:
                if json.loads(command["out"]) != expected:
                    failures.append(f"{where}: `{command['args'][2]}` silently changed its answer")
            elif not (
                command["code"] == 1
                and said.count("\n") == 1
                and said.startswith("error: ")
                and "Traceback" not in said
                and "unexpected" not in said
            ):
                failures.append(f"{where}: `{command['args'][2]}` failed badly: {said[:300]!r}")
        repair = case["repair"]
        if repair["code"] != 0:
            failures.append(
                f"{where}: doctor --repair failed: {repair['out'][-300:]!r} {repair['err']!r}"
            )
        for command, expected in zip(case["after"], intact, strict=True):
            if command["code"] != 0 or json.loads(command["out"]) != expected:
                failures.append(
                    f"{where}: after repair `{command['args'][2]}` differs: "
                    f"{command['err'][:200]!r}"
                )
    assert not failures, "\n".join(failures)
