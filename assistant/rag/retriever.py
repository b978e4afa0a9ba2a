"""Hybrid retrieval: dense (Chroma) and lexical (BM25) candidates, fused (`hybrid.Fusion`).

Filters (year range, paper ids, collections and tags) apply to both retrievers before fusion,
so a filtered search returns the best passages *within* the filter rather than a filtered
top-k.  Collections and tags are turned into paper ids first (`LabelIndex`: one pass over the
catalog's labels per library version, then a dictionary walk), so both stores filter on the
one thing they index: the paper id of each chunk.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any, Literal

from assistant.labels import LabelSelection
from assistant.rag.hybrid import Fusion, fuse, group_by_paper, make_passages
from assistant.store.library import Library
from assistant.types import Paper, PaperHit, Passage

SearchMode = Literal["hybrid", "dense", "lexical"]
CANDIDATES = 100
MAX_SELECTIONS = 32  # collection/tag selections remembered per library version
# Dense search within a large selection: neighbours asked for without Chroma's id filter
# (see `HybridRetriever._dense`), when the selection is at least this share of the papers ...
OVERSAMPLE_MIN_SHARE = 0.05
OVERSAMPLE_MIN_PAPERS = 200  # ... and this many papers (a short id list filters fast)
OVERSAMPLE_MARGIN = 1.5  # papers have several chunks, and HNSW is approximate
OVERSAMPLE_MAX = 4000  # neighbours at most; beyond, the id filter is cheaper


@dataclass(frozen=True)
class SearchFilters:
    year_from: int | None = None
    year_to: int | None = None
    paper_ids: tuple[str, ...] | None = None
    collections: tuple[str, ...] = ()  # any of these Zotero collections (or sub-collections)
    tags: tuple[str, ...] = ()  # every one of these tags

    @property
    def labels(self) -> LabelSelection:
        return LabelSelection(self.collections, self.tags)

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
        self.labels = LabelIndex(library)

    def resolve(self, filters: SearchFilters | None) -> SearchFilters:
        """`filters` with collections and tags replaced by the paper ids they select."""
        filters = filters or SearchFilters()
        if not filters.labels:
            return filters
        selected = self.labels.select(filters.labels)
        if filters.paper_ids is not None:
            chosen = set(selected)
            selected = tuple(pid for pid in filters.paper_ids if pid in chosen)
        return SearchFilters(filters.year_from, filters.year_to, selected)

    def passages(
        self,
        query: str,
        n: int = 20,
        *,
        filters: SearchFilters | None = None,
        mode: SearchMode = "hybrid",
    ) -> list[Passage]:
        """The `n` best passages for `query`, best first."""
        filters = self.resolve(filters)
        if filters.paper_ids is not None and not filters.paper_ids:
            return []
        depth = max(self.candidates, n)
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            vector = self.library.embedder.embed_query(query)
            dense = self._dense(vector, depth, filters)
        if mode in ("hybrid", "lexical"):
            index = self.library.lexical()
            mask = index.mask(filters.paper_ids, filters.year_from, filters.year_to)
            lexical = index.search(query, depth, mask)
        fused = fuse(dense, lexical, self.fusion)[: n * 3]
        # Read the n best chunks (and their papers' abstracts); further ones only for ids the
        # catalog no longer knows (a paper removed since the indexes were written).
        passages: list[Passage] = []
        start = 0
        while len(passages) < n and start < len(fused):
            window = fused[start : start + n - len(passages)]
            chunks = self.library.catalog.get_chunks([row[0] for row in window])
            passages += make_passages(window, chunks)
            start += len(window)
        return passages

    def _dense(self, vector: Any, depth: int, filters: SearchFilters) -> list[tuple[str, float]]:
        """The `depth` nearest chunks within the filters.

        Chroma filters a `paper_id $in [...]` list slowly when the list is long (~0.1 s per
        query for 2,000 ids at 10k papers), so a filter keeping a large share of the library
        (a common tag, a big collection) asks for proportionally more neighbours without the
        id list and keeps those of selected papers; a small selection, or an oversampled query
        that kept too few, uses the list.
        """
        vectors = self.library.vectors
        ids = filters.paper_ids
        if ids is not None and len(ids) >= OVERSAMPLE_MIN_PAPERS:
            share = len(ids) / max(self.library.catalog.count(), 1)
            wanted = math.ceil(depth / share * OVERSAMPLE_MARGIN)
            if share >= OVERSAMPLE_MIN_SHARE and wanted <= OVERSAMPLE_MAX:
                unlisted = SearchFilters(filters.year_from, filters.year_to)
                allowed = frozenset(ids)
                near = vectors.query(vector, wanted, where=unlisted.chroma_where())
                kept = [hit for hit in near if hit[0].rsplit("#", 1)[0] in allowed]
                if len(kept) >= depth or len(near) < wanted:  # enough, or every chunk seen
                    return kept[:depth]
        return vectors.query(vector, depth, where=filters.chroma_where())

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
        # Papers by their best passage; only the k best are read from the catalog (decoding
        # every candidate's record was a third of a search), more if some are gone.
        best: dict[str, float] = {}
        for passage in passages:
            pid = passage.chunk.paper_id
            best[pid] = max(best.get(pid, passage.score), passage.score)
        ranked = sorted(best, key=lambda pid: -best[pid])
        papers: dict[str, Paper] = {}
        start = 0
        while len(papers) < k and start < len(ranked):
            wanted = ranked[start : start + k - len(papers)]
            papers.update(self.library.catalog.get_many(wanted))
            start += len(wanted)
        return group_by_paper(passages, papers, per_paper=per_paper)[:k]


class LabelIndex:
    """Paper id -> (collections, tags) of the papers that have any, rebuilt when the catalog's
    version changes; a selection is a walk over it (a 10k-paper library: a few milliseconds).

    Kept here, not as a store query: the embedded catalog keeps labels as JSON columns and the
    server catalog inside each record, so one pass over `catalog.labels()` serves both.
    """

    def __init__(self, library: Library) -> None:
        self._library = library
        self._lock = threading.Lock()
        self._version: str | None = None
        self._labels: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._selected: dict[LabelSelection, tuple[str, ...]] = {}

    def select(self, selection: LabelSelection) -> tuple[str, ...]:
        """The ids of the papers `selection` keeps, remembered until the next write (a chat
        asks many questions of one collection; a walk over 10k papers' labels is ~0.1 s)."""
        with self._lock:
            version = self._library.catalog.version()
            if version != self._version:
                self._labels = self._library.catalog.labels()
                self._selected = {}
                self._version = version
            found = self._selected.get(selection)
            if found is None:
                found = tuple(
                    pid
                    for pid, (cols, tags) in self._labels.items()
                    if selection.matches(cols, tags)
                )
                if len(self._selected) >= MAX_SELECTIONS:
                    self._selected.pop(next(iter(self._selected)))
                self._selected[selection] = found
            return found
