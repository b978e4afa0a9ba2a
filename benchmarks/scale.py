"""Store scale: insert throughput, incremental indexing, size on disk and search latency.

    .venv/bin/python benchmarks/scale.py [--sizes 1000,10000,100000] [--modes embedded,server]
                                         [--queries 200] [--work DIR]

A synthetic library of abstracts (120-180 words drawn from a 20,000-word vocabulary with a Zipf
distribution) with precomputed random unit vectors (384 dimensions, like the local model): the
embedder is bypassed, so the numbers are the store's alone (SQLite or server catalog, Chroma,
lexical index).  One library per size, built once and kept in the work folder (the 100,000 one
takes a while), so later runs measure at once.  For each size it reports:

- insert/s: papers/s through `Library.write` while building (the crash-safe path ingest uses:
  stage in the catalog with the lexical rows, upsert vectors, mark indexed), in batches of
  1,000 to build the big libraries sooner; 0 when the library was reused;
- write100: seconds for `Library.write` of 100 new papers (catalog, lexical rows, Chroma);
- index s: the writer's `lexical()` after it (its in-memory index catching up);
- follow s: another client's `lexical()` after it: embedded, another process on the same
  folder; server, another machine (its own data folder), which reads the change log and the
  100 records from the server;
- rm100 s and rm idx s: removing the 100 again, and both clients catching up after it;
- cold s: a new client's first `lexical()`: embedded, the snapshot's load and catch-up;
  server, a new machine's first sync (every record downloaded and tokenized);
- rebuild: `lexical(rebuild=True)`, the index anew from the lexical rows (no re-tokenizing);
- disk: the data folder (embedded) or the server's folder plus the client's cache;
- search: `HybridRetriever.search(query, k=10)` (100 dense + 100 BM25 candidates, fused) with
  a random unit vector and 3-6 words (Zipf, without the 100 most frequent words, which act as
  the stop words real text has): median and p95 in ms, plus the p95 of each side alone.

Server mode starts `chroma run` on 127.0.0.1 (a free port) with its data in the work folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.rag.chunking import chunk_id  # noqa: E402
from assistant.rag.retriever import HybridRetriever  # noqa: E402
from assistant.sources.identity import title_hash  # noqa: E402
from assistant.store.library import Library  # noqa: E402
from assistant.types import Chunk, Paper  # noqa: E402

DIM = 384
BUILD_BATCH = 1_000  # papers per `Library.write` while building (ingest uses EMBED_BATCH)
VOCABULARY = 20_000
ZIPF_S = 1.07
SYLLABLES = ("ka", "lo", "mi", "nu", "re", "sa", "ti", "vo", "ze", "pra", "gli", "stu")
SYLLABLES += ("mon", "dex", "fin", "gor", "hal", "jub", "kel")


class PrecomputedEmbedder:
    """Hands out vectors prepared before the timed section; queries get fresh random ones."""

    name = "bench:random-unit-384"

    def __init__(self, seed: int) -> None:
        self._rng = np.random.default_rng(seed)
        self._queue = np.empty((0, DIM), dtype=np.float32)

    def prepare(self, count: int) -> None:
        self._queue = np.concatenate([self._queue, unit_vectors(self._rng, count)])

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        out, self._queue = self._queue[: len(texts)], self._queue[len(texts) :]
        assert len(out) == len(texts), "prepare() fewer vectors than texts"
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return unit_vectors(self._rng, 1)[0]


def unit_vectors(rng: np.random.Generator, count: int) -> np.ndarray:
    vectors = rng.standard_normal((count, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


class Corpus:
    """Zipf-distributed synthetic words, abstracts and queries (deterministic per seed)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        words: set[str] = set()
        while len(words) < VOCABULARY:
            size = int(self.rng.integers(2, 5))
            words.add("".join(self.rng.choice(SYLLABLES, size)))
        self.words = np.array(sorted(words, key=lambda w: (len(w), w)))
        weights = 1.0 / np.arange(1, VOCABULARY + 1) ** ZIPF_S
        self.p = weights / weights.sum()
        query_weights = weights.copy()
        query_weights[:100] = 0.0
        self.query_p = query_weights / query_weights.sum()

    def papers(self, start: int, count: int) -> list[tuple[Paper, list[Chunk]]]:
        lengths = self.rng.integers(120, 181, size=count)
        drawn = self.words[self.rng.choice(VOCABULARY, size=int(lengths.sum()), p=self.p)]
        out: list[tuple[Paper, list[Chunk]]] = []
        cursor = 0
        for offset, length in enumerate(lengths):
            number = start + offset
            body = drawn[cursor : cursor + length]
            cursor += length
            abstract = " ".join(body).capitalize() + "."
            paper = Paper(
                id=f"doi:10.9999/scale.{number}",
                title=f"Scale paper {number}: {body[0]} {body[1]}",
                abstract=abstract,
                year=1990 + number % 35,
                doi=f"10.9999/scale.{number}",
            )
            chunk = Chunk(chunk_id(paper.id, 0), paper.id, 0, abstract, 0, len(abstract))
            out.append((paper, [chunk]))
        return out

    def query(self) -> str:
        size = int(self.rng.integers(3, 7))
        return " ".join(self.words[self.rng.choice(VOCABULARY, size=size, p=self.query_p)])


# ---- the server ---------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    log = open(path.parent / "chroma-server.log", "ab")  # noqa: SIM115 - lives with the server
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("chroma run did not start; see chroma-server.log")


