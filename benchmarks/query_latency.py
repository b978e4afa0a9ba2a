"""Query latency on the SciFact library (index already open) and cold `litassist --help` time.

    .venv/bin/python benchmarks/query_latency.py [--queries 100]

Builds the SciFact library with litassist's own ingest on first run (reused afterwards).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from scifact_data import DEFAULT_DATA, DEFAULT_SCIFACT, load_scifact, open_benchmark_library

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA / "scifact")
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()

    from assistant.rag.retriever import HybridRetriever

    data = load_scifact(args.scifact)
    library, _ = open_benchmark_library(args.data_dir, data.corpus)
    retriever = HybridRetriever(library)
    queries = list(data.queries.values())[: args.queries]
    retriever.search(queries[0], 10)  # warm: loads BM25 and the HNSW index
    for mode in ("hybrid", "dense", "lexical"):
        times = []
        for query in queries:
            start = time.perf_counter()
            retriever.search(query, 10, mode=mode)
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"search {mode:<7} k=10 over {library.catalog.count()} papers, {len(queries)} "
            f"queries: median {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms"
        )
    library.close()

    exe = Path(sys.executable).with_name("litassist")
    runs = []
    for _ in range(11):
        start = time.perf_counter()
        subprocess.run([str(exe), "--help"], check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    print(
        f"cold `litassist --help`: median {statistics.median(runs) * 1000:.0f} ms, "
        f"min {min(runs) * 1000:.0f} ms over {len(runs)} runs"
    )


if __name__ == "__main__":
    main()
