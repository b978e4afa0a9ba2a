"""Reciprocal-rank fusion of ranked lists, and grouping of passages per paper (pure functions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.types import Chunk, Paper, PaperHit, Passage

RRF_K = 60


def reciprocal_rank_fusion(
    dense: Sequence[tuple[str, float]],
    lexical: Sequence[tuple[str, float]],
    *,
    k: int = RRF_K,
) -> list[tuple[str, float, int | None, int | None, float | None, float | None]]:
    """Fuse two ranked (id, score) lists: score = sum of 1 / (k + rank), ranks from 1.

    Returns (id, fused score, dense rank, lexical rank, dense score, lexical score), best first;
    ties keep the dense order, then the lexical order.
    """
    fused: dict[str, list] = {}
    for rank, (item, score) in enumerate(dense, start=1):
        fused[item] = [1.0 / (k + rank), rank, None, score, None]
    for rank, (item, score) in enumerate(lexical, start=1):
        entry = fused.setdefault(item, [0.0, None, None, None, None])
        entry[0] += 1.0 / (k + rank)
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
    fused: Sequence[tuple[str, float, int | None, int | None, float | None, float | None]],
    chunks: Mapping[str, Chunk],
) -> list[Passage]:
    """Fused rows turned into passages; ids the catalog no longer knows are dropped."""
    return [
        Passage(chunks[cid], score, d_rank, l_rank, d_score, l_score)
        for cid, score, d_rank, l_rank, d_score, l_score in fused
        if cid in chunks
    ]
