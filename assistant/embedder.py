"""The `Embedder` protocol: what the store and retrieval need from a text embedder.

Its own module, below both `store` and `rag`: the vector store writes with an embedder, the
retriever and the citation check query with one, and neither package may import the other's
internals for it (`store` never imports `rag`; checked by the import contract in
`pyproject.toml`).  The implementations live in `rag/embeddings.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; `name` is recorded with the library."""

    @property
    def name(self) -> str: ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...
