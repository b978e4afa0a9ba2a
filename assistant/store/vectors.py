"""The dense index: one Chroma collection of chunk vectors, embedded on disk or on a server.

We compute embeddings ourselves (batched, with progress) and hand Chroma the vectors; the
collection still carries a registered `LitassistEmbeddingFunction` so its stored configuration
names our embedder instead of Chroma's default one (which would download a model), and a
Chroma server or another client sees which embedder built it.

Each chunk's metadata carries its paper id, offsets, year and the `content_hash` of the paper
version it was embedded from, so `litassist doctor` can tell stale vectors from current ones.
Every Chroma call goes through `VectorIndex._calling`, which turns a full disk, a read-only
folder or a vanished server into a one-line `LitassistError` (see `failures.py`).
"""

from __future__ import annotations

import contextlib
import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api.collection_configuration import CreateHNSWConfiguration
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.errors import (
    EmbedderMismatchError,
    LibraryCorruptError,
    LitassistError,
    StorageWriteError,
)
from assistant.redact import mask_url
from assistant.store.failures import Failure, classify, first_line, server_error, storage_error
from assistant.store.vector_probe import vector_meta
from assistant.types import Chunk

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from assistant.embedder import Embedder

COLLECTION = "litassist_chunks"
CHROMA_DIR = "chroma"
_PAGE = 5000
# chromadb's HTTP client never times out by default; a blackholed server would hang the TUI.
# Defaults: the settings' `connect_timeout` and `chroma_timeout` are passed in (wiring.py).
HTTP_TIMEOUT = 60.0
HTTP_CONNECT_TIMEOUT = 5.0
# The collection's index settings.  Tests lower `sync_threshold` (how many vectors Chroma
# buffers before it writes the HNSW segment files) so a small library has segment files on
# disk, as any library past 1,000 chunks does.
HNSW_CONFIG: CreateHNSWConfiguration = {"space": "cosine"}


