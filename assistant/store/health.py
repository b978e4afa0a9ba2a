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
  unreadable and inconsistent are;
- the vector index itself: embedded, probed in a child process first (`vector_guard`: a
  damaged segment crashes Chroma's native code, and must crash the probe, not the doctor);
  on a server, in-process.  Either way a sample of kept vectors must find themselves, which
  catches a deleted segment or a half-cut `data_level0.bin` that counts and ids miss;
- unkept vectors: chunks of indexed papers whose vector the catalog does not keep (a
  library from an older litassist): a damaged index could not be rebuilt without
  re-embedding them.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

from assistant.errors import LibraryCorruptError
from assistant.store.vector_guard import MIN_FOUND, SAMPLE
from assistant.store.vector_probe import embedded_from

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
    kept_vectors: int = 0  # chunk vectors the catalog keeps
    unkept_vectors: int = 0  # chunks of indexed papers whose vector it does not keep
    probe: str = "not run"  # what the vector-index probe found ("ok: ..." or the problem)

    @property
    def consistent(self) -> bool:
        return not self.problems()

    def problems(self) -> list[str]:
        found: list[str] = []
        if self.vector_error:
            found.append(self.vector_error.rstrip("."))
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
        if self.unkept_vectors:
            found.append(
                f"{self.unkept_vectors} vector(s) not kept in the catalog (a library from an "
                "older litassist: a damaged index would need re-embedding)"
            )
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


def inspect(library: Library, *, probe: bool = False) -> LibraryHealth:
    """The library's health.  Embedded, the vector index is probed in a child process when
    its segment files changed since they were last seen working, or always with `probe`
    (`litassist doctor`)."""
    catalog = library.catalog
    version = catalog.version()  # first: records read after it are at least this new
    hashes = catalog.content_hashes()
    owners = catalog.chunk_index()
    pending = {pid for pid, (content, indexed) in hashes.items() if content != indexed}
    vector_error: str | None = None
    probe_line = "not run"
    stored: dict[str, tuple[str | None, str | None]] = {}
    if library.mode == "embedded" and (probe or library.vectors_changed()):
        result = library.probe_vectors()
        if result.ok:
            probe_line = f"ok ({result.found} of {result.sampled} sampled vectors find themselves)"
        else:
            probe_line = result.problem or "failed"
            vector_error = f"the vector index in {library.chroma_dir} is damaged: {probe_line}"
    if vector_error is None:
        try:
            stored = library.vectors.all_metadata()
            if library.mode == "server":
                probe_line = _self_find(library, owners, hashes, pending, set(stored))
                if not probe_line.startswith("ok"):
                    where = library.location
                    vector_error = f"the vector index on {where} is damaged: {probe_line}"
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
            if not embedded_from(stored[cid], pid, hashes[pid][0]):
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
        kept_vectors=catalog.kept_vector_count(),
        unkept_vectors=len(catalog.unkept_chunks()),
        probe=probe_line,
    )


def _self_find(
    library: Library,
    owners: dict[str, str],
    hashes: dict[str, tuple[str, str | None]],
    pending: set[str],
    present: set[str],
) -> str:
    """Server mode: query a sample of the indexed chunks the index lists; each must find
    itself (chunks it does not list are reported as missing vectors, not here).

    The query vectors are the kept copies when there are, else the server's own stored
    embeddings (a library from an older litassist).  Returns "ok (...)" or the problem.
    """
    indexed = sorted(cid for cid, pid in owners.items() if pid not in pending and cid in present)
    sample = random.sample(indexed, min(SAMPLE, len(indexed)))
    if not sample:
        return "ok (nothing indexed to sample)"
    kept = library.catalog.kept_vectors(sample)
    vectors = {
        cid: k.array() for cid, k in kept.items() if k.content_hash == hashes[owners[cid]][0]
    }
    others = [cid for cid in sample if cid not in vectors]
    if others:
        vectors.update({cid: v for cid, (v, _) in library.vectors.get_vectors(others).items()})
    found = 0
    ids = [cid for cid in sample if cid in vectors]
    answers = library.vectors.query_many([vectors[c] for c in ids], 10)
    for cid, hits in zip(ids, answers, strict=True):
        scores = dict(hits)
        if cid in scores and scores[cid] >= hits[0][1] - 1e-4:  # first, or tied first
            found += 1
    if found < MIN_FOUND * len(sample):
        return (
            f"only {found} of {len(sample)} sampled vectors find themselves in it: "
            "its segment is damaged or missing"
        )
    return f"ok ({found} of {len(sample)} sampled vectors find themselves)"
