"""SciFact (BEIR) loading and the benchmark library built from it with litassist's own ingest.

The data stays in ../shared/benchmarks/scifact (CC BY-NC, evaluation only): it is read from
there and never copied into the project.  The library is built once into .benchmarks-data/
(git-ignored) and reused by later runs.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the repository, or beside any folder above it (a git worktree).
DEFAULT_SCIFACT = next(
    (
        folder / "shared" / "benchmarks" / "scifact"
        for folder in ROOT.parents
        if (folder / "shared" / "benchmarks" / "scifact").is_dir()
    ),
    ROOT.parent / "shared" / "benchmarks" / "scifact",
).resolve()
DEFAULT_DATA = ROOT / ".benchmarks-data"


@dataclass(frozen=True)
class SciFact:
    corpus: Path
    queries: dict[str, str]
    qrels: dict[str, set[str]]


def load_scifact(folder: Path = DEFAULT_SCIFACT) -> SciFact:
    if not (folder / "corpus.jsonl").is_file():
        raise SystemExit(f"SciFact not found in {folder}; pass --scifact DIR.")
    queries = {}
    with (folder / "queries_train.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            queries[str(record["_id"])] = record["text"]
    qrels: dict[str, set[str]] = {}
    with (folder / "qrels_train.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if int(row["score"]) > 0:
                qrels.setdefault(str(row["query-id"]), set()).add(str(row["corpus-id"]))
    return SciFact(folder / "corpus.jsonl", queries, qrels)


def open_benchmark_library(data_dir: Path, corpus: Path, *, cache_dir: Path | None = None):
    """The SciFact library in `data_dir`, ingested through litassist's own code if needed.

    Returns (library, seconds spent ingesting or 0.0 when reused).
    """
    from assistant.ingest import ingest
    from assistant.rag.embeddings import OnnxMiniLMEmbedder
    from assistant.store.library import Library

    embedder = OnnxMiniLMEmbedder(cache_dir or data_dir.parent / "model-cache")
    embedder.embed_documents(["warm up"])  # prepares the model once, outside the timing
    library = Library.open(data_dir, embedder, create=True)
    seconds = 0.0
    if library.catalog.count() == 0 or library.catalog.pending_ids():
        start = time.perf_counter()
        report = ingest([corpus], library)
        seconds = time.perf_counter() - start
        print(f"ingested: {report.summary()} in {seconds:.1f} s")
    return library, seconds


def split_of(query_id: str) -> str:
    """The fixed half a query belongs to: "tune" (parameters are chosen on it) or "held-out".

    By a hash of the query id, so the split never depends on file order or on what is tuned.
    """
    digest = hashlib.sha256(query_id.encode("utf-8")).digest()
    return "tune" if digest[0] % 2 == 0 else "held-out"


class CachedQueryEmbedder:
    """The benchmark library's embedder with query vectors kept on disk between runs.

    Documents are embedded by the real embedder (ingest); a query's vector is computed once
    and then read from `<data>/query-vectors-<embedder>.npz`, so tuning runs do not spend
    two minutes re-embedding 809 queries.  Latency benchmarks must not use it.
    """

    def __init__(self, inner, path: Path) -> None:
        import numpy as np

        self._inner = inner
        self._path = path
        self._vectors: dict[str, np.ndarray] = {}
        if path.is_file():
            with np.load(path) as stored:
                texts = [str(t) for t in stored["texts"]]
                self._vectors = dict(zip(texts, stored["vectors"], strict=True))
        self._dirty = False

    @property
    def name(self) -> str:
        return self._inner.name

    def embed_documents(self, texts):
        return self._inner.embed_documents(texts)

    def embed_query(self, text: str):
        vector = self._vectors.get(text)
        if vector is None:
            vector = self._vectors[text] = self._inner.embed_query(text)
            self._dirty = True
        return vector

    def save(self) -> None:
        import numpy as np

        if self._dirty:
            texts = list(self._vectors)
            np.savez(
                self._path, texts=np.array(texts), vectors=np.stack(list(self._vectors.values()))
            )
            self._dirty = False


def scifact_ids(library) -> dict[str, str]:
    """litassist paper id -> SciFact doc id (from each paper's original JSONL line)."""
    mapping = {}
    for row in library.catalog.list_rows():
        raw = row.paper.raw_entry or "{}"
        mapping[row.paper.id] = str(json.loads(raw).get("_id"))
    return mapping