# ---- measuring ------------------------------------------------------------------------------
def folder_size(*paths: Path) -> int:
    return sum(f.stat().st_size for p in paths if p.exists() for f in p.rglob("*") if f.is_file())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed_searches(
    retriever: HybridRetriever, corpus: Corpus, count: int, mode: str
) -> list[float]:
    times = []
    for _ in range(count):
        query = corpus.query()
        start = time.perf_counter()
        hits = retriever.search(query, 10, mode=mode)  # type: ignore[arg-type]
        times.append((time.perf_counter() - start) * 1000)
        assert hits or mode == "lexical"
    return times


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def build(library: Library, corpus: Corpus, embedder: PrecomputedEmbedder, size: int) -> float:
    """Insert papers 0..size-1 (the cached library keeps them); returns papers/s, 0 if reused."""
    stored = library.catalog.count()
    if stored >= size:
        return 0.0
    new = corpus.papers(stored, size - stored)
    embedder.prepare(sum(len(chunks) for _, chunks in new))
    start = time.perf_counter()
    for first in range(0, len(new), BUILD_BATCH):
        batch = new[first : first + BUILD_BATCH]
        library.write(batch, [title_hash(p.title) for p, _ in batch])
    library.lexical()
    return len(new) / (time.perf_counter() - start)


def run_size(mode: str, size: int, queries: int, work: Path) -> str:
    """One library of `size` papers (built once, kept in `work`), measured as the README says."""
    server: subprocess.Popen[bytes] | None = None
    url: str | None = None
    server_path = work / "server-data"
    if mode == "server":
        server, url = start_server(server_path)
    corpus = Corpus(seed=1)
    embedder = PrecomputedEmbedder(seed=2)
    data = work / "client"
    library = Library.open(data, embedder, create=True, chroma_url=url)  # type: ignore[arg-type]
    other = None
    try:
        rate = build(library, corpus, embedder, size)
        # Another client with its index loaded: a second data folder in server mode (another
        # machine), the same folder in embedded mode (another process on this one).
        other_data = work / "other-client" if url else data
        shutil.rmtree(work / "other-client", ignore_errors=True)  # a new machine each run
        other = Library.open(other_data, embedder, chroma_url=url)  # type: ignore[arg-type]
        cold = timed(other.lexical)  # a new process: snapshot load + catch-up (+ first sync)
        library.lexical()
        # A write of 100 new papers, then the same 100 removed (the cached library is kept).
        extra = Corpus(seed=size).papers(10_000_000, 100)
        embedder.prepare(sum(len(chunks) for _, chunks in extra))
        keys = [title_hash(p.title) for p, _ in extra]
        write = timed(lambda: library.write(extra, keys))
        index = timed(library.lexical)
        follow = timed(other.lexical)
        assert len(other.lexical().chunk_ids) == len(library.lexical().chunk_ids)
        ids = [p.id for p, _ in extra]
        remove = timed(lambda: library.remove(ids))
        unindex = timed(library.lexical)
        follow_remove = timed(other.lexical)
        rebuild = timed(lambda: library.lexical(rebuild=True))
        disk = folder_size(data, server_path) / 2**20
        retriever = HybridRetriever(library)
        timed_searches(retriever, corpus, 5, "hybrid")  # warm caches
        hybrid = timed_searches(retriever, corpus, queries, "hybrid")
        dense = timed_searches(retriever, corpus, queries, "dense")
        lexical = timed_searches(retriever, corpus, queries, "lexical")
        return (
            f"{mode:<9} {size:>7} {rate:>9.0f} {write:>8.2f} {index:>8.3f} {follow:>8.3f} "
            f"{remove:>7.2f} {unindex + follow_remove:>9.3f} {cold:>7.2f} {rebuild:>8.1f} "
            f"{disk:>8.0f} {statistics.median(hybrid):>7.1f} {percentile(hybrid, 0.95):>7.1f} "
            f"{percentile(dense, 0.95):>7.1f} {percentile(lexical, 0.95):>7.1f}"
        )
    finally:
        if other is not None:
            other.close()
        library.close()
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


HEADER = (
    f"{'mode':<9} {'papers':>7} {'insert/s':>9} {'write100':>8} {'index s':>8} {'follow s':>8} "
    f"{'rm100 s':>7} {'rm idx s':>9} {'cold s':>7} {'rebuild':>8} {'disk MB':>8} "
    f"{'hyb med':>7} {'hyb p95':>7} {'den p95':>7} {'lex p95':>7}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated")
    parser.add_argument("--modes", default="embedded,server")
    parser.add_argument("--queries", type=int, default=200, help="per size and search mode")
    parser.add_argument(
        "--work", type=Path, default=ROOT / ".benchmarks-data" / "scale",
        help="where the libraries are built once and kept (default: .benchmarks-data/scale)",
    )  # fmt: skip
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    print(f"{os.cpu_count()} CPUs; work folder {args.work}")
    print(HEADER, flush=True)
    rows = []
    for mode in args.modes.split(","):
        for size in sizes:
            work = args.work / mode / str(size)
            work.mkdir(parents=True, exist_ok=True)
            row = run_size(mode, size, args.queries, work)
            print(row, flush=True)
            rows.append(row)
    print("\n" + HEADER + "\n" + "\n".join(rows))


if __name__ == "__main__":
    main()
