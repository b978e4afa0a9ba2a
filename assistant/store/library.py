"""The paper library: the catalog plus its two indexes (Chroma vectors, BM25), kept consistent.

Write protocol (crash-safe, see `write`): a paper is first *staged* in the catalog with its new
chunks (one SQLite transaction), then its vectors are replaced in Chroma, then it is marked
indexed.  A crash at any point leaves the paper pending; the next writer (`repair`) re-indexes
pending papers and deletes vectors the catalog does not know.  The BM25 index is rebuilt from
the catalog whenever its generation is stale.  Writers hold an exclusive file lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import (
    EmbedderMismatchError,
    LibraryBusyError,
    LibraryCorruptError,
    LitassistError,
)
from assistant.store.catalog import Catalog
from assistant.types import Chunk, Paper

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

    from assistant.rag.embeddings import Embedder
    from assistant.store.lexical import LexicalIndex
    from assistant.store.vectors import VectorIndex

LOCK_FILE = ".write.lock"
EMBED_BATCH = 64


@dataclass(frozen=True)
class RepairReport:
    reindexed: int
    orphans_removed: int
    lexical_rebuilt: bool

    @property
    def changed(self) -> bool:
        return bool(self.reindexed or self.orphans_removed or self.lexical_rebuilt)


def embedding_text(paper: Paper, chunk: Chunk) -> str:
    """What the dense and lexical indexes see for a chunk: its paper's title, then its text."""
    return f"{paper.title}. {chunk.text}"


