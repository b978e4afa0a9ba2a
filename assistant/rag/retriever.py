"""Hybrid retrieval: dense (Chroma) and lexical (BM25) candidates, fused (`hybrid.Fusion`).

Filters (year range, paper ids) apply to both retrievers before fusion, so a filtered search
returns the best passages *within* the filter rather than a filtered top-k.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from assistant.rag.hybrid import Fusion, fuse, group_by_paper, make_passages
from assistant.store.library import Library
from assistant.types import PaperHit, Passage

SearchMode = Literal["hybrid", "dense", "lexical"]
CANDIDATES = 100


@dataclass(frozen=True)
class SearchFilters:
    year_from: int | None = None
    year_to: int | None = None
    paper_ids: tuple[str, ...] | None = None

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.paper_ids is not None:
            clauses.append({"paper_id": {"$in": list(self.paper_ids)}})
        if self.year_from is not None:
            clauses.append({"year": {"$gte": self.year_from}})
        if self.year_to is not None:
            clauses.append({"year": {"$lte": self.year_to}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class HybridRetriever:
    """Retrieves passages from a `Library`; the library is injected so tests can build one."""

    def __init__(
        self, library: Library, *, candidates: int = CANDIDATES, fusion: Fusion | None = None
    ) -> None:
        self.library = library
        self.candidates = candidates
        self.fusion = fusion or Fusion()

    def passages(
        self,
        query: str,
        n: int = 20,
        *,
        filters: SearchFilters | None = None,
        mode: SearchMode = "hybrid",
    ) -> list[Passage]:
        """The `n` best passages for `query`, best first."""
        filters = filters or SearchFilters()
        if filters.paper_ids is not None and not filters.paper_ids:
            return []
        depth = max(self.candidates, n)
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            vector = self.library.embedder.embed_query(query)
            dense = self.library.vectors.query(vector, depth, where=filters.chroma_where())
        if mode in ("hybrid", "lexical"):
            index = self.library.lexical()
            mask = index.mask(filters.paper_ids, filters.year_from, filters.year_to)
            lexical = index.search(query, depth, mask)
        fused = fuse(dense, lexical, self.fusion)[: max(n * 3, n)]
        chunks = self.library.catalog.get_chunks([row[0] for row in fused])
        return make_passages(fused, chunks)[:n]

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        filters: SearchFilters | None = None,
        mode: SearchMode = "hybrid",
        per_paper: int = 3,
    ) -> list[PaperHit]:
        """The `k` best papers for `query`, each with its best passages."""
        passages = self.passages(query, max(self.candidates, k * 4), filters=filters, mode=mode)
        papers = self.library.catalog.get_many({p.chunk.paper_id for p in passages})
        return group_by_paper(passages, papers, per_paper=per_paper)[:k]