@register_embedding_function
class LitassistEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of a litassist `Embedder`: its name is stored with the collection.

    It embeds text only; chroma's hints for `embedding_function=` ask for one that embeds
    images too, hence the `type: ignore[arg-type]` where it is passed.
    """

    def __init__(self, embedder_name: str, inner: Embedder | None = None) -> None:
        self.embedder_name = embedder_name
        self._inner = inner

    def __call__(self, input: Documents) -> Embeddings:
        if self._inner is None:
            raise LitassistError(f"Embedder {self.embedder_name} is not loaded in this process.")
        return list(self._inner.embed_documents(list(input)))

    @staticmethod
    def name() -> str:
        return "litassist"

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self.embedder_name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> LitassistEmbeddingFunction:
        return LitassistEmbeddingFunction(str(config.get("embedder", "")))

    def default_space(self) -> Space:
        return "cosine"


def make_client(
    data_dir: Path,
    chroma_url: str | None,
    *,
    connect_timeout: float = HTTP_CONNECT_TIMEOUT,
    read_timeout: float = HTTP_TIMEOUT,
) -> ClientAPI:
    """A Chroma client: HTTP when `chroma_url` is set (every request bounded by the timeouts,
    creating the client included), else persistent in `data_dir/chroma`."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        from assistant.store.chroma_http import http_client

        parsed = urlparse(chroma_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            shown = mask_url(chroma_url)
            raise LitassistError(f"Invalid Chroma URL {shown!r}; use http://host:port.")
        try:
            return http_client(
                parsed.hostname,
                parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
            )
        except Exception as exc:  # chromadb raises bare ValueError/ConnectError here
            raise server_error(exc, chroma_url, read_timeout) from exc
    try:
        return chromadb.PersistentClient(path=str(data_dir / CHROMA_DIR), settings=chroma_settings)
    except Exception as exc:
        kind = classify(exc)
        if kind is Failure.READ_ONLY:
            raise StorageWriteError(
                f"The vector store in {data_dir / CHROMA_DIR} is read-only ({first_line(exc)}); "
                "Chroma must write there even to search: make the data folder writable, or "
                "copy it somewhere writable. Nothing stored was touched."
            ) from exc
        if kind in (Failure.FULL, Failure.IO):
            raise storage_error(exc, f"the vector store in {data_dir / CHROMA_DIR}") from exc
        raise LibraryCorruptError(
            f"The vector store in {data_dir / CHROMA_DIR} cannot be opened "
            f"({first_line(exc)}); run `litassist doctor --repair` to rebuild it."
        ) from exc


def forget_embedded_clients() -> None:
    """Drop chromadb's per-path client cache (after the store folder was moved or rebuilt)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def translate_chroma_error(exc: Exception, location: str) -> Exception:
    """A one-line `LitassistError` for a failed Chroma call; bugs (TypeError, ...) pass as is."""
    if isinstance(exc, LitassistError):
        return exc
    kind = classify(exc)
    if kind is Failure.UNAVAILABLE:
        return server_error(exc, location)
    if kind is not Failure.OTHER:
        return storage_error(exc, location)
    if isinstance(exc, chromadb.errors.ChromaError) or type(exc) is Exception:
        return LitassistError(
            f"The vector store at {location} failed ({first_line(exc)}); "
            "run `litassist doctor --repair` to check and rebuild it."
        )
    return exc


class VectorIndex:
    """Chunk vectors in a Chroma collection, with `paper_id`, offsets and year as metadata."""

    def __init__(
        self,
        collection: Collection,
        location: str = "the vector store",
        client: ClientAPI | None = None,
    ) -> None:
        self._collection = collection
        self.location = location
        self._client = client

    def close(self) -> None:
        """Release the client: embedded, the process's shared Chroma system for this folder
        stops with its last client, so a later open reads the store as it is on disk now
        (another process may have rebuilt it meanwhile: `litassist doctor --repair`)."""
        client, self._client = self._client, None
        close = getattr(client, "close", None)
        if close is not None:
            # a failed release leaves nothing to save: the store is on disk
            with contextlib.suppress(Exception):
                close()

    @classmethod
    def open(
        cls,
        client: ClientAPI,
        embedder: Embedder,
        *,
        create: bool,
        name: str = COLLECTION,
        location: str = "the vector store",
    ) -> VectorIndex:
        function = LitassistEmbeddingFunction(embedder.name, embedder)
        try:
            if create:
                collection = client.get_or_create_collection(
                    name,
                    embedding_function=function,  # type: ignore[arg-type]  # text-only function: see LitassistEmbeddingFunction
                    metadata={"embedder": embedder.name},
                    configuration={"hnsw": CreateHNSWConfiguration(**HNSW_CONFIG)},
                )
            else:
                collection = client.get_collection(name, embedding_function=function)  # type: ignore[arg-type]  # text-only function: see LitassistEmbeddingFunction
        except ValueError as exc:
            if "embedding function" in str(exc).lower():
                raise EmbedderMismatchError(
                    f"The vector store was built by another embedding function ({exc})."
                ) from exc
            raise LibraryCorruptError(f"The vector store cannot be opened: {exc}.") from exc
        except Exception as exc:
            if exc.__class__.__name__ in ("NotFoundError", "InvalidCollectionException"):
                raise LibraryCorruptError(
                    f"The vector store in {location} has no litassist collection; "
                    "run `litassist doctor --repair` to rebuild it."
                ) from exc
            translated = translate_chroma_error(exc, location)
            if translated is not exc:
                raise translated from exc
            raise LibraryCorruptError(f"The vector store cannot be opened: {exc}.") from exc
        stored = (collection.metadata or {}).get("embedder")
        if stored and stored != embedder.name:
            raise EmbedderMismatchError(
                f"This library was built with embedder {stored}, but {embedder.name} is "
                f"configured; set LITASSIST_EMBEDDER back, or use a new --data-dir."
            )
        return cls(collection, location, client)

    @contextmanager
    def _calling(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            translated = translate_chroma_error(exc, self.location)
            if translated is exc:
                raise
            raise translated from exc

    def count(self) -> int:
        with self._calling():
            return int(self._collection.count())

    def all_ids(self) -> set[str]:
        return set(self.all_metadata())

    def all_metadata(self) -> dict[str, tuple[str | None, str | None]]:
        """chunk id -> (paper id, content hash it was embedded from), for every vector."""
        found: dict[str, tuple[str | None, str | None]] = {}
        offset = 0
        while True:
            with self._calling():
                page = self._collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
            for cid, meta in zip(page["ids"], page["metadatas"] or [], strict=True):
                found[cid] = vector_meta(meta)
            if len(page["ids"]) < _PAGE:
                return found
            offset += _PAGE

    def get_vectors(self, ids: Sequence[str]) -> dict[str, tuple[np.ndarray, str | None]]:
        """chunk id -> (its stored vector, the content hash it was embedded from)."""
        found: dict[str, tuple[np.ndarray, str | None]] = {}
        for start in range(0, len(ids), _PAGE):
            with self._calling():
                page = self._collection.get(
                    ids=list(ids[start : start + _PAGE]), include=["embeddings", "metadatas"]
                )
            embeddings = page["embeddings"] if page["embeddings"] is not None else []
            for cid, vector, meta in zip(
                page["ids"], embeddings, page["metadatas"] or [], strict=True
            ):
                digest = (meta or {}).get("content_hash")
                found[cid] = (
                    np.asarray(vector, dtype=np.float32),
                    digest if isinstance(digest, str) else None,
                )
        return found

    def upsert(
        self,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        years: Sequence[int | None],
        content_hashes: Sequence[str] | None = None,
    ) -> None:
        """Store chunk vectors; `content_hashes` names the paper version each was built from."""
        if not chunks:
            return
        hashes: Sequence[str | None] = content_hashes or [None] * len(chunks)
        metadatas: list[dict[str, Any]] = []
        for chunk, year, digest in zip(chunks, years, hashes, strict=True):
            meta: dict[str, Any] = {
                "paper_id": chunk.paper_id,
                "index": chunk.index,
                "start": chunk.start,
                "end": chunk.end,
            }
            if year is not None:
                meta["year"] = year
            if digest is not None:
                meta["content_hash"] = digest
            metadatas.append(meta)
        with self._calling():
            # No documents: the chunk text lives in the catalog and nothing reads it from
            # Chroma, whose full-text index of it cost 30% of every upsert and 5x the disk.
            self._collection.upsert(
                ids=[c.id for c in chunks],
                embeddings=vectors,
                metadatas=metadatas,  # type: ignore[arg-type]  # our dicts hold chroma's scalars
            )

    def delete_ids(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _PAGE):
            with self._calling():
                self._collection.delete(ids=list(ids[start : start + _PAGE]))

    def delete_papers(self, paper_ids: Sequence[str], keep: Sequence[str] = ()) -> None:
        """Delete every chunk of these papers except the ids in `keep`."""
        if not paper_ids:
            return
        with self._calling():
            found = self._collection.get(where={"paper_id": {"$in": list(paper_ids)}}, include=[])  # type: ignore[dict-item]  # a list[str] is a valid $in list
        stale = sorted(set(found["ids"]) - set(keep))
        self.delete_ids(stale)

    def query_many(self, vectors: Sequence[np.ndarray], n: int) -> list[list[tuple[str, float]]]:
        """`query` for several vectors in one request (no filter)."""
        if not vectors:
            return []
        with self._calling():
            result = self._collection.query(
                query_embeddings=list(vectors), n_results=n, include=["distances"]
            )
        distances = result.get("distances") or [[] for _ in vectors]
        return [
            [(cid, 1.0 - float(d)) for cid, d in zip(ids, dist, strict=True)]
            for ids, dist in zip(result["ids"], distances, strict=True)
        ]

    def query(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the `n` nearest chunks, best first."""
        # Chroma 1.x returns fewer than n_results (none for an empty collection) without
        # complaint, so no count() round trip first.
        with self._calling():
            result = self._collection.query(
                query_embeddings=[vector],
                n_results=n,
                where=where,
                include=["distances"],
            )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]