class Library:
    """Open with `Library.open(data_dir, embedder, ...)`; close when done."""

    def __init__(
        self,
        data_dir: Path,
        catalog: Catalog,
        embedder: Embedder,
        client_factory: Callable[[], ClientAPI],
    ) -> None:
        self.data_dir = data_dir
        self.catalog = catalog
        self.embedder = embedder
        self._client_factory = client_factory
        self._vectors: VectorIndex | None = None
        self._lexical: LexicalIndex | None = None

    @classmethod
    def open(
        cls,
        data_dir: Path,
        embedder: Embedder,
        *,
        create: bool = False,
        chroma_url: str | None = None,
        client_factory: Callable[[], ClientAPI] | None = None,
    ) -> Library:
        """Open (or with `create`, initialise) the library in `data_dir`.

        Raises `LibraryNotFoundError`, `LibraryCorruptError` or `EmbedderMismatchError`.
        """
        catalog = Catalog.open(data_dir, create=create)
        stored = catalog.get_meta("embedder")
        if stored is None:
            if catalog.count() and not create:
                raise LibraryCorruptError(f"The library in {data_dir} records no embedder.")
            catalog.set_meta("embedder", embedder.name)
        elif stored != embedder.name:
            catalog.close()
            raise EmbedderMismatchError(
                f"This library was built with embedder {stored}, but {embedder.name} is "
                "configured; set LITASSIST_EMBEDDER accordingly or use another --data-dir."
            )
        if client_factory is None:
            from assistant.store.vectors import make_client

            def client_factory() -> ClientAPI:
                return make_client(data_dir, chroma_url)

        return cls(data_dir, catalog, embedder, client_factory)

    def close(self) -> None:
        self.catalog.close()

    # ---- indexes --------------------------------------------------------------------------
    @property
    def vectors(self) -> VectorIndex:
        if self._vectors is None:
            from assistant.store.vectors import VectorIndex

            self._vectors = VectorIndex.open(self._client_factory(), self.embedder, create=True)
        return self._vectors

    def lexical(self) -> LexicalIndex:
        """The BM25 index, rebuilt from the catalog if stale, missing or unreadable."""
        from assistant.store.lexical import LEXICAL_DIR, LexicalIndex

        generation = self.catalog.generation
        if self._lexical is not None and self._lexical.generation == generation:
            return self._lexical
        root = self.data_dir / LEXICAL_DIR
        try:
            index = LexicalIndex.load(root)
        except (OSError, ValueError, KeyError):
            index = None
        if index is None or index.generation != generation:
            index = LexicalIndex.build(self.catalog.iter_indexed_chunks(), generation)
            # A read-only or full data folder still searches, from memory.
            with contextlib.suppress(OSError):
                index.save(root)
        self._lexical = index
        return index

    # ---- writing --------------------------------------------------------------------------
    @contextmanager
    def write_lock(self, wait: float = 0.0) -> Iterator[None]:
        """Exclusive writer lock on the data folder; `LibraryBusyError` if held elsewhere."""
        path = self.data_dir / LOCK_FILE
        try:
            handle = open(path, "a+")  # noqa: SIM115 - held for the whole block
        except OSError as exc:
            raise LitassistError(f"Cannot lock {self.data_dir}: {exc.strerror or exc}.") from exc
        deadline = time.monotonic() + wait
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LibraryBusyError(
                            f"The library in {self.data_dir} is busy: another litassist "
                            "process is writing to it; try again when it has finished."
                        ) from None
                    time.sleep(0.2)
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            handle.close()

    def write(self, items: Sequence[tuple[Paper, Sequence[Chunk]]], title_keys: Sequence[str]):
        """Store papers with their chunks: stage, embed, replace vectors, mark indexed.

        Papers whose indexed content is unchanged (a metadata-only update) are not re-embedded.
        """
        indexed = self.catalog.indexed_hashes([paper.id for paper, _ in items])
        for (paper, chunks), key in zip(items, title_keys, strict=True):
            self.catalog.stage(paper, key, chunks)
        changed = [
            (paper, list(chunks))
            for paper, chunks in items
            if indexed.get(paper.id) != paper.content_hash
        ]
        if changed:
            self._index([paper for paper, _ in changed], [chunks for _, chunks in changed])

    def _index(self, papers: Sequence[Paper], chunk_lists: Sequence[list[Chunk]]) -> None:
        flat: list[tuple[Paper, Chunk]] = [
            (paper, chunk)
            for paper, chunks in zip(papers, chunk_lists, strict=True)
            for chunk in chunks
        ]
        vectors = self.embedder.embed_documents([embedding_text(p, c) for p, c in flat])
        self.vectors.delete_papers([p.id for p in papers], keep=[c.id for _, c in flat])
        self.vectors.upsert([c for _, c in flat], vectors, [p.year for p, _ in flat])
        self.catalog.mark_indexed(p.id for p in papers)

    def remove(self, paper_ids: Sequence[str]) -> int:
        """Remove papers and every one of their chunks from the catalog and both indexes."""
        removed = self.catalog.remove(paper_ids)
        self.vectors.delete_papers(list(paper_ids))
        return removed

    def repair(self, progress: Callable[[int], None] | None = None) -> RepairReport:
        """Finish interrupted writes: re-index pending papers, drop orphan vectors."""
        pending = self.catalog.pending_ids()
        for start in range(0, len(pending), EMBED_BATCH):
            batch = pending[start : start + EMBED_BATCH]
            papers = self.catalog.get_many(batch)
            chunks = self.catalog.chunks_of(batch)
            by_paper: dict[str, list[Chunk]] = {pid: [] for pid in batch}
            for chunk in chunks:
                by_paper[chunk.paper_id].append(chunk)
            self._index([papers[pid] for pid in batch], [by_paper[pid] for pid in batch])
            if progress:
                progress(len(batch))
        orphans: list[str] = []
        expected = self.catalog.chunk_ids()
        if self.vectors.count() != len(expected) or pending:
            orphans = sorted(self.vectors.all_ids() - expected)
            self.vectors.delete_ids(orphans)
        before = self._lexical.generation if self._lexical else None
        rebuilt = self.lexical().generation != before and before is not None
        return RepairReport(len(pending), len(orphans), rebuilt)
