"""The vector-index probe, run in a child process: `python -m assistant.store.vector_probe`.

Garbage in an HNSW segment file (`chroma/<uuid>/data_level0.bin`) makes Chroma's native code
crash the whole process with SIGSEGV the first time the collection is used, so nothing that
must survive may open a segment it has not seen work.  This module is that first use, in a
process of its own: it opens the collection, counts it, and queries a sample of the vectors
the catalog keeps (`kept_vectors.py`), checking that each finds itself first.  A crash kills
only this child; a segment folder deleted or a `data_level0.bin` cut short (where Chroma
silently serves a partial index) shows as vectors that do not find themselves.  Only the
sampled vectors the index lists, from the paper version the catalog holds, are judged: a
vector missing from it or embedded from another version cannot find its kept copy, and is a
missing or stale vector that `health.py` reports (and repairs) by name, not index damage.

It prints one JSON object on stdout: `{"vectors": N, "sampled": S, "found": F}` or
`{"error": "..."}` (exit 0 either way); the parent (`vector_guard.probe`) judges it.

For speed it drives `chromadb_rust_bindings` directly: importing the `chromadb` package takes
1-3 s, the bindings 0.3 s, and the probe runs whenever the segment files changed.  Those
bindings are chromadb's internal API; if their shape ever changes, the probe falls back to the
public `chromadb.PersistentClient` (slower, same checks).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
from pathlib import Path
from typing import Any

TENANT = "default_tenant"
DATABASE = "default_database"
NEIGHBOURS = 10
# A vector "finds itself" when it is among the nearest NEIGHBOURS at (up to rounding) the
# smallest distance: an exact duplicate chunk may tie with it.
TIE = 1e-4
Distances = list[list[float]]
Meta = tuple[str | None, str | None]  # (paper id, content hash) a vector was stored with


def vector_meta(meta: Any) -> Meta:
    """(paper id, content hash) of a vector's metadata, None where absent or not a string.
    (Here, not in vectors.py, so that the probe needs no `chromadb` import; vectors.py and
    health.py read metadata and judge versions by these two functions too.)"""
    meta = dict(meta or {})
    paper, digest = meta.get("paper_id"), meta.get("content_hash")
    return (
        paper if isinstance(paper, str) else None,
        digest if isinstance(digest, str) else None,
    )


def embedded_from(stored: Meta, paper_id: str | None, content_hash: str | None) -> bool:
    """Whether a vector stored with `stored` was embedded from this version of this paper (a
    vector from before content hashes were stored has none, and is taken as current)."""
    owner, digest = stored
    return owner == paper_id and digest in (None, content_hash)


class _Bindings:
    """The few calls the probe needs, through chromadb's Rust bindings."""

    def __init__(self, chroma_dir: Path, collection: str) -> None:
        import resource

        import chromadb_rust_bindings as rust  # type: ignore[import-untyped]  # chromadb's native module ships no stubs

        config = rust.SqliteDBConfig(
            hash_type=rust.MigrationHash.MD5,  # chromadb's default settings
            migration_mode=rust.MigrationMode.Apply,
            url=str(chroma_dir / "chroma.sqlite3"),
        )
        self._rust = rust.Bindings(
            allow_reset=False,
            sqlite_db_config=config,
            persist_path=str(chroma_dir),
            hnsw_cache_size=max(1, resource.getrlimit(resource.RLIMIT_NOFILE)[0] // 5),
        )
        self._id = str(self._rust.get_collection(collection, TENANT, DATABASE).id)

    def count(self) -> int:
        return int(self._rust.count(self._id, TENANT, DATABASE))

    def embeddings(self, ids: list[str]) -> dict[str, list[float]]:
        got = self._rust.get(self._id, ids, None, None, 0, None, ["embeddings"], TENANT, DATABASE)
        return {cid: list(map(float, e)) for cid, e in zip(got.ids, got.embeddings, strict=True)}

    def metadatas(self, ids: list[str]) -> dict[str, Meta]:
        got = self._rust.get(self._id, ids, None, None, 0, None, ["metadatas"], TENANT, DATABASE)
        return {cid: vector_meta(m) for cid, m in zip(got.ids, got.metadatas or [], strict=True)}

    def query(self, vectors: list[list[float]], n: int) -> tuple[list[list[str]], Distances]:
        got = self._rust.query(
            self._id, None, vectors, n, None, None, ["distances"], TENANT, DATABASE
        )
        return got.ids, got.distances


class _Client:
    """The same calls through chromadb's public client (the fallback)."""

    def __init__(self, chroma_dir: Path, collection: str) -> None:
        import chromadb
        from chromadb.config import Settings

        client = chromadb.PersistentClient(
            path=str(chroma_dir), settings=Settings(anonymized_telemetry=False)
        )
        self._collection = client.get_collection(collection, embedding_function=None)

    def count(self) -> int:
        return int(self._collection.count())

    def embeddings(self, ids: list[str]) -> dict[str, list[float]]:
        got = self._collection.get(ids=ids, include=["embeddings"])
        found = got["embeddings"] if got["embeddings"] is not None else []
        return {cid: list(map(float, e)) for cid, e in zip(got["ids"], found, strict=True)}

    def metadatas(self, ids: list[str]) -> dict[str, Meta]:
        got = self._collection.get(ids=ids, include=["metadatas"])
        metas = got["metadatas"] or []
        return {cid: vector_meta(m) for cid, m in zip(got["ids"], metas, strict=True)}

    def query(self, vectors: list[list[float]], n: int) -> tuple[list[list[str]], Distances]:
        got = self._collection.query(
            query_embeddings=vectors,  # type: ignore[arg-type]  # lists of floats, which chroma takes
            n_results=n,
            include=["distances"],
        )
        return got["ids"], got["distances"] or []


def _open(chroma_dir: Path, collection: str) -> Any:
    try:
        return _Bindings(chroma_dir, collection)
    except (ImportError, AttributeError, TypeError):  # the internal API moved: public client
        return _Client(chroma_dir, collection)


def sample_from_catalog(
    catalog: Path, size: int
) -> tuple[list[str], list[list[float]] | None, dict[str, Meta]]:
    """(chunk ids, their kept vectors, chunk id -> (paper id, content hash) they were kept
    for) of up to `size` random chunks of indexed papers.

    Without kept vectors (a library from an older litassist) the vectors are None, the map
    empty, and the probe asks Chroma for the stored embeddings of those ids instead.
    """
    uri = f"{catalog.resolve().as_uri()}?mode=ro"
    with sqlite3.connect(uri, uri=True, timeout=10) as db:
        has_kept = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chunk_vectors'"
        ).fetchone()
        if has_kept:
            rows = db.execute(
                "SELECT v.chunk_id, v.vector, p.id, p.content_hash FROM chunk_vectors v "
                "JOIN papers p ON p.id = v.paper_id AND p.content_hash = v.content_hash "
                "WHERE p.indexed_hash IS p.content_hash ORDER BY random() LIMIT ?",
                (size,),
            ).fetchall()
            if rows:
                import numpy as np

                vectors = [np.frombuffer(r[1], "<f2").astype(np.float32).tolist() for r in rows]
                return [r[0] for r in rows], vectors, {r[0]: (r[2], r[3]) for r in rows}
        ids = [
            r[0]
            for r in db.execute(
                "SELECT c.id FROM chunks c JOIN papers p ON p.id = c.paper_id "
                "WHERE p.indexed_hash IS p.content_hash"
            )
        ]
    return random.sample(ids, min(size, len(ids))), None, {}


