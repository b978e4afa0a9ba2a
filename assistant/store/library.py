"""The paper library: a catalog plus its two indexes (Chroma vectors, BM25), kept consistent.

Where each piece lives:

- **embedded** (default): the catalog is SQLite `<data>/library.sqlite` (`catalog.Catalog`),
  with the lexical rows (each chunk's index terms) in its own tables; the vectors a Chroma
  `PersistentClient` in `<data>/chroma`; the lexical index's snapshot in `<data>/lexical`.
- **server** (`chroma_url`): the catalog is the collection `litassist_papers` on the Chroma
  server (`server_catalog.ServerCatalog`), the vectors `litassist_chunks` on the same server;
  the lexical rows are derived data, cached per client in
  `<data>/lexical-server/<collection id>/` and kept in step through the server's change log
  (`lexical_sync`).  The data folder then holds only that cache and the local write lock, so
  clients on several machines share one library.

The lexical index (`lexical.LexicalIndex`) lives in memory and catches up from the rows at
every `lexical()` call, at the cost of what changed since.

Write protocol (crash-safe, see `write`): papers are first *staged* in the catalog with their
new chunks and lexical rows (one SQLite transaction / one upsert of self-contained records
and a change-log entry), then their vectors
are replaced in Chroma (deterministic chunk ids, so a repeated upsert is idempotent), then
they are marked indexed.  A crash at any point leaves the papers pending; the next writer
(`repair`) re-indexes pending papers and, in embedded mode, deletes vectors the catalog does
not know and re-embeds chunks whose vectors are missing (on a server that scan would download
every record, so it is left to the doctor).  `repair(thorough=True)` (`litassist doctor
--repair`) does all of it, and also catches vectors built from another version of a paper and
lexical rows that disagree with the catalog, an unreadable snapshot or (embedded) vector store.

Concurrency: writers sharing a data folder hold an exclusive file lock (`LibraryBusyError`
for the second).  Readers never block; a reader catches up with another process's batches
as they are committed (SQLite's WAL: readers see whole transactions).  Across
machines (server mode) no lock exists: writers are kept safe by idempotent upserts, the
pending markers and the doctor (see `server_catalog`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from assistant.errors import (
    EmbedderMismatchError,
    LibraryBusyError,
    LibraryCorruptError,
    StorageWriteError,
)
from assistant.store.catalog import Catalog
from assistant.store.failures import storage_error
from assistant.store.kept_vectors import COMPLETE_KEY, KeptVector, round_vectors
from assistant.store.records import PaperCatalog
from assistant.types import Chunk, Paper

if TYPE_CHECKING:
    import numpy as np
    from chromadb.api import ClientAPI

    from assistant.embedder import Embedder
    from assistant.store.health import LexicalStatus, LibraryHealth
    from assistant.store.lexical import LexicalIndex
    from assistant.store.lexical_docs import LexicalSource
    from assistant.store.lexical_sync import LexicalCache
    from assistant.store.sentence_vectors import SentenceVectors
    from assistant.store.server_catalog import ServerCatalog
    from assistant.store.vector_guard import ProbeResult, VectorGuard
    from assistant.store.vectors import VectorIndex

LOCK_FILE = ".write.lock"
EMBED_BATCH = 64
# Papers per batch when a repair restores vectors: mostly kept ones, so no embedding to pace;
# larger upserts spare Chroma per-call work (a full SciFact rebuild: 81 calls -> 11).
REPAIR_BATCH = 512


@dataclass(frozen=True)
class _PendingIndex:
    """A staged batch whose vectors are being computed (or come from the catalog)."""

    papers: list[Paper]
    chunks: list[tuple[Paper, Chunk]]  # every chunk of `papers`, in order
    vectors: Future[np.ndarray | None]  # of the chunks not in `kept`, in order
    kept: Mapping[str, KeptVector] = field(default_factory=dict)  # reused, not re-embedded


@dataclass(frozen=True)
class RepairReport:
    reindexed: int  # papers whose vectors were written again ...
    orphans_removed: int
    lexical_rebuilt: bool
    vector_store_moved_to: str | None = None
    vector_index_rebuilt: bool = False
    reembedded: int = 0  # ... of which embedded anew (the others from their kept vectors)
    vectors_copied: int = 0  # vectors of an older library copied into the catalog

    @property
    def restored_from_kept(self) -> int:
        return self.reindexed - self.reembedded


def embedding_text(paper: Paper, chunk: Chunk) -> str:
    """What the dense and lexical indexes see for a chunk: its paper's title, then its text."""
    return f"{paper.title}. {chunk.text}"


