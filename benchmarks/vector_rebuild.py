"""What the safety nets cost and save, on the SciFact library (5,183 abstracts).

    .venv/bin/python benchmarks/vector_rebuild.py [--scifact DIR] [--skip-reembed]
        [--baseline-ref main] [--runs 15]

Prints:
- the time to rebuild the vector index from the vectors kept in the catalog (what
  `litassist doctor --repair` does for a damaged or deleted index), against re-embedding every
  chunk (what it had to do before; skipped with --skip-reembed);
- how much the kept vectors add to `library.sqlite`;
- how long a backup of the catalog takes, and its size;
- what a healthy `litassist search` pays for the safety checks: the per-command checks timed
  in-process (segment fingerprint, the catalog's "changed outside litassist?" check), the one
  probe a changed segment costs, and end-to-end `litassist search` latency against the code at
  --baseline-ref (default `main`, extracted with `git archive` into a temporary folder);
- with re-embedding, how often dense top-10 results from float16-kept vectors agree with the
  float32 ones.

The library is built once with litassist's own ingest into .benchmarks-data/vector-rebuild/
(git-ignored) and reused; every measurement works on a copy of it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scifact_data import DEFAULT_DATA, DEFAULT_SCIFACT, load_scifact, open_benchmark_library

ROOT = Path(__file__).resolve().parent.parent
QUERIES = 50


class CapturingEmbedder:
    """Keeps the float32 vectors it computes (to compare with the float16 kept ones)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.vectors: list[np.ndarray] = []

    @property
    def name(self) -> str:
        return self.inner.name

    def embed_documents(self, texts):
        out = self.inner.embed_documents(texts)
        self.vectors.append(np.asarray(out, dtype=np.float32))
        return out

    def embed_query(self, text):
        return self.inner.embed_query(text)


