"""Kept chunk vectors in server mode: a third collection, `litassist_vector_copies`.

The embedded catalog keeps each chunk's float16 vector in a table of its own
(`kept_vectors.py`); on a Chroma server the paper records live in `litassist_papers`, but the
vectors do not go there: Chroma cannot return some metadata keys and not others, so every
listing, hash scan and search would download them.  They go to a collection of their own, one
record per paper: the document is the base64 of the paper's chunk vectors (float16, in chunk
order), the metadata its content hash and chunk ids, the embedding a 2-d point derived from the
id (Chroma needs one; nothing searches it).

The copies are written before the papers are marked indexed (two requests, as Chroma has no
transactions): a writer dying in between leaves the papers pending and their copies ready, so
the next repair finishes them without re-embedding.  When the server's chunk collection is
deleted or damaged (what the server's administrator repairs by removing its segment), any
client's `litassist doctor --repair` rebuilds it from these copies.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from assistant.store.kept_vectors import KeptVector
from assistant.store.vectors import LitassistEmbeddingFunction, translate_chroma_error

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

COLLECTION = "litassist_vector_copies"
_FUNCTION = "litassist-vector-copies"
_PAGE = 500


def _point(paper_id: str) -> list[float]:
    """A stable, spread-out 2-d unit vector per id: cheap for Chroma's HNSW to insert."""
    digest = hashlib.blake2b(paper_id.encode("utf-8"), digest_size=8).digest()
    angle = int.from_bytes(digest, "little") / 2**64 * 2 * math.pi
    return [math.cos(angle), math.sin(angle)]


class ServerKeptVectors:
    """The `litassist_vector_copies` collection, created on the first write."""

    def __init__(self, client: ClientAPI, url: str) -> None:
        self._client = client
        self.location = url
        self._collection: Collection | None = None

    @contextmanager
    def _calling(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            translated = translate_chroma_error(exc, self.location)
            if translated is exc:
                raise
            raise translated from exc

    def _open(self, *, create: bool) -> Collection | None:
        if self._collection is not None:
            return self._collection
        function = LitassistEmbeddingFunction(_FUNCTION)
        try:
            if create:
                self._collection = self._client.get_or_create_collection(
                    COLLECTION,
                    embedding_function=function,  # type: ignore[arg-type]  # text-only function: see LitassistEmbeddingFunction
                    configuration={"hnsw": {"space": "l2"}},
                )
            else:
                self._collection = self._client.get_collection(
                    COLLECTION,
                    embedding_function=function,  # type: ignore[arg-type]  # text-only function: see LitassistEmbeddingFunction
                )
        except Exception as exc:
            if not create and exc.__class__.__name__ in ("NotFoundError", "ValueError"):
                return None  # no copies yet (a library from an older litassist)
            translated = translate_chroma_error(exc, self.location)
            if translated is exc:
                raise
            raise translated from exc
        return self._collection

    def replace(self, vectors: Sequence[KeptVector]) -> None:
        """Store these vectors; each paper in `vectors` must come with all its chunks."""
        by_paper: dict[str, list[KeptVector]] = {}
        for vector in vectors:
            by_paper.setdefault(vector.paper_id, []).append(vector)
        if not by_paper:
            return
        collection = self._open(create=True)
        assert collection is not None
        ids, documents, metadatas, points = [], [], [], []
        for pid, rows in by_paper.items():
            ids.append(pid)
            documents.append(base64.b64encode(b"".join(r.data for r in rows)).decode("ascii"))
            metadatas.append(
                {
                    "content_hash": rows[0].content_hash,
                    "chunks": json.dumps([r.chunk_id for r in rows]),
                }
            )
            points.append(_point(pid))
        with self._calling():
            collection.upsert(
                ids=ids,
                documents=documents,
                metadatas=metadatas,  # type: ignore[arg-type]  # our dicts hold chroma's scalars
                embeddings=points,  # type: ignore[arg-type]  # lists of floats, which chroma takes
            )

    def delete(self, paper_ids: Sequence[str]) -> None:
        collection = self._open(create=False)
        if collection is None or not paper_ids:
            return
        with self._calling():
            collection.delete(ids=list(paper_ids))

    def load_papers(self, paper_ids: Iterable[str]) -> dict[str, KeptVector]:
        """chunk id -> kept vector, for every chunk of these papers that has a copy."""
        collection = self._open(create=False)
        unique = list(dict.fromkeys(paper_ids))
        found: dict[str, KeptVector] = {}
        if collection is None:
            return found
        for start in range(0, len(unique), _PAGE):
            with self._calling():
                page = collection.get(
                    ids=unique[start : start + _PAGE], include=["documents", "metadatas"]
                )
            for pid, doc, meta in zip(
                page["ids"], page["documents"] or [], page["metadatas"] or [], strict=True
            ):
                found.update({v.chunk_id: v for v in _unpack(pid, doc, meta)})
        return found

    def load(self, chunk_ids: Sequence[str]) -> dict[str, KeptVector]:
        # Chunk ids are `<paper id>#<index>` (rag.chunking.chunk_id).
        wanted = set(chunk_ids)
        papers = {cid.rsplit("#", 1)[0] for cid in wanted}
        return {cid: v for cid, v in self.load_papers(papers).items() if cid in wanted}

    def _metadatas(self) -> Iterator[tuple[str, Any]]:
        collection = self._open(create=False)
        if collection is None:
            return
        offset = 0
        while True:
            with self._calling():
                page = collection.get(include=["metadatas"], limit=_PAGE * 10, offset=offset)
            yield from zip(page["ids"], page["metadatas"] or [], strict=True)
            if len(page["ids"]) < _PAGE * 10:
                return
            offset += _PAGE * 10

    def hashes(self) -> dict[str, str]:
        """paper id -> the content hash its copy was made from, for every copy."""
        return {pid: str((meta or {}).get("content_hash")) for pid, meta in self._metadatas()}

    def count(self) -> int:
        """Chunk vectors kept (current or not)."""
        total = 0
        for _, meta in self._metadatas():
            try:
                total += len(json.loads(str((meta or {})["chunks"])))
            except (KeyError, ValueError):
                continue
        return total


def _unpack(paper_id: str, document: str | None, meta: Any) -> list[KeptVector]:
    """A copy record back into its chunks' vectors; an unreadable record gives none."""
    try:
        chunks = json.loads(str((meta or {})["chunks"]))
        data = base64.b64decode(document or "", validate=True)
    except (KeyError, ValueError):
        return []
    if not chunks or len(data) % len(chunks):
        return []
    width = len(data) // len(chunks)
    digest = str(meta.get("content_hash"))
    return [
        KeptVector(cid, paper_id, digest, data[i * width : (i + 1) * width])
        for i, cid in enumerate(chunks)
    ]
