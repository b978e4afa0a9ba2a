"""Library use cases: ingest, list, resolve, remove, search, doctor and repair, warm-up.

Every method may block on disk, network or model loading: the TUI calls them from thread
workers, the CLI directly.  Writes (ingest, remove, repair) take the library's write lock here,
so no front end has to; one ingest at a time per application.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from assistant.errors import LitassistError, PaperNotFoundError

if TYPE_CHECKING:
    from assistant.ingest import IngestReport
    from assistant.rag.retriever import SearchFilters
    from assistant.store.health import LibraryHealth
    from assistant.store.library import Library, RepairReport
    from assistant.store.recovery import FileCheck, Restored
    from assistant.types import Paper, PaperHit, PaperRow
    from assistant.wiring import Components

# The types the front ends annotate with (IngestReport, LibraryHealth, RepairReport, FileCheck,
# Restored) are named
# here for type checking only: the front ends import them from the application layer.
__all__ = ["DoctorResult", "LibraryUseCases", "Scope", "SearchMode"]

SearchMode = Literal["hybrid", "dense", "lexical"]
ProgressCallback = Callable[[int, int], None]
WRITE_LOCK_WAIT = 2.0  # seconds a write waits for another process's write to finish


@dataclass(frozen=True)
class Scope:
    """What a search or a question may draw on: a year range and/or some papers, each given as
    an id, citekey, DOI or unique id prefix (as `litassist papers` lists them), and/or
    collections (any of them, sub-collections included) and tags (all of them); see
    `assistant.labels` for how names match."""

    year_from: int | None = None
    year_to: int | None = None
    papers: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DoctorResult:
    """What `doctor` found, what a repair did, and the state after it.

    `files` are the data folder's SQLite files as checked for damaged pages (after any
    restore), `restored` what a repair restored from backups.  While the catalog itself is
    damaged the library cannot be opened: `before` and `after` are then None.
    """

    before: LibraryHealth | None
    after: LibraryHealth | None
    repair: RepairReport | None  # None: nothing was repaired (not asked, or nothing to do)
    files: list[FileCheck] = field(default_factory=list)
    restored: list[Restored] = field(default_factory=list)

    @property
    def damaged_files(self) -> list[FileCheck]:
        return [f for f in self.files if f.problem]

    @property
    def consistent(self) -> bool:
        return self.after is not None and self.after.consistent and not self.damaged_files


class LibraryUseCases:
    """The paper library, as both front ends use it."""

    def __init__(self, components: Components) -> None:
        self._components = components
        self._ingesting = threading.Lock()

    # ---- reading ------------------------------------------------------------------------------
    def open(self) -> None:
        """Open the library now (it is otherwise opened on first use), so a missing or
        unreadable one is reported before anything else happens.

        Raises:
            LibraryNotFoundError: no library yet.
            LitassistError: the library cannot be opened.
        """
        self._components.library()

    def count(self) -> int:
        """The number of papers, opening the library (and keeping it open).

        Raises:
            LibraryNotFoundError: no library yet.
            LitassistError: the library cannot be opened.
        """
        return self._components.library().catalog.count()

    def papers(self) -> list[PaperRow]:
        """Every paper with its bookkeeping, newest year first.

        Uses the open library if there is one, else reads the paper records alone (no vector
        store, no embedding model: `litassist papers` stays fast).

        Raises:
            LibraryNotFoundError: no library yet.
        """
        if self._components.has_library():
            return self._components.library().catalog.list_rows()
        catalog = self._components.open_catalog()
        try:
            return catalog.list_rows()
        finally:
            catalog.close()

    def resolve(self, refs: Iterable[str]) -> list[Paper]:
        """The papers meant by ids, citekeys, DOIs or unique id prefixes, in the order given.

        Raises:
            PaperNotFoundError: a reference matches no paper, or several.
        """
        catalog = self._components.library().catalog
        found: list[Paper] = []
        for ref in refs:
            matches = catalog.resolve(ref)
            if not matches:
                raise PaperNotFoundError(f"No paper matches {ref!r}; see `litassist papers`.")
            if len(matches) > 1:
                ids = ", ".join(m.id for m in matches[:5])
                raise PaperNotFoundError(
                    f"{ref!r} matches several papers ({ids}); be more specific."
                )
            found.append(matches[0])
        return found

    def filters(self, scope: Scope | None) -> SearchFilters | None:
        """The retriever's filters for `scope` (None: the whole library).

        Raises:
            PaperNotFoundError: a paper of the scope is not in the library.
        """
        if scope is None or scope == Scope():
            return None
        from assistant.rag.retriever import SearchFilters

        ids = tuple(p.id for p in self.resolve(scope.papers)) or None
        return SearchFilters(
            year_from=scope.year_from,
            year_to=scope.year_to,
            paper_ids=ids,
            collections=tuple(scope.collections),
            tags=tuple(scope.tags),
        )

    def labels(self) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """The collections and the tags in the library, each with its number of papers
        (collections as full paths, parents listed too), sorted by name: what the front ends
        offer as filters.

        Raises:
            LibraryNotFoundError: no library yet.
        """
        from collections import Counter

        collections: Counter[str] = Counter()
        tags: Counter[str] = Counter()
        for row in self.papers():
            parents: set[str] = set()
            for path in row.paper.collections:
                parts = path.split("/")
                parents.update("/".join(parts[: n + 1]) for n in range(len(parts)))
            collections.update(parents)
            tags.update(set(row.paper.tags))
        by_name = lambda pair: pair[0].casefold()  # noqa: E731
        return sorted(collections.items(), key=by_name), sorted(tags.items(), key=by_name)

    def search(
        self, query: str, k: int = 10, *, scope: Scope | None = None, mode: SearchMode = "hybrid"
    ) -> list[PaperHit]:
        """The `k` papers most relevant to `query`, each with its best passages.

        Args:
            query: free text; must not be empty.
            k: papers to return.
            scope: limits the search to some years or papers.
            mode: both retrievers fused (`hybrid`), or `dense` or `lexical` alone.

        Raises:
            LitassistError: an empty query, a missing library, an unknown paper in `scope`.
        """
        if not query.strip():
            raise LitassistError("The query is empty.")
        filters = self.filters(scope)
        return self._components.retriever().search(query, k, filters=filters, mode=mode)

    @staticmethod
    def excerpt(query: str, hit: PaperHit) -> str:
        """The sentence of `hit`'s best passage that best matches `query`, to show with it."""
        from assistant.rag.excerpt import best_sentence

        return best_sentence(query, hit.passages[0].chunk.text) if hit.passages else ""

    # ---- writing ------------------------------------------------------------------------------
    def ingest(
        self, paths: Iterable[Path], progress: ProgressCallback | None = None
    ) -> IngestReport:
        """Add the papers of files or folders to the library (created if missing).

        Args:
            paths: files or folders (BibTeX, RIS, CSL-JSON, JSONL, CSV, plain listings).
            progress: called with (papers done, papers in total) as batches are stored.

        Returns:
            What was added, updated, merged, left unchanged or skipped (with why).

        Raises:
            LitassistError: a path does not exist, another ingest is running here, or the
                library cannot be written (`LibraryBusyError`, `StorageWriteError`, ...).
        """
        from assistant.ingest import ingest
        from assistant.sources.reading import InputLimits

        paths = list(paths)
        for path in paths:
            if not Path(path).exists():
                raise LitassistError(f"No such file or folder: {path}.")
        if not self._ingesting.acquire(blocking=False):
            raise LitassistError("An ingest is already running; wait for it to finish.")
        try:
            settings = self._components.settings
            limits = InputLimits.of(settings.max_input_mb, settings.max_abstract_chars)
            library = self._components.library(create=True)
            return ingest(paths, library, progress=progress, limits=limits)
        finally:
            self._ingesting.release()

    def remove(self, refs: Iterable[str]) -> list[Paper]:
        """Remove papers (ids, citekeys, DOIs or unique id prefixes) and all their passages.

        Returns:
            The papers removed.

        Raises:
            PaperNotFoundError: a reference matches no paper or several (nothing is removed).
            LibraryBusyError: another process is writing to the library.
        """
        library = self._components.library()
        targets = self.resolve(refs)
        with library.write_lock(wait=WRITE_LOCK_WAIT):
            library.remove([p.id for p in targets])
            library.lexical()  # rebuilt now, not by the next search
        return targets

    def doctor(self, *, repair: bool = False) -> DoctorResult:
        """Check the data folder's SQLite files for damaged pages, probe the vector index in
        a child process, and check that the paper records, the vector store and the BM25
        index agree; with `repair`, restore damaged files from their newest sound backups
        (re-ingesting what changed since) and fix what the check finds (vectors restored
        from those the catalog keeps, orphans deleted, indexes rebuilt).

        Raises:
            LibraryNotFoundError: no library yet.
            LibraryBusyError: another process is writing to the library (repair only).
        """
        from assistant.store.recovery import CATALOG_FILE, check_files, recover

        data_dir = self._components.settings.data_dir
        files = check_files(data_dir)
        restored: list[Restored] = []
        damaged = [f for f in files if f.problem]
        if damaged and repair:
            self._components.close()  # nothing of ours stays open on a file being replaced
            restored = recover(
                data_dir,
                damaged,
                lambda: self._components.fresh_library(create=True),
                self._reingest,
            )
            files = check_files(data_dir)
        if any(f.problem for f in files if f.name == CATALOG_FILE):  # it cannot be opened
            return DoctorResult(None, None, None, files, restored)
        library = self._components.library()
        before = library.check(probe=True)
        if not repair or (before.consistent and before.bm25.state == "current"):
            return DoctorResult(before, before, None, files, restored)
        with library.write_lock(wait=WRITE_LOCK_WAIT):
            report = library.repair(thorough=True)
        return DoctorResult(before, library.check(probe=True), report, files, restored)

    def _reingest(self, files: list[Path], library: Library) -> object:
        """A recovery's replay of a recorded ingest, with this application's input limits."""
        from assistant.ingest import ingest
        from assistant.sources.reading import InputLimits

        settings = self._components.settings
        limits = InputLimits.of(settings.max_input_mb, settings.max_abstract_chars)
        return ingest(files, library, limits=limits)

    # ---- start-up -----------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load what the first question needs (engine, embedding model, vector store, BM25) now
        rather than when it is asked.  Never raises: a failure shows when a question meets it."""
        with contextlib.suppress(Exception):
            library = self._components.library()
            self._components.engine()
            library.embedder.embed_query("warm up")
            _ = library.vectors  # opens the Chroma client and collection
            library.lexical()
