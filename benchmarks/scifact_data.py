"""SciFact (BEIR) loading and the benchmark library built from it with litassist's own ingest.

The data stays in ../shared/benchmarks/scifact (CC BY-NC, evaluation only): it is read from
there and never copied into the project.  The library is built once into .benchmarks-data/
(git-ignored) and reused by later runs.
"""

from __future__ import annotations

import csv
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCIFACT = (ROOT.parent / "shared" / "benchmarks" / "scifact").resolve()
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


def scifact_ids(library) -> dict[str, str]:
    """litassist paper id -> SciFact doc id (from each paper's original JSONL line)."""
    mapping = {}
    for row in library.catalog.list_rows():
        raw = row.paper.raw_entry or "{}"
        mapping[row.paper.id] = str(json.loads(raw).get("_id"))
    return mapping