class Library:
    """Open with `Library.open(data_dir, embedder, ...)`; close when done."""

    def __init__(
        self,
        data_dir: Path,
        catalog: PaperCatalog,
        embedder: Embedder,
        client_factory: Callable[[], ClientAPI],
        *,
        chroma_url: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.catalog = catalog
        self.embedder = embedder
        self.chroma_url = chroma_url
        self._client_factory = client_factory
        self._vectors: VectorIndex | None = None
        self._lexical: LexicalIndex | None = None
        self._lexical_cache: LexicalCache | None = None
        self._lexical_memory: LexicalSource | None = None
        self._lexical_rows: LexicalSource | None = None
        self._holding_lock = False
        self._vectors_written = False  # since the segment fingerprint was last recorded
        self._fresh_vectors = False  # the vector store was just started afresh (a rebuild)
        self._guard: VectorGuard | None = None
        self._sentence_vectors: SentenceVectors | None = None
        if not chroma_url:
            from assistant.store.catalog import CATALOG_FILE
            from assistant.store.vector_guard import VectorGuard

            self._guard = VectorGuard(data_dir, self.chroma_dir, data_dir / CATALOG_FILE)

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
        """Open (or with `create`, initialise) the library in `data_dir` or on `chroma_url`.

        Raises `LibraryNotFoundError`, `LibraryCorruptError`, `EmbedderMismatchError`,
        `StorageWriteError` or (server mode) `StoreUnavailableError`.
        """
        catalog: PaperCatalog
        if chroma_url:
            from assistant.store.server_catalog import ServerCatalog
            from assistant.store.vectors import make_client

            client = client_factory() if client_factory else make_client(data_dir, chroma_url)
            catalog = ServerCatalog.open(client, chroma_url, create=create)

            def factory() -> ClientAPI:
                return client
        else:
            catalog = Catalog.open(data_dir, create=create)
            if client_factory is not None:
                factory = client_factory
            else:

                def factory() -> ClientAPI:
                    from assistant.store.vectors import make_client

                    return make_client(data_dir, None)

        try:
            _check_embedder(catalog, embedder, create=create)
        except Exception:
            catalog.close()
            raise
        return cls(data_dir, catalog, embedder, factory, chroma_url=chroma_url)

    def close(self) -> None:
        if self._vectors is not None:
            self._vectors.close()  # first: stopping the store may still write its segments
            self._vectors = None
        self._record_vectors()
        self.catalog.close()
        if self._sentence_vectors is not None:
            self._sentence_vectors.close()
        if self._lexical_cache is not None:
            self._lexical_cache.close()

    @property
    def mode(self) -> Literal["embedded", "server"]:
        return "server" if self.chroma_url else "embedded"

    @property
    def location(self) -> str:
        """Where the library lives: its data folder, or the Chroma server's URL."""
        return self.chroma_url or str(self.data_dir)

    @property
    def chroma_dir(self) -> Path:
        """The embedded vector store's folder (`vectors.CHROMA_DIR`, without importing it)."""
        return self.data_dir / "chroma"

    def sentence_vectors(self) -> SentenceVectors:
        """This machine's store of embedded sentences (`sentence_vectors`), opened on first use."""
        if self._sentence_vectors is None:
            from assistant.store.sentence_vectors import FILE, SentenceVectors

            self._sentence_vectors = SentenceVectors(self.data_dir / FILE)
        return self._sentence_vectors

    # ---- indexes --------------------------------------------------------------------------
    @property
    def vectors(self) -> VectorIndex:
        """The vector index, opened on first use.

        Embedded, its segment files are first checked against the last ones seen working,
        and probed in a child process if they changed (`vector_guard`): a damaged segment
        gives a `LibraryCorruptError` here instead of crashing the process later.
        """
        if self._vectors is None:
            from assistant.store.vectors import VectorIndex

            if self._guard is not None:
                self._guard.verify(self.catalog.has_indexed)
            where = self.chroma_url or str(self.chroma_dir)
            # A library with indexed papers has its collection: one that went missing is
            # damage to report, not an empty collection to start (dense search would find
            # nothing).  Papers only staged (a first ingest cut short) may have none yet.
            create = self._fresh_vectors or not self.catalog.has_indexed()
            index = VectorIndex.open(
                self._client_factory(), self.embedder, create=create, location=where
            )
            if self.mode == "server" and not self._fresh_vectors:
                _check_server_index(index, self.catalog)
            self._vectors = index
        return self._vectors

    def probe_vectors(self) -> ProbeResult:
        """Use the embedded vector index in a child process (whatever the fingerprint says):
        what `litassist doctor` does first.  A crash there is a finding, not ours."""
        from assistant.store.vector_guard import ProbeResult

        if self._guard is None:
            return ProbeResult(None)
        return self._guard.probe()

    def vectors_changed(self) -> bool:
        """Embedded: whether the segment files changed since last seen working."""
        if self._guard is None or self._vectors is not None:
            return False  # server, or already open (and so working) in this process
        return self._guard.changed(self.catalog.has_indexed)

    def _back_up(self) -> None:
        """After a writer's successful work: back the embedded catalog up (throttled, see
        `backup.py`).  On a server the records are the server's; back up its `--path`."""
        if isinstance(self.catalog, Catalog):
            self.catalog.back_up()

    def note_ingest(self, files: Sequence[Path]) -> None:
        """Journal an ingest's input files before it writes, so a restored backup can replay
        it (`backup.Journal`).  Embedded only, like the backups."""
        if self.mode == "embedded" and files:
            from assistant.store.backup import Journal

            Journal(self.data_dir).append("ingest", files=tuple(str(f) for f in files))

    def _record_vectors(self) -> None:
        """After vectors were written: the segment files as they are now are known good."""
        if self._vectors_written and self._guard is not None:
            self._guard.record()
        self._vectors_written = False

    def lexical_root(self) -> Path:
        """The folder of the lexical index's saved snapshot (a per-server cache in server mode).

        On a server the cache is keyed by the paper collection's id, which is unique to that
        collection on that server, so it survives a server moving to another port or name.
        """
        from assistant.store.lexical import LEXICAL_DIR
        from assistant.store.lexical_sync import SNAPSHOT_DIR

        if self.chroma_url:
            return self._server_cache().folder / SNAPSHOT_DIR
        return self.data_dir / LEXICAL_DIR

    def _server_cache(self) -> LexicalCache:
        from assistant.store.lexical_sync import LexicalCache

        if self._lexical_cache is None:
            collection = getattr(self.catalog, "collection_id", "papers")
            self._lexical_cache = LexicalCache.open(self.data_dir, str(collection))
        return self._lexical_cache

    def lexical_source(self) -> LexicalSource:
        """Where the lexical index's rows are, brought up to date with the catalog.

        Embedded: the catalog's own tables (filled once if the library predates them, or kept
        in memory when the folder is read-only).  Server: this client's cache, caught up from
        the server's change log (`lexical_sync`).
        """
        from assistant.store.catalog import Catalog
        from assistant.store.lexical_docs import LexicalSource

        catalog = self.catalog
        if not isinstance(catalog, Catalog):
            return self._server_cache().sync(cast("ServerCatalog", catalog))
        if self._lexical_rows is not None:  # checked complete once: rows only change by writes
            return self._lexical_rows
        if self._lexical_memory is not None:
            return self._lexical_memory
        source = catalog.lexical_source()
        if source.complete:
            self._lexical_rows = source
            return source
        try:
            catalog.rebuild_lexical()
            self._lexical_rows = source
            return source
        except StorageWriteError:  # a read-only folder: the rows are kept in memory
            memory = LexicalSource.in_memory()
            memory.rebuild(catalog.iter_paper_texts())
            self._lexical_memory = memory
            return memory

    def lexical_status(self, chunk_ids: set[str], version: str) -> LexicalStatus:
        """The lexical rows compared with the catalog's chunks, and the snapshot's state."""
        from assistant.store.catalog import Catalog
        from assistant.store.health import LexicalStatus
        from assistant.store.lexical import POINTER, LexicalIndex

        if isinstance(self.catalog, Catalog):
            source = self._lexical_memory or self.catalog.lexical_source()
            if not source.complete:
                return LexicalStatus("missing", None, None)
            seen: str | None = version  # written in the catalog's own transactions
        else:
            cache = self._server_cache()
            source = cache.source
            seen = cache.seen()[1]
        rows = source.chunk_ids()
        if seen != version or not source.complete:
            return LexicalStatus("stale", seen, len(rows))
        if len(rows) != len(set(rows)) or set(rows) != chunk_ids:
            return LexicalStatus("inconsistent", seen, len(rows))
        root = self.lexical_root()
        if root.exists() and not root.is_dir():
            return LexicalStatus("unreadable", seen, len(rows))
        if not (root / POINTER).exists():
            return LexicalStatus("missing", seen, len(rows))
        try:
            saved = LexicalIndex.load(root)
        except Exception:  # derived data: any unreadable file counts the same
            return LexicalStatus("unreadable", seen, len(rows))
        if saved.store != source.store_id:
            return LexicalStatus("stale", seen, len(rows))
        return LexicalStatus("current", seen, len(rows))

    def rebuild_lexical_rows(self) -> None:
        """Redo every lexical row from the catalog (the rows disagree with it)."""
        from assistant.store.catalog import Catalog

        if isinstance(self.catalog, Catalog):
            self._lexical_memory = self._lexical_rows = None
            self.catalog.rebuild_lexical()
        else:
            self._server_cache().rebuild(cast("ServerCatalog", self.catalog))
        self._lexical = None

    def lexical(self, *, rebuild: bool = False) -> LexicalIndex:
        """The lexical index, caught up with every write so far (its own or another process's).

        Catching up costs what changed since the last call.  The first call of a process
        loads the saved snapshot and catches up from it; without a usable one it builds the
        index from the rows (a stored token stream per chunk, no re-tokenizing) and saves it.
        `rebuild` ignores the snapshot and the index in memory.
        """
        from assistant.store.lexical import LexicalIndex

        source = self.lexical_source()
        store = source.store_id
        index = None if rebuild else self._lexical
        if (
            index is not None
            and index.store == store
            and source.head() == (index.last_doc, index.last_gone)
        ):
            return index  # nothing written since: one query
        root = self.lexical_root()
        if index is None or index.store != store:
            index = None if rebuild else _load_lexical(root, store)
        changes = None if index is None else source.changes(index.last_doc, index.last_gone)
        if index is None or changes is None:  # none usable, or it slept through a pruning
            index = LexicalIndex(store=store)
            changes = source.changes(0, 0)
        if changes is None:  # pragma: no cover - a fresh index always reads from the start
            raise LibraryCorruptError("The lexical index's rows cannot be read.")
        fresh = index.last_doc == 0 and not len(index.base)
        index.catch_up(changes)
        if fresh or index.needs_merge():
            # A read-only or full data folder still searches, from memory.
            with contextlib.suppress(OSError):
                if index.save(root):
                    _drop_obsolete_index(self.data_dir)
        self._lexical = index
        return index

    # ---- writing --------------------------------------------------------------------------
    @contextmanager
    def write_lock(self, wait: float = 0.0) -> Iterator[None]:
        """Exclusive writer lock on the data folder; `LibraryBusyError` if held elsewhere."""
        path = self.data_dir / LOCK_FILE
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            handle = open(path, "a+")  # noqa: SIM115 - held for the whole block
        except OSError as exc:
            raise storage_error(exc, f"the data folder {self.data_dir}") from exc
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
            with contextlib.suppress(OSError):  # the pid is informative only
                handle.seek(0)
                handle.truncate()
                handle.write(str(os.getpid()))
                handle.flush()
            self._holding_lock = True
            yield
            self._record_vectors()
            self._back_up()
        finally:
            self._holding_lock = False
            handle.close()

    def write(
        self, items: Sequence[tuple[Paper, Sequence[Chunk]]], title_keys: Sequence[str]
    ) -> None:
        """Store papers with their chunks: stage, embed, replace vectors, mark indexed.

        Papers whose indexed content is unchanged (a metadata-only update) are not re-embedded.
        """
        self.write_batches([(items, title_keys)])

    def write_batches(
        self,
        batches: Iterable[tuple[Sequence[tuple[Paper, Sequence[Chunk]]], Sequence[str]]],
    ) -> None:
        """`write` for a stream of batches, embedding one batch ahead in a worker thread.

        While the worker embeds batch n+1, this thread stores batch n's vectors and produces
        the next batch (parsing, planning, chunking happen in the caller's generator), so
        the CPU-bound embedding is never idle.  The write protocol is unchanged: every batch
        is staged before its embedding starts and marked indexed only after its vectors are
        stored.  Only this thread touches the catalog and Chroma.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed") as pool:
            ahead: _PendingIndex | None = None
            for items, title_keys in batches:
                job = self._stage(items, title_keys, pool)
                if ahead is not None:
                    self._store(ahead)
                ahead = job
            if ahead is not None:
                self._store(ahead)

    def _stage(
        self,
        items: Sequence[tuple[Paper, Sequence[Chunk]]],
        title_keys: Sequence[str],
        pool: ThreadPoolExecutor | None = None,
    ) -> _PendingIndex:
        indexed = self.catalog.indexed_hashes([paper.id for paper, _ in items])
        self.catalog.stage_many(
            [
                (paper, key, list(chunks))
                for (paper, chunks), key in zip(items, title_keys, strict=True)
            ]
        )
        changed = [
            (paper, list(chunks))
            for paper, chunks in items
            if indexed.get(paper.id) != paper.content_hash
        ]
        return self._embed([p for p, _ in changed], [c for _, c in changed], pool)

    def _embed(
        self,
        papers: Sequence[Paper],
        chunk_lists: Sequence[list[Chunk]],
        pool: ThreadPoolExecutor | None = None,
        *,
        reuse: bool = False,
    ) -> _PendingIndex:
        """Start embedding these papers' chunks; with `reuse`, a paper whose every chunk has a
        kept vector for its current content takes those instead (a repair, a rebuild)."""
        flat = [
            (paper, chunk)
            for paper, chunks in zip(papers, chunk_lists, strict=True)
            for chunk in chunks
        ]
        kept: dict[str, KeptVector] = {}
        if reuse and flat:
            found = self.catalog.kept_vectors([c.id for _, c in flat])
            for paper, chunks in zip(papers, chunk_lists, strict=True):
                mine = [found.get(c.id) for c in chunks]
                if all(k is not None and k.content_hash == paper.content_hash for k in mine):
                    kept.update({k.chunk_id: k for k in mine if k is not None})
        texts = [embedding_text(p, c) for p, c in flat if c.id not in kept]
        vectors: Future[np.ndarray | None] = Future()
        if pool is not None and texts:
            vectors = pool.submit(self.embedder.embed_documents, texts)
        else:
            vectors.set_result(self.embedder.embed_documents(texts) if texts else None)
        return _PendingIndex(list(papers), flat, vectors, kept)

    def _store(self, job: _PendingIndex) -> None:
        """Replace the batch's vectors in the index, then mark it indexed and keep the new
        vectors in the catalog (one catalog transaction)."""
        if not job.papers:
            return
        import numpy as np

        flat = job.chunks
        self.vectors.delete_papers([p.id for p in job.papers], keep=[c.id for _, c in flat])
        fresh = job.vectors.result()
        rounded = round_vectors(fresh) if fresh is not None else None
        rows: list[np.ndarray] = []
        new: list[KeptVector] = []
        position = 0
        for paper, chunk in flat:
            reused = job.kept.get(chunk.id)
            if reused is not None:
                rows.append(reused.array())
                continue
            assert rounded is not None
            row = rounded[position]
            position += 1
            rows.append(row.astype(np.float32))
            new.append(KeptVector(chunk.id, paper.id, paper.content_hash, row.tobytes()))
        if flat:
            self.vectors.upsert(
                [c for _, c in flat],
                np.stack(rows),
                [p.year for p, _ in flat],
                [p.content_hash for p, _ in flat],
            )
            self._vectors_written = True
        self.catalog.mark_indexed({p.id: p.content_hash for p in job.papers}, new)

    def _index(self, papers: Sequence[Paper], chunk_lists: Sequence[list[Chunk]]) -> int:
        """Write these papers' vectors again (kept ones reused); returns how many papers
        had to be embedded anew."""
        job = self._embed(papers, chunk_lists, reuse=True)
        self._store(job)
        kept_papers = {k.paper_id for k in job.kept.values()}
        pairs = zip(papers, chunk_lists, strict=True)
        return sum(1 for paper, chunks in pairs if chunks and paper.id not in kept_papers)

    def remove(self, paper_ids: Sequence[str]) -> int:
        """Remove papers and every one of their chunks from the catalog and both indexes."""
        index = self.vectors  # first: a damaged index refuses before the catalog changes
        removed = self.catalog.remove(paper_ids)
        if self.mode == "embedded" and removed:
            from assistant.store.backup import Journal

            # After the catalog agreed, so a restored backup repeats only removals that were
            # made (an ingest is journaled before it runs: it resumes when interrupted).
            Journal(self.data_dir).append("remove", ids=tuple(paper_ids))
        index.delete_papers(list(paper_ids))
        self._vectors_written = True
        return removed

    # ---- consistency ----------------------------------------------------------------------
    def check(self, *, probe: bool = False) -> LibraryHealth:
        """Compare the catalog, the vector store and the saved BM25 index (reads only).

        `probe`: use the vector index in a child process first, whatever its fingerprint says
        (`litassist doctor`); otherwise only when its segment files changed."""
        from assistant.store.health import inspect

        return inspect(self, probe=probe)

    def repair(
        self, progress: Callable[[int], None] | None = None, *, thorough: bool = False
    ) -> RepairReport:
        """Finish interrupted writes: re-index pending papers, drop orphan vectors, restore
        missing ones.  `thorough` also restores stale vectors, rebuilds a damaged or
        unreadable vector index and a stale or unreadable BM25 index.

        Vectors are restored from those the catalog keeps; only papers without kept vectors
        for their current content are embedded again.  A library from an older litassist
        first gets its vectors copied into the catalog (`copy_vectors_into_catalog`)."""
        moved: str | None = None
        rebuilt_index = False
        health: LibraryHealth | None = None
        copied = 0
        if thorough:
            health = self.check()
            if health.vector_error is not None:
                moved = self.rebuild_vector_store()
                rebuilt_index = True
                health = self.check()
            elif health.unkept_vectors:
                copied = self.copy_vectors_into_catalog()
                health = self.check()
            reindex = list(health.papers_to_reindex)
            orphans = list(health.orphan_vectors)
        else:
            if self.catalog.get_meta(COMPLETE_KEY) != "1":
                copied = self.copy_vectors_into_catalog()
            reindex, orphans = self._quick_scan()
        if reindex and self.mode == "embedded":
            # In catalog order, the order the papers were first indexed in: a rebuilt HNSW
            # graph then grows as the original did.  (On a server that order costs a scan.)
            order = {pid: n for n, pid in enumerate(self.catalog.content_hashes())}
            reindex.sort(key=lambda pid: order.get(pid, len(order)))
        reembedded = 0
        for start in range(0, len(reindex), REPAIR_BATCH):
            batch = reindex[start : start + REPAIR_BATCH]
            papers = self.catalog.get_many(batch)
            by_paper: dict[str, list[Chunk]] = {pid: [] for pid in papers}
            for chunk in self.catalog.chunks_of(list(papers)):
                by_paper[chunk.paper_id].append(chunk)
            reembedded += self._index(list(papers.values()), [by_paper[pid] for pid in papers])
            if progress:
                progress(len(batch))
        if orphans:
            self.vectors.delete_ids(orphans)
            self._vectors_written = True
        rebuilt = False
        if health is not None and health.bm25.state != "current":
            if health.bm25.state == "inconsistent":
                self.rebuild_lexical_rows()
            self.lexical(rebuild=True)
            rebuilt = True
        return RepairReport(
            len(reindex),
            len(orphans),
            rebuilt,
            moved,
            reembedded=reembedded,
            vectors_copied=copied,
            vector_index_rebuilt=rebuilt_index,
        )

    def copy_vectors_into_catalog(self) -> int:
        """Migrate a library from before kept vectors: copy each indexed chunk's vector out
        of the vector index into the catalog; papers whose vectors cannot be read there
        become pending (the repair re-embeds them once).  Returns the vectors copied."""
        unkept = self.catalog.unkept_chunks()
        copied: list[KeptVector] = []
        lost: set[str] = set()
        if unkept:
            stored = self.vectors.get_vectors([cid for cid, _, _ in unkept])
            by_paper: dict[str, list[KeptVector]] = {}
            for cid, pid, digest in unkept:
                vector, embedded_from = stored.get(cid, (None, None))
                if vector is None or embedded_from not in (None, digest):
                    lost.add(pid)
                    continue
                data = round_vectors(vector.reshape(1, -1))[0].tobytes()
                by_paper.setdefault(pid, []).append(KeptVector(cid, pid, digest, data))
            copied = [v for pid, rows in by_paper.items() if pid not in lost for v in rows]
            for start in range(0, len(copied), 5000):
                self.catalog.keep_vectors(copied[start : start + 5000])
            if lost:
                self.catalog.mark_pending(sorted(lost))
        self.catalog.set_meta(COMPLETE_KEY, "1")
        return len(copied)

    def _quick_scan(self) -> tuple[list[str], list[str]]:
        """(papers to re-index, orphan vector ids), scanning the vectors only when needed.

        On a server the scan would download every record, so the quick path there is the
        pending papers only (what a crashed ingest leaves); `repair(thorough=True)` does more.
        """
        pending = set(self.catalog.pending_ids())
        if self.mode == "server":
            return sorted(pending), []
        expected = self.catalog.chunk_index()
        if not pending and self.vectors.count() == len(expected):
            return sorted(pending), []
        stored = self.vectors.all_ids()
        missing = {expected[cid] for cid in expected.keys() - stored}
        return sorted(pending | missing), sorted(stored - expected.keys())

    def rebuild_vector_store(self) -> str | None:
        """Start the vector index afresh, every paper pending (the repair then restores the
        vectors from the catalog).  Embedded, the damaged store is moved aside, kept for
        inspection, and its path returned; on a server the chunk collection is deleted."""
        self.catalog.mark_pending(sorted(self.catalog.content_hashes()))
        self._vectors = None
        self._fresh_vectors = True
        if self.mode == "server":
            from assistant.store.vectors import COLLECTION, translate_chroma_error

            client = self._client_factory()
            try:
                client.delete_collection(COLLECTION)
            except Exception as exc:
                if exc.__class__.__name__ not in ("NotFoundError", "ValueError"):
                    raise translate_chroma_error(exc, self.location) from exc
            return None
        from assistant.store.vectors import CHROMA_DIR, forget_embedded_clients

        source = self.data_dir / CHROMA_DIR
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = self.data_dir / f"{CHROMA_DIR}.broken-{stamp}"
        forget_embedded_clients()
        try:
            if source.exists():
                os.replace(source, target)
        except OSError as exc:
            raise storage_error(exc, f"the data folder {self.data_dir}") from exc
        if self._guard is not None:
            self._guard.record()  # no segment files: what the new, empty store starts from
        return str(target)


SERVER_SAMPLE = 4


def _check_server_index(index: VectorIndex, catalog: PaperCatalog) -> None:
    """Server mode, once per process: a few kept vectors must find themselves in the index.

    A segment lost or cut short on the server makes it serve a partial index without an
    error; three small requests catch that before dense search silently returns other papers.
    (Embedded, the fingerprint and the child-process probe of `vector_guard` do this.)
    """
    sample = catalog.kept_vector_sample(SERVER_SAMPLE)
    if len(sample) < 2:
        return  # nothing kept yet (a library from an older litassist): the doctor checks
    answers = index.query_many([v.array() for v in sample], 10)
    found = 0
    for vector, hits in zip(sample, answers, strict=True):
        scores = dict(hits)
        if vector.chunk_id in scores and scores[vector.chunk_id] >= hits[0][1] - 1e-4:
            found += 1
    if found * 2 < len(sample):
        raise LibraryCorruptError(
            f"The vector index on {index.location} is damaged (only {found} of {len(sample)} "
            "sampled vectors find themselves in it); run `litassist doctor --repair` to rebuild "
            "it from the kept vectors."
        )


# Where litassist kept its bm25s index before the lexical rows existed: derived data, unused.
_OBSOLETE_INDEXES = ("bm25", "bm25-server")


def _drop_obsolete_index(data_dir: Path) -> None:
    for name in _OBSOLETE_INDEXES:
        folder = data_dir / name
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def _load_lexical(root: Path, store: str) -> LexicalIndex | None:
    """The saved snapshot, if it is readable and follows this docs store."""
    from assistant.store.lexical import LexicalIndex

    try:
        index = LexicalIndex.load(root)
    except Exception:  # derived data: whatever is wrong with the files, we rebuild them
        return None
    return index if index.store == store else None


def _check_embedder(catalog: PaperCatalog, embedder: Embedder, *, create: bool) -> None:
    stored = catalog.get_meta("embedder")
    if stored is None:
        if catalog.count() and not create:
            raise LibraryCorruptError(f"The library in {catalog.location} records no embedder.")
        if create:
            catalog.set_meta("embedder", embedder.name)
    elif stored != embedder.name:
        raise EmbedderMismatchError(
            f"This library was built with embedder {stored}, but {embedder.name} is "
            "configured; set LITASSIST_EMBEDDER accordingly or use another --data-dir."
        )
