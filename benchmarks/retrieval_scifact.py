"""Retrieval quality on BEIR SciFact (train queries): BM25 alone, dense alone, and hybrid.

Runs through litassist's own ingest (JSONL parser, chunking, embedding, Chroma, BM25) and its
own `HybridRetriever`, then prints nDCG@10, Recall@10, Recall@100 and MRR@10 per mode.

    .venv/bin/python benchmarks/retrieval_scifact.py [--scifact DIR] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path

from scifact_data import (
    DEFAULT_DATA,
    DEFAULT_SCIFACT,
    load_scifact,
    open_benchmark_library,
    scifact_ids,
)


def ndcg_at(ranked: list[str], gold: set[str], k: int) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, doc in enumerate(ranked[:k]) if doc in gold)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(gold), k)))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], gold: set[str], k: int) -> float:
    return len(set(ranked[:k]) & gold) / len(gold)


def mrr_at(ranked: list[str], gold: set[str], k: int) -> float:
    for i, doc in enumerate(ranked[:k]):
        if doc in gold:
            return 1.0 / (i + 1)
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA / "scifact")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N queries.")
    args = parser.parse_args()

    from assistant.rag.retriever import HybridRetriever

    data = load_scifact(args.scifact)
    library, _ = open_benchmark_library(args.data_dir, data.corpus)
    to_doc = scifact_ids(library)
    retriever = HybridRetriever(library)
    query_ids = [q for q in data.queries if q in data.qrels]
    if args.limit:
        query_ids = query_ids[: args.limit]
    print(f"SciFact train: {len(query_ids)} queries with judgements, {len(to_doc)} papers")
    print(f"{'mode':<8} {'nDCG@10':>8} {'R@10':>7} {'R@100':>7} {'MRR@10':>7} {'ms/query':>9}")
    for mode, label in (("lexical", "bm25"), ("dense", "dense"), ("hybrid", "hybrid")):
        scores = {"ndcg": [], "r10": [], "r100": [], "mrr": []}
        start = time.perf_counter()
        for qid in query_ids:
            hits = retriever.search(data.queries[qid], 100, mode=mode)
            ranked = [to_doc[h.paper.id] for h in hits]
            gold = data.qrels[qid]
            scores["ndcg"].append(ndcg_at(ranked, gold, 10))
            scores["r10"].append(recall_at(ranked, gold, 10))
            scores["r100"].append(recall_at(ranked, gold, 100))
            scores["mrr"].append(mrr_at(ranked, gold, 10))
        per_query = (time.perf_counter() - start) * 1000 / len(query_ids)
        mean = {key: statistics.fmean(values) for key, values in scores.items()}
        print(
            f"{label:<8} {mean['ndcg']:>8.3f} {mean['r10']:>7.3f} {mean['r100']:>7.3f} "
            f"{mean['mrr']:>7.3f} {per_query:>9.1f}"
        )
    library.close()


if __name__ == "__main__":
    main()