def run(chroma_dir: Path, catalog: Path | None, collection: str, size: int) -> dict[str, Any]:
    index = _open(chroma_dir, collection)
    count = index.count()  # the first use: loads the segment (where a damaged one crashes)
    ids: list[str] = []
    vectors: list[list[float]] | None = None
    kept_for: dict[str, Meta] = {}
    if catalog is not None and catalog.exists():
        try:
            ids, vectors, kept_for = sample_from_catalog(catalog, size)
        except sqlite3.Error:
            ids = []  # a damaged catalog is reported by its own check
    if vectors is not None and kept_for:  # missing and stale vectors: health.py names those
        stored = index.metadatas(ids)  # from Chroma's SQLite, not from the segment judged
        judged = [
            n
            for n, cid in enumerate(ids)
            if cid in stored and embedded_from(stored[cid], *kept_for[cid])
        ]
        ids, vectors = [ids[n] for n in judged], [vectors[n] for n in judged]
    missing = 0  # sampled ids Chroma does not have at all
    if vectors is None and ids:
        stored = index.embeddings(ids)
        missing = len(ids) - len(stored)
        ids = list(stored)
        vectors = [stored[cid] for cid in ids]
    found = 0
    if ids and vectors and count:
        hits, distances = index.query(vectors, min(NEIGHBOURS, count))
        for cid, row, dist in zip(ids, hits, distances, strict=True):
            if cid in row and dist[row.index(cid)] <= min(dist) + TIE:
                found += 1
    return {"vectors": count, "sampled": len(ids) + missing, "found": found}


def main(argv: list[str]) -> int:
    chroma_dir, catalog, collection, size = argv
    try:
        result = run(Path(chroma_dir), Path(catalog) if catalog else None, collection, int(size))
    except Exception as exc:  # reported to the parent, which words the finding
        text = str(exc).strip().splitlines()
        result = {"error": f"{exc.__class__.__name__}: {text[0][:200] if text else ''}"}
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    raise SystemExit(main(sys.argv[1:]))