def copy_library(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def timed_rebuild(data: Path, embedder) -> tuple[float, int, int]:
    """(seconds, papers restored from kept vectors, papers re-embedded) for a full rebuild."""
    from assistant.store.library import Library
    from assistant.store.vectors import forget_embedded_clients

    library = Library.open(data, embedder)
    try:
        start = time.perf_counter()
        with library.write_lock():
            library.rebuild_vector_store()
            report = library.repair(thorough=True)
        seconds = time.perf_counter() - start
    finally:
        library.close()
        forget_embedded_clients()
    return seconds, report.restored_from_kept, report.reembedded


def kept_size(data: Path) -> tuple[int, int, int]:
    """(vectors kept, their bytes, how much smaller library.sqlite is without them)."""
    with tempfile.TemporaryDirectory() as work:
        without = Path(work) / "without.sqlite"
        whole = Path(work) / "whole.sqlite"
        with sqlite3.connect(data / "library.sqlite") as db:
            rows, size = db.execute(
                "SELECT COUNT(*), SUM(length(vector)) FROM chunk_vectors"
            ).fetchone()
            db.execute("VACUUM INTO ?", (str(whole),))
        shutil.copy(whole, without)
        with sqlite3.connect(without) as db:
            db.execute("DROP TABLE chunk_vectors")
        with sqlite3.connect(without) as db:
            db.execute("VACUUM")
        return int(rows), int(size or 0), whole.stat().st_size - without.stat().st_size


def cli_search_ms(code_root: Path, data: Path, query: str, runs: int, cache: Path) -> float:
    """Median wall time of `litassist search QUERY` as a fresh process, code from `code_root`
    (after one untimed run: the first prepares the model in the cache folder)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(code_root),
        "LITASSIST_HOME": str(data),
        "LITASSIST_CACHE_DIR": str(cache),
        "ANONYMIZED_TELEMETRY": "False",
    }
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "assistant", "search", query, "-k", "5"],
            cwd=code_root,
            env=env,
            check=True,
            capture_output=True,
        )
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[1:])


def per_command_checks(data: Path, repeats: int = 2000) -> tuple[float, float]:
    """Microseconds per command of (the segment fingerprint check, the catalog file check)."""
    from assistant.store import sqlite_guard
    from assistant.store.vector_guard import VectorGuard

    guard = VectorGuard(data, data / "chroma", data / "library.sqlite")
    assert not guard.changed(lambda: True), "the benchmark library's segment is not recorded"
    start = time.perf_counter()
    for _ in range(repeats):
        guard.changed(lambda: True)
    fingerprint = (time.perf_counter() - start) / repeats * 1e6

    def damaged(problem: str) -> Exception:
        return RuntimeError(problem)

    catalog = data / "library.sqlite"
    sqlite_guard.verify(catalog, damaged)  # recorded now, if it was not
    start = time.perf_counter()
    for _ in range(repeats):
        sqlite_guard.verify(catalog, damaged)
    file_check = (time.perf_counter() - start) / repeats * 1e6
    return fingerprint, file_check


def dense_agreement(library, full: np.ndarray, queries: list[str]) -> float:
    """Share of dense top-10 chunks that float16-rounded vectors agree on with float32."""
    from assistant.store.kept_vectors import round_vectors

    def unit(m: np.ndarray) -> np.ndarray:
        return m / np.linalg.norm(m, axis=1, keepdims=True)

    exact = unit(full)
    rounded = unit(round_vectors(full).astype(np.float32))
    same = 0
    for query in queries:
        q = library.embedder.embed_query(query)
        a = set(np.argsort(-(exact @ q))[:10])
        b = set(np.argsort(-(rounded @ q))[:10])
        same += len(a & b)
    return same / (10 * len(queries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA / "vector-rebuild")
    parser.add_argument("--skip-reembed", action="store_true")
    parser.add_argument("--baseline-ref", default="main")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    scifact = load_scifact(args.scifact)
    library, ingest_seconds = open_benchmark_library(args.data_dir, scifact.corpus)
    papers, chunks = library.catalog.count(), len(library.catalog.chunk_ids())
    if library.catalog.unkept_chunks():
        library.repair()  # a library from before kept vectors: copy them into the catalog
    # A library from before the lexical rows fills them (and saves the snapshot) once, here:
    # every copy below then starts with a current lexical index, so the rebuild timed is the
    # vector index's alone.
    library.lexical()
    embedder = library.embedder
    queries = list(scifact.queries.values())[:QUERIES]
    library.close()
    print(f"library: {papers} papers, {chunks} chunks ({args.data_dir})")
    if ingest_seconds:
        print(f"first ingest (embedding every chunk): {ingest_seconds:.1f} s")

    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        seconds, restored, reembedded = timed_rebuild(
            copy_library(args.data_dir, work_dir / "rebuild"), embedder
        )
        print(
            f"rebuild the vector index from kept vectors: {seconds:.1f} s "
            f"({restored} papers restored, {reembedded} re-embedded)"
        )
        if not args.skip_reembed:
            hidden = copy_library(args.data_dir, work_dir / "reembed")
            with sqlite3.connect(hidden / "library.sqlite") as db:
                db.execute("DELETE FROM chunk_vectors")
            capturing = CapturingEmbedder(embedder)
            seconds, restored, reembedded = timed_rebuild(hidden, capturing)
            print(
                f"rebuild by re-embedding every chunk (no kept vectors): {seconds:.1f} s "
                f"({reembedded} papers re-embedded)"
            )
            from assistant.store.library import Library

            reopened = Library.open(args.data_dir, embedder)
            full = np.concatenate(capturing.vectors)
            agreement = dense_agreement(reopened, full, queries)
            reopened.close()
            print(f"dense top-10 agreement, float16 kept vs float32: {agreement:.1%}")

        rows, data_bytes, file_bytes = kept_size(args.data_dir)
        total = (args.data_dir / "library.sqlite").stat().st_size
        print(
            f"kept vectors: {rows} x {data_bytes // max(rows, 1)} bytes = "
            f"{data_bytes / 1e6:.1f} MB of vector data; library.sqlite {total / 1e6:.1f} MB, "
            f"of which {file_bytes / 1e6:.1f} MB for the table"
        )

        from assistant.store.catalog import Catalog

        backup_copy = copy_library(args.data_dir, work_dir / "backup")
        catalog = Catalog.open(backup_copy)
        times = []
        made = None
        for _ in range(5):
            start = time.perf_counter()
            made = catalog.back_up(force=True)
            times.append(time.perf_counter() - start)
        catalog.close()
        assert made is not None
        print(
            f"backup of library.sqlite (VACUUM INTO + fsync): median "
            f"{statistics.median(times):.2f} s of 5, {made.path.stat().st_size / 1e6:.1f} MB"
        )

        probe_copy = copy_library(args.data_dir, work_dir / "probe")
        fingerprint_us, file_us = per_command_checks(probe_copy)
        print(
            f"per-command checks on a healthy library: segment fingerprint {fingerprint_us:.0f} "
            f"µs, catalog file check {file_us:.0f} µs"
        )
        from assistant.store.vector_guard import probe

        start = time.perf_counter()
        result = probe(probe_copy / "chroma", probe_copy / "library.sqlite")
        print(
            f"one probe in a child process (what a changed segment costs once): "
            f"{time.perf_counter() - start:.2f} s ({result.found} of {result.sampled} found)"
        )

        query = queries[0]
        cache = args.data_dir.parent / "cli-cache"
        ours = cli_search_ms(ROOT, probe_copy, query, args.runs, cache)
        baseline_root = work_dir / "baseline"
        baseline_root.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.baseline_ref, "assistant", "prompts"],
            check=True,
            capture_output=True,
        )
        subprocess.run(["tar", "-x", "-C", str(baseline_root)], input=archive.stdout, check=True)
        theirs = cli_search_ms(baseline_root, probe_copy, query, args.runs, cache)
        print(
            f"`litassist search` as a fresh process, median of {args.runs}: {ours:.0f} ms with "
            f"the safety checks, {theirs:.0f} ms at {args.baseline_ref}"
        )


if __name__ == "__main__":
    main()
