"""What every paper catalog offers: the `PaperCatalog` protocol and the rows it returns.

Two catalogs implement it: `catalog.Catalog` (SQLite in the data folder: the embedded mode) and
`server_catalog.ServerCatalog` (a Chroma collection on the server, so several clients share one
library).  `Library`, ingest, retrieval and the CLI only speak this protocol.  Standard library
only, so `litassist papers` in embedded mode starts without chromadb.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assistant.store.kept_vectors import KeptVector
from assistant.store.lexical_docs import PaperText
from assistant.types import Chunk, Paper, PaperRow

__all__ = ["IndexedChunk", "PaperCatalog", "PaperRow", "StagedPaper", "open_catalog"]

# A paper to store: the record, its title key (for dedupe) and its chunks.
StagedPaper = tuple[Paper, str, Sequence[Chunk]]


@dataclass(frozen=True)
class IndexedChunk:
    """A chunk with what the lexical index needs besides its text."""

    chunk: Chunk
    title: str
    year: int | None


class PaperCatalog(Protocol):
    """Paper and chunk records: the library's source of truth.

    A paper carries `content_hash` (what it should be indexed as) and `indexed_hash` (what the
    vector store holds for it); a paper whose two hashes differ is *pending*.  `version()`
    changes whenever the indexed content (papers, chunks) changes, so derived indexes (BM25)
    know when they are stale.
    """

    location: str  # where the records live: a file path or a server URL

    def close(self) -> None: ...

    def version(self) -> str: ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    # ---- reading
    def count(self) -> int: ...

    def get(self, paper_id: str) -> Paper | None: ...

    def get_many(self, paper_ids: Iterable[str]) -> dict[str, Paper]: ...

    def list_rows(self) -> list[PaperRow]: ...

    def find_same(self, paper: Paper, title_key: str) -> Paper | None: ...

    def resolve(self, ref: str) -> list[Paper]: ...

    def content_hashes(self) -> dict[str, tuple[str, str | None]]: ...

    def indexed_hashes(self, paper_ids: Sequence[str]) -> dict[str, str | None]: ...

    def has_indexed(self) -> bool: ...

    def pending_ids(self) -> list[str]: ...

    def chunk_ids(self) -> set[str]: ...

    def chunk_index(self) -> dict[str, str]: ...

    def chunks_of(self, paper_ids: Sequence[str]) -> list[Chunk]: ...

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]: ...

    def iter_indexed_chunks(self) -> Iterator[IndexedChunk]: ...

    def iter_paper_texts(self, paper_ids: Sequence[str] | None = None) -> Iterator[PaperText]:
        """Each paper's title, year and chunks (what the lexical index is built from)."""
        ...

    # ---- writing
    def stage_many(self, items: Sequence[StagedPaper]) -> None: ...

    def mark_indexed(
        self, indexed: Mapping[str, str], vectors: Sequence[KeptVector] = ()
    ) -> None: ...

    def mark_pending(self, paper_ids: Sequence[str]) -> None: ...

    def remove(self, paper_ids: Iterable[str]) -> int: ...

    # ---- kept vectors: each chunk's vector, so the vector index can be rebuilt
    def keep_vectors(self, vectors: Sequence[KeptVector]) -> None: ...

    def kept_vectors(self, chunk_ids: Sequence[str]) -> dict[str, KeptVector]: ...

    def unkept_chunks(self) -> list[tuple[str, str, str]]: ...

    def kept_vector_count(self) -> int: ...

    def kept_vector_sample(self, n: int) -> list[KeptVector]: ...


def open_catalog(data_dir: Path, chroma_url: str | None = None) -> PaperCatalog:
    """The catalog alone (for listing): SQLite in `data_dir`, or the server's records.

    Embedded mode imports no chromadb, so `litassist papers` starts fast.
    """
    if not chroma_url:
        from assistant.store.catalog import Catalog

        return Catalog.open(data_dir)
    from assistant.store.server_catalog import ServerCatalog
    from assistant.store.vectors import make_client

    return ServerCatalog.open(make_client(data_dir, chroma_url), chroma_url)
