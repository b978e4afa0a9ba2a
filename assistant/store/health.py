"""Consistency check of a library: catalog vs. vector store vs. saved BM25 index.

`inspect(library)` only reads.  It is what `litassist doctor` prints and what
`Library.repair(thorough=True)` acts on.  The catalog is the source of truth; the two indexes
are compared against it:

- pending papers: staged, their vectors not (or not yet) confirmed;
- orphan vectors: chunk vectors the catalog does not know (a removed or re-chunked paper);
- missing vectors: chunks of indexed papers without a vector;
- stale vectors: vectors embedded from another version of their paper (a crash or a race
  between writers on a server);
- BM25: the lexical rows and the saved snapshot are current, stale (a server client's cache
  behind the server), missing (not built yet), unreadable (a damaged snapshot), or
  inconsistent (rows for other chunks than the catalog's: edited by hand).  Stale and missing
  are normal (the next search catches up or builds it) and not counted as problems;
  unreadable and inconsistent are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

from assistant.errors import LibraryCorruptError

if TYPE_CHECKING:
    from assistant.store.library import Library

LexicalState = Literal["current", "stale", "missing", "unreadable", "inconsistent"]


@dataclass(frozen=True)
class LexicalStatus:
    state: LexicalState
    version: str | None  # of the saved index, when readable
    chunks: int | None


@dataclass(frozen=True)
class LibraryHealth:
    mode: str
    location: str
    catalog_version: str
    papers: int
    chunks: int
    vectors: int | None  # None: the vector store cannot be opened
    vector_error: str | None
    bm25: LexicalStatus
    pending: tuple[str, ...]
    orphan_vectors: tuple[str, ...]
    missing_vectors: tuple[str, ...]
    stale_vectors: tuple[str, ...]
    papers_to_reindex: tuple[str, ...]

    @property
    def consistent(self) -> bool:
        return not self.problems()

    def problems(self) -> list[str]:
        found: list[str] = []
        if self.vector_error:
            found.append(f"vector store unreadable: {self.vector_error.rstrip('.')}")
        if self.pending:
            found.append(f"{len(self.pending)} pending paper(s) (an interrupted write)")
        if self.orphan_vectors:
            found.append(f"{len(self.orphan_vectors)} orphan vector(s)")
        if self.missing_vectors:
            found.append(f"{len(self.missing_vectors)} missing vector(s)")
        if self.stale_vectors:
            found.append(f"{len(self.stale_vectors)} stale vector(s)")
        if self.bm25.state in ("unreadable", "inconsistent"):
            found.append(f"BM25 index {self.bm25.state}")
        return found

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["consistent"] = self.consistent
        data["problems"] = self.problems()
        for name in ("pending", "orphan_vectors", "missing_vectors", "stale_vectors"):
            data[name] = list(data[name])
        data.pop("papers_to_reindex")
        return data


def lexical_status(library: Library, chunk_ids: set[str], version: str) -> LexicalStatus:
    """The lexical index's rows and snapshot compared with the catalog (never rebuilds them)."""
    return library.lexical_status(chunk_ids, version)


def inspect(library: Library) -> LibraryHealth:
    catalog = library.catalog
    version = catalog.version()  # first: records read after it are at least this new
    hashes = catalog.content_hashes()
    owners = catalog.chunk_index()
    pending = {pid for pid, (content, indexed) in hashes.items() if content != indexed}
    vector_error: str | None = None
    stored: dict[str, tuple[str | None, str | None]] = {}
    try:
        stored = library.vectors.all_metadata()
    except LibraryCorruptError as exc:
        vector_error = str(exc)
    orphans = sorted(stored.keys() - owners.keys()) if vector_error is None else []
    missing: list[str] = []
    stale: list[str] = []
    if vector_error is None:
        for cid, pid in owners.items():
            if pid in pending:
                continue
            if cid not in stored:
                missing.append(cid)
                continue
            owner, digest = stored[cid]
            if owner != pid or (digest is not None and digest != hashes[pid][0]):
                stale.append(cid)
    reindex = pending | {owners[cid] for cid in missing} | {owners[cid] for cid in stale}
    return LibraryHealth(
        mode=library.mode,
        location=library.location,
        catalog_version=version,
        papers=len(hashes),
        chunks=len(owners),
        vectors=None if vector_error else len(stored),
        vector_error=vector_error,
        bm25=lexical_status(library, set(owners), version),
        pending=tuple(sorted(pending)),
        orphan_vectors=tuple(orphans),
        missing_vectors=tuple(sorted(missing)),
        stale_vectors=tuple(sorted(stale)),
        papers_to_reindex=tuple(sorted(reindex)),
    )
