"""The lexical index: BM25 (bm25s) over chunk text plus paper title, persisted beside the store.

The index is derived data: it is rebuilt from the catalog whenever the catalog's generation
moved on (another process ingested, a crash interrupted a write) or its files are unreadable.
Each build is saved in a folder of its own and published by atomically rewriting the
`CURRENT` pointer, so a reader never sees half an index.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from assistant.store.catalog import IndexedChunk

LEXICAL_DIR = "bm25"
_POINTER = "CURRENT"
_STEMMER = Stemmer.Stemmer("english")


_HYPHENATED = re.compile(r"\b(\w+)-(\w+)\b")


def join_hyphenated(text: str) -> str:
    """`pre-training` -> `pre training pretraining`, so both spellings of a compound match."""
    return _HYPHENATED.sub(r"\1 \2 \1\2", text)


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, English stop words dropped, Snowball-stemmed, hyphenated compounds joined."""
    return bm25s.tokenize(
        [join_hyphenated(t) for t in texts],
        stopwords="en",
        stemmer=_STEMMER,
        return_ids=False,
        show_progress=False,
    )


@dataclass
class LexicalIndex:
    """A BM25 index with, per indexed chunk, its id, paper id and year (for filters)."""

    retriever: bm25s.BM25 | None
    chunk_ids: list[str]
    paper_ids: np.ndarray
    years: np.ndarray  # 0 where unknown
    generation: int

    @classmethod
    def build(cls, chunks: Iterable[IndexedChunk], generation: int) -> LexicalIndex:
        items = list(chunks)
        ids = [item.chunk.id for item in items]
        papers = np.array([item.chunk.paper_id for item in items], dtype=object)
        years = np.array([item.year or 0 for item in items], dtype=np.int32)
        if not items:
            return cls(None, [], papers, years, generation)
        corpus = tokenize([f"{item.title}. {item.chunk.text}" for item in items])
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        return cls(retriever, ids, papers, years, generation)

    def search(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best `n` chunks with a positive score."""
        if self.retriever is None or not self.chunk_ids:
            return []
        tokens = [t for t in tokenize([query])[0] if t in self.retriever.vocab_dict]
        if not tokens:
            return []
        scores = self.retriever.get_scores(tokens)
        if mask is not None:
            scores = scores * mask
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def mask(
        self, paper_ids: Iterable[str] | None, year_from: int | None, year_to: int | None
    ) -> np.ndarray | None:
        if paper_ids is None and year_from is None and year_to is None:
            return None
        keep = np.ones(len(self.chunk_ids), dtype=bool)
        if paper_ids is not None:
            keep &= np.isin(self.paper_ids, np.array(list(paper_ids), dtype=object))
        if year_from is not None:
            keep &= self.years >= year_from
        if year_to is not None:
            keep &= (self.years <= year_to) & (self.years > 0)
        return keep.astype(np.float32)

    # ---- persistence ----------------------------------------------------------------------
    def save(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=f"g{self.generation}-", dir=root))
        if self.retriever is not None:
            self.retriever.save(str(build / "bm25"), show_progress=False)
        meta = {
            "generation": self.generation,
            "chunk_ids": self.chunk_ids,
            "paper_ids": [str(p) for p in self.paper_ids],
            "years": [int(y) for y in self.years],
        }
        (build / "chunks.json").write_text(json.dumps(meta), encoding="utf-8")
        pointer = root / f".{_POINTER}.tmp"
        pointer.write_text(build.name, encoding="utf-8")
        os.replace(pointer, root / _POINTER)
        for old in root.iterdir():
            if old.is_dir() and old.name != build.name:
                shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, root: Path) -> LexicalIndex:
        """Raises OSError or ValueError when the saved index is missing or unreadable."""
        build = root / (root / _POINTER).read_text(encoding="utf-8").strip()
        meta = json.loads((build / "chunks.json").read_text(encoding="utf-8"))
        retriever = None
        if meta["chunk_ids"]:
            retriever = bm25s.BM25.load(str(build / "bm25"))
            if retriever.scores["num_docs"] != len(meta["chunk_ids"]):
                raise ValueError("BM25 index and chunk list disagree")
        return cls(
            retriever,
            list(meta["chunk_ids"]),
            np.array(meta["paper_ids"], dtype=object),
            np.array(meta["years"], dtype=np.int32),
            int(meta["generation"]),
        )
