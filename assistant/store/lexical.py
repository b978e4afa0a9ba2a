"""The lexical index: BM25 (bm25s) over chunk text plus paper title, persisted beside the store.

The index is derived data: it is rebuilt from the catalog whenever the catalog's version
moved on (another process ingested, a crash interrupted a write) or its files are unreadable.
Each build is saved in a folder of its own and published by atomically rewriting the
`CURRENT` pointer, so a reader never sees half an index; one process publishes at a time
(a non-blocking lock: a busy publisher means someone else is saving, and we keep ours in
memory).  Embedded mode keeps it in `<data>/bm25`; in server mode each client caches it under
`<data>/bm25-server/<collection id>/`, keyed by the server catalog's version.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from assistant.store.records import IndexedChunk

LEXICAL_DIR = "bm25"
# A stale index that took longer than this to build is kept for up to BACKOFF times its build
# time before the next rebuild, so a client searching while another writes to the server
# spends at most a third of its time rebuilding; small libraries are always rebuilt at once.
SLOW_BUILD_SECONDS = 1.0
BACKOFF = 2.0
SERVER_CACHE_DIR = "bm25-server"
POINTER = "CURRENT"
_SAVE_LOCK = ".save.lock"
_STEMMER = Stemmer.Stemmer("english")


_HYPHENATED = re.compile(r"\b(\w+)-(\w+)\b")


def keep_stale(build_seconds: float, since_build: float) -> bool:
    """Whether a stale index built `since_build` seconds ago should be served once more."""
    return build_seconds >= SLOW_BUILD_SECONDS and since_build < BACKOFF * build_seconds


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
    version: str  # the catalog version it was built from

    @classmethod
    def build(cls, chunks: Iterable[IndexedChunk], version: str) -> LexicalIndex:
        items = list(chunks)
        ids = [item.chunk.id for item in items]
        papers = np.array([item.chunk.paper_id for item in items], dtype=object)
        years = np.array([item.year or 0 for item in items], dtype=np.int32)
        if not items:
            return cls(None, [], papers, years, version)
        corpus = tokenize([f"{item.title}. {item.chunk.text}" for item in items])
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        return cls(retriever, ids, papers, years, version)

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
    def save(self, root: Path) -> bool:
        """Publish this index under `root`; False when another process is publishing one.

        Raises OSError when the folder cannot be written (full disk, read-only).
        """
        root.mkdir(parents=True, exist_ok=True)
        with _publishing(root) as ours:
            if not ours:
                return False
            previous = _pointed(root)
            build = Path(tempfile.mkdtemp(prefix="build-", dir=root))
            if self.retriever is not None:
                self.retriever.save(str(build / "bm25"), show_progress=False)
            meta = {
                "version": self.version,
                "chunk_ids": self.chunk_ids,
                "paper_ids": [str(p) for p in self.paper_ids],
                "years": [int(y) for y in self.years],
            }
            (build / "chunks.json").write_text(json.dumps(meta), encoding="utf-8")
            pointer = root / f".{POINTER}.tmp"
            pointer.write_text(build.name, encoding="utf-8")
            os.replace(pointer, root / POINTER)
            # Keep the build a reader may still be loading; older ones go.
            for old in root.iterdir():
                if old.is_dir() and old.name not in (build.name, previous):
                    shutil.rmtree(old, ignore_errors=True)
        return True

    @classmethod
    def load(cls, root: Path) -> LexicalIndex:
        """Raises OSError, ValueError or KeyError (or bm25s' own errors) when the saved index
        is missing or unreadable."""
        build = root / (root / POINTER).read_text(encoding="utf-8").strip()
        meta = json.loads((build / "chunks.json").read_text(encoding="utf-8"))
        retriever = None
        if meta["chunk_ids"]:
            retriever = bm25s.BM25.load(str(build / "bm25"))
            if retriever.scores["num_docs"] != len(meta["chunk_ids"]):
                raise ValueError("BM25 index and chunk list disagree")
        if not (len(meta["chunk_ids"]) == len(meta["paper_ids"]) == len(meta["years"])):
            raise ValueError("BM25 chunk lists disagree")
        return cls(
            retriever,
            list(meta["chunk_ids"]),
            np.array(meta["paper_ids"], dtype=object),
            np.array(meta["years"], dtype=np.int32),
            str(meta["version"]),
        )


def _pointed(root: Path) -> str | None:
    try:
        return (root / POINTER).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):  # missing, or not even text: nothing worth keeping
        return None


@contextlib.contextmanager
def _publishing(root: Path) -> Iterator[bool]:
    """An exclusive, non-blocking publish lock on `root`: yields False if someone holds it."""
    with open(root / _SAVE_LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
