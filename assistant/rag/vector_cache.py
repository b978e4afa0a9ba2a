"""An embedder wrapper that remembers the vectors of texts it has embedded (bounded, per instance).

The answer engine embeds the sentences of the retrieved passages for every question, then the
verifier embeds them again; passages recur across the questions of a session.  Caching by text
keeps `ask` well under a second without changing any result: texts are embedded one by one
when the embedder's vectors depend on their batch, so an answer never depends on the
questions asked before it.  With a `memo` (the library's `sentence_vectors`), what one process
embedded the next one reads back instead of embedding it again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from assistant.rag.embeddings import Embedder

DEFAULT_CAPACITY = 20_000  # sentences; 384 float32 each -> about 30 MB at most


class VectorMemo(Protocol):
    """Vectors kept beyond this process (store/sentence_vectors.py), exactly as computed."""

    def get(self, embedder: str, texts: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put(self, embedder: str, vectors: Mapping[str, np.ndarray]) -> None: ...


class CachingEmbedder:
    def __init__(
        self, inner: Embedder, capacity: int = DEFAULT_CAPACITY, *, memo: VectorMemo | None = None
    ) -> None:
        self.inner = inner
        self.capacity = capacity
        self.memo = memo
        # An embedder whose vectors depend on their batch (the int8 local model) is fed one
        # text at a time; others (an endpoint, a float model) in one batch.
        self._one_by_one = bool(getattr(inner, "batch_dependent", False))
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def name(self) -> str:
        return self.inner.name

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing and self.memo is not None:
            kept = self.memo.get(self.inner.name, missing)
            self._vectors.update(kept)
            missing = [t for t in missing if t not in kept]
        if missing:
            if self._one_by_one:
                # The texts missing depend on the questions asked before: batching them would
                # make a vector, and so an answer, depend on the session's history.
                fresh = np.vstack([self.inner.embed_documents([text]) for text in missing])
            else:
                fresh = self.inner.embed_documents(missing)
            for text, vector in zip(missing, fresh, strict=True):
                self._vectors[text] = vector
            if self.memo is not None:
                self.memo.put(self.inner.name, dict(zip(missing, fresh, strict=True)))
        rows = []
        for text in texts:
            self._vectors.move_to_end(text)
            rows.append(self._vectors[text])
        while len(self._vectors) > self.capacity:
            self._vectors.popitem(last=False)
        if not rows:
            return self.inner.embed_documents([])
        return np.vstack(rows)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)
