"""Retrieval quality on BEIR SciFact (train queries): BM25 alone, dense alone, and hybrid.

Runs through litassist's own ingest (JSONL parser, chunking, embedding, Chroma, lexical rows)
and its own `HybridRetriever`, then prints nDCG@10, Recall@10, Recall@100 and MRR@10 per mode,
for each fixed half of the queries (`scifact_data.split_of`: "tune", on which the defaults
were chosen, and "held-out") and for all of them.

    .venv/bin/python benchmarks/retrieval_scifact.py [--scifact DIR] [--data-dir DIR]
    .venv/bin/python benchmarks/retrieval_scifact.py --sweep   # tune on the "tune" half only

Query vectors are cached in the data folder (`CachedQueryEmbedder`), so only the first run
embeds the queries; ms/query is therefore not a latency figure (see query_latency.py).
`--sweep` scores a grid of BM25 parameters and fusions on the tuning half, prints the best
few, and then the held-out score of the best one.
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from scifact_data import (
    DEFAULT_DATA,
    DEFAULT_SCIFACT,
    CachedQueryEmbedder,
    load_scifact,
    open_benchmark_library,
    scifact_ids,
    split_of,
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


def evaluate(
    rank: Callable[[str], list[str]], query_ids: Sequence[str], data
) -> tuple[dict[str, float], float]:
    """Mean metrics over `query_ids` and ms per query; `rank` maps a query id to doc ids."""
    scores: dict[str, list[float]] = {"ndcg": [], "r10": [], "r100": [], "mrr": []}
    start = time.perf_counter()
    for qid in query_ids:
        ranked = rank(qid)
        gold = data.qrels[qid]
        scores["ndcg"].append(ndcg_at(ranked, gold, 10))
        scores["r10"].append(recall_at(ranked, gold, 10))
        scores["r100"].append(recall_at(ranked, gold, 100))
        scores["mrr"].append(mrr_at(ranked, gold, 10))
    per_query = (time.perf_counter() - start) * 1000 / max(1, len(query_ids))
    return {key: statistics.fmean(values) for key, values in scores.items()}, per_query


def report(retriever, data, to_doc, halves: dict[str, list[str]]) -> None:
    print(
        f"{'queries':<9} {'mode':<8} {'nDCG@10':>8} {'R@10':>7} {'R@100':>7} {'MRR@10':>7} "
        f"{'ms/query':>9}"
    )
    for half, query_ids in halves.items():
        for mode, label in (("lexical", "bm25"), ("dense", "dense"), ("hybrid", "hybrid")):

            def rank(qid: str, mode: str = mode) -> list[str]:
                hits = retriever.search(data.queries[qid], 100, mode=mode)
                return [to_doc[h.paper.id] for h in hits]

            mean, per_query = evaluate(rank, query_ids, data)
            print(
                f"{half:<9} {label:<8} {mean['ndcg']:>8.3f} {mean['r10']:>7.3f} "
                f"{mean['r100']:>7.3f} {mean['mrr']:>7.3f} {per_query:>9.1f}"
            )


def sweep(library, retriever, data, to_doc, halves: dict[str, list[str]]) -> None:
    """Grid search on the tuning half; the best setting is then scored on the held-out half."""
    from assistant.rag.hybrid import Fusion, fuse
    from assistant.store.lexical import RankingParams

    index = library.lexical()
    depth = retriever.candidates
    tune = halves["tune"]
    every = halves["all"]
    dense: dict[str, list[tuple[str, float]]] = {}
    for qid in every:
        vector = library.embedder.embed_query(data.queries[qid])
        dense[qid] = library.vectors.query(vector, depth)

    def papers(fused: list, k: int = 10) -> list[str]:
        out: list[str] = []
        for row in fused:
            doc = to_doc[row[0].rsplit("#", 1)[0]]
            if doc not in out:
                out.append(doc)
                if len(out) == k:
                    break
        return out

    def lexical_lists(params: RankingParams, ids: Sequence[str]) -> dict[str, list]:
        index.params = params
        return {qid: index.search(data.queries[qid], depth) for qid in ids}

    def ndcg(ranked: dict[str, list[str]], ids: Sequence[str]) -> float:
        return statistics.fmean(ndcg_at(ranked[qid], data.qrels[qid], 10) for qid in ids)

    print("BM25 alone (tune half):")
    bm25_rows = []
    grid = itertools.product((0.9, 1.2, 1.5), (0.6, 0.75, 0.9), (1.0, 2.0, 3.0, 4.0, 6.0))
    for k1, b, title in grid:
        params = RankingParams(k1=k1, b=b, title_weight=title)
        lists = lexical_lists(params, tune)
        bm25_rows.append((ndcg({q: papers(v) for q, v in lists.items()}, tune), params))
    bm25_rows.sort(key=lambda row: -row[0])
    for score, params in bm25_rows[:5]:
        print(f"  {score:.4f}  {params}")
    fusions = [Fusion("rrf", 1.0, w, k) for w in (0.5, 0.75, 1.0, 1.5, 2.0) for k in (10, 30, 60)]
    shares = (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
    fusions += [Fusion("score", round(1.0 - a, 2), a) for a in shares]
    # BM25 and fusion are chosen together: the best BM25 alone is not always the best partner.
    rows = []
    for _, params in bm25_rows[:5]:
        lexical = lexical_lists(params, tune)
        for fusion in fusions:
            ranked = {q: papers(fuse(dense[q], lexical[q], fusion)) for q in tune}
            rows.append((ndcg(ranked, tune), params, fusion))
    rows.sort(key=lambda row: -row[0])
    print("hybrid (tune half):")
    for score, params, fusion in rows[:8]:
        print(f"  {score:.4f}  {params}  {fusion}")
    best_params = rows[0][1]
    lexical = lexical_lists(best_params, every)
    best = rows[0][2]
    print(f"chosen: {best_params}  {best}")
    held = halves["held-out"]
    for name, ids in (("tune", tune), ("held-out", held), ("all", every)):
        ranked = {q: papers(fuse(dense[q], lexical[q], best)) for q in ids}
        alone = {q: papers(lexical[q]) for q in ids}
        print(
            f"best on {name:<8}: hybrid nDCG@10 {ndcg(ranked, ids):.4f}, "
            f"BM25 {ndcg(alone, ids):.4f}  ({len(ids)} queries)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA / "scifact")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N queries.")
    parser.add_argument("--sweep", action="store_true", help="Tune on the tuning half.")
    args = parser.parse_args()

    from assistant.rag.retriever import HybridRetriever

    data = load_scifact(args.scifact)
    library, _ = open_benchmark_library(args.data_dir, data.corpus)
    cache = CachedQueryEmbedder(
        library.embedder, args.data_dir.parent / f"query-vectors-{library.embedder.name}.npz"
    )
    library.embedder = cache
    to_doc = scifact_ids(library)
    retriever = HybridRetriever(library)
    query_ids = sorted(q for q in data.queries if q in data.qrels)
    if args.limit:
        query_ids = query_ids[: args.limit]
    halves = {
        "tune": [q for q in query_ids if split_of(q) == "tune"],
        "held-out": [q for q in query_ids if split_of(q) == "held-out"],
        "all": query_ids,
    }
    print(
        f"SciFact train: {len(query_ids)} queries with judgements ({len(halves['tune'])} tune, "
        f"{len(halves['held-out'])} held-out), {len(to_doc)} papers"
    )
    try:
        if args.sweep:
            sweep(library, retriever, data, to_doc, halves)
        else:
            report(retriever, data, to_doc, halves)
    finally:
        cache.save()
        library.close()


if __name__ == "__main__":
    main()
