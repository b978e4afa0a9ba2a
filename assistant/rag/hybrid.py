"""Fusion of the dense and lexical ranked lists, and grouping of passages per paper (pure).

Two fusions: reciprocal rank (`rrf`: each list contributes weight / (k + rank)) and
normalised scores (`score`: each list's scores scaled to [0, 1] by its own best and its
depth-th score, then weighted and summed; a passage missing from a list gets 0 from it).  Score
fusion keeps how much better the best passage is than the next, which rank fusion throws
away; `Fusion()`'s defaults are the tuned ones (see `benchmarks/retrieval_scifact.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.types import Chunk, Paper, PaperHit, Passage

RRF_K = 60
NORMALISE_DEPTH = 100  # the retriever's candidates per side

Fused = tuple[str, float, int | None, int | None, float | None, float | None]


@dataclass(frozen=True)
class Fusion:
    """How the two lists are fused; `dense_weight` + `lexical_weight` need not sum to 1."""

    # Tuned with BM25's parameters on the tuning half of SciFact's train queries: normalised
    # score fusion, BM25 weighted 0.7, beat every weighted rank fusion tried (see the README).
    method: Literal["rrf", "score"] = "score"
    dense_weight: float = 0.3
    lexical_weight: float = 0.7
    rrf_k: int = RRF_K


def fuse(
    dense: Sequence[tuple[str, float]],
    lexical: Sequence[tuple[str, float]],
    fusion: Fusion = Fusion(),
) -> list[Fused]:
    if fusion.method == "score":
        return score_fusion(dense, lexical, fusion.dense_weight, fusion.lexical_weight)
    return reciprocal_rank_fusion(
        dense, lexical, k=fusion.rrf_k, weights=(fusion.dense_weight, fusion.lexical_weight)
    )


def _normalised(ranked: Sequence[tuple[str, float]], depth: int) -> dict[str, float]:
    """Scores scaled so the best is 1 and the `depth`-th (or the last) 0, whatever the list's
    length, so a deeper search does not change the fused order of the top."""
    if not ranked:
        return {}
    top, bottom = ranked[0][1], ranked[min(len(ranked), depth) - 1][1]
    span = top - bottom
    return {item: max(0.0, (score - bottom) / span) if span > 0 else 1.0 for item, score in ranked}


def score_fusion(
    dense: Sequence[tuple[str, float]],
    lexical: Sequence[tuple[str, float]],
    dense_weight: float = 1.0,
    lexical_weight: float = 1.0,
    depth: int = NORMALISE_DEPTH,
) -> list[Fused]:
    """Weighted sum of min-max normalised scores; ties keep the dense order, then lexical."""
    d_norm, l_norm = _normalised(dense, depth), _normalised(lexical, depth)
    fused: dict[str, list] = {}
    for rank, (item, score) in enumerate(dense, start=1):
        fused[item] = [dense_weight * d_norm[item], rank, None, score, None]
    for rank, (item, score) in enumerate(lexical, start=1):
        entry = fused.setdefault(item, [0.0, None, None, None, None])
        entry[0] += lexical_weight * l_norm[item]
        entry[2] = rank
        entry[4] = score
    ordered = sorted(fused.items(), key=lambda kv: -kv[1][0])
    return [(item, *values) for item, values in ordered]


def reciprocal_rank_fusion(
    dense: Sequence[tuple[str, float]],
    lexical: Sequence[tuple[str, float]],
    *,
    k: int = RRF_K,
    weights: tuple[float, float] = (1.0, 1.0),
) -> list[Fused]:
    """Fuse two ranked (id, score) lists: score = sum of weight / (k + rank), ranks from 1.

    Returns (id, fused score, dense rank, lexical rank, dense score, lexical score), best first;
    ties keep the dense order, then the lexical order.
    """
    fused: dict[str, list] = {}
    for rank, (item, score) in enumerate(dense, start=1):
        fused[item] = [weights[0] / (k + rank), rank, None, score, None]
    for rank, (item, score) in enumerate(lexical, start=1):
        entry = fused.setdefault(item, [0.0, None, None, None, None])
        entry[0] += weights[1] / (k + rank)
        entry[2] = rank
        entry[4] = score
    ordered = sorted(fused.items(), key=lambda kv: -kv[1][0])
    return [(item, *values) for item, values in ordered]


def group_by_paper(
    passages: Sequence[Passage], papers: Mapping[str, Paper], *, per_paper: int = 3
) -> list[PaperHit]:
    """Passages grouped per paper, papers ordered by their best passage's score."""
    groups: dict[str, list[Passage]] = {}
    for passage in passages:
        if passage.chunk.paper_id in papers:
            groups.setdefault(passage.chunk.paper_id, []).append(passage)
    hits = [
        PaperHit(
            paper=papers[pid],
            score=max(p.score for p in group),
            passages=tuple(sorted(group, key=lambda p: -p.score)[:per_paper]),
        )
        for pid, group in groups.items()
    ]
    return sorted(hits, key=lambda hit: -hit.score)


def make_passages(
    fused: Sequence[Fused],
    chunks: Mapping[str, Chunk],
) -> list[Passage]:
    """Fused rows turned into passages; ids the catalog no longer knows are dropped."""
    return [
        Passage(chunks[cid], score, d_rank, l_rank, d_score, l_score)
        for cid, score, d_rank, l_rank, d_score, l_score in fused
        if cid in chunks
    ]
