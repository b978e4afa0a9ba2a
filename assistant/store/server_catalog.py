"""The paper catalog on a Chroma server: what makes one library shared by several clients.

In server mode nothing but caches lives on the client: the paper records are a second Chroma
collection, `litassist_papers`, beside the chunk vectors (`litassist_chunks`), so whatever
client A ingests, client B lists and searches.  One Chroma record per paper:

- document: the abstract;
- metadata: the keys we filter on (`doi`, `arxiv_id`, `title_key`, `citekey`, `pending`) and
  the hashes (`content_hash`: what the paper should be indexed as; `indexed_hash`: what its
  vectors were built from), plus `record`, a JSON object with the other fields and the chunk
  offsets `[[chunk id, start, end], ...]`;
- embedding: a 2-d point derived from the id (Chroma needs one; nothing searches it).

A record is self-contained, so writing one paper is one atomic upsert.  The collection's own
metadata holds the embedder name and a random `token` that every write replaces after the
records; `version()` is that token, so a client's BM25 cache (derived from these records) knows
it is stale.  A writer that dies between its upsert and the new token leaves its papers pending:
they reach other clients' BM25 when the next ingest (or the doctor) finishes them, which
replaces the token again.  Chroma offers no transactions or compare-and-set across records:
concurrent writers are kept safe by idempotent upserts keyed by paper id and deterministic
chunk ids, by the `pending` marker a write sets until its vectors are in, and by
`litassist doctor`, which finds and repairs what a rare race or a crash leaves behind.

The change log (collection `litassist_changes`) lets other clients follow writes without
downloading every record: after each write a writer appends an entry `{seq, papers: [ids]}`
with the next sequence number, and a client that last saw entry N reads the entries after N
and fetches just those papers (`lexical_sync`).  Sequence numbers are allocated without a
compare-and-set: the entry's id is its number, Chroma's `add` keeps the first record of an
id, and the writer reads its entry back to see whether its own nonce won (if not, it takes
the next number).  So numbers have no holes; a hole means the log was truncated (it keeps the
last `LOG_KEPT` entries) and the client rebuilds.  An entry is added after the records it
names, so a client that reads it sees them.  A writer that dies between the two leaves its
papers pending, and whoever finishes them (the next ingest, the doctor) logs them again.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from assistant import codec
from assistant.errors import LibraryNotFoundError, LitassistError
from assistant.store.kept_vectors import KeptVector
from assistant.store.lexical_docs import PaperText
from assistant.store.records import IndexedChunk, PaperRow, StagedPaper
from assistant.store.server_kept_vectors import ServerKeptVectors
from assistant.store.vectors import LitassistEmbeddingFunction, translate_chroma_error
from assistant.types import Chunk, Paper

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

PAPERS_COLLECTION = "litassist_papers"
CHANGES_COLLECTION = "litassist_changes"
# Change-log entries kept; a client further behind than this rebuilds its lexical cache.
LOG_KEPT = 5_000
_TRUNCATE_EVERY = 500  # entries between two truncations
_LOG_TRIES = 100
SCHEMA_VERSION = "1"
_PAGE = 1000
_IDS_PER_GET = 500
_RECORD_FUNCTION = "litassist-catalog"  # the registered function's name for this collection
# A search looks the same papers up twice (chunks, then papers); records read this recently are
# reused instead of fetched again.  Any write (seen through `version()`, which every BM25
# search calls first) clears them.
MEMO_SECONDS = 2.0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _point(paper_id: str) -> list[float]:
    """A stable, spread-out 2-d unit vector per id: cheap for Chroma's HNSW to insert."""
    digest = hashlib.blake2b(paper_id.encode("utf-8"), digest_size=8).digest()
    angle = int.from_bytes(digest, "little") / 2**64 * 2 * math.pi
    return [math.cos(angle), math.sin(angle)]


# Paper fields kept as metadata keys of their own (filtered on); the rest go into `record`.
_KEYED = ("doi", "arxiv_id", "citekey")


def _to_record(
    paper: Paper, title_key: str, chunks: Sequence[Chunk], added_at: str, pending: bool
) -> dict[str, Any]:
    # Every other field of `Paper` (`codec.to_dict`), so a new field is stored with no edit here.
    record = {
        **codec.to_dict(paper, omit=("id", "abstract", *_KEYED)),
        "chunks": [[c.id, c.start, c.end] for c in chunks],
        "added_at": added_at,
        "updated_at": _now(),
    }
    # None deletes a key on upsert (Chroma merges metadata), so cleared fields are cleared.
    return {
        **{name: getattr(paper, name) for name in _KEYED},
        "title_key": title_key,
        "content_hash": paper.content_hash,
        "pending": pending,
        "record": json.dumps(record, ensure_ascii=False),
    }


def _from_record(paper_id: str, abstract: str | None, meta: Mapping[str, Any]) -> Paper:
    record = json.loads(str(meta["record"]))
    keyed = {name: meta.get(name) for name in _KEYED}
    return codec.from_dict(Paper, {**record, **keyed}, id=paper_id, abstract=abstract or "")


def _chunks(paper: Paper, meta: Mapping[str, Any]) -> list[Chunk]:
    spans = json.loads(str(meta["record"]))["chunks"]
    return [
        Chunk(cid, paper.id, index, paper.abstract[start:end], start, end)
        for index, (cid, start, end) in enumerate(spans)
    ]


class ServerCatalog:
    """Paper records in the `litassist_papers` collection of a Chroma server."""

    def __init__(self, client: ClientAPI, collection: Collection, url: str) -> None:
        self._client = client
        self._collection = collection
        self.location = url
        self.collection_id = str(collection.id)
        self._memo: dict[str, tuple[str | None, Mapping[str, Any]]] = {}
        self._memo_at = 0.0
        self._seen_token: str | None = None
        self._kept = ServerKeptVectors(client, url)
        self._changes: Collection | None = None
        self._log_head = 0  # the highest entry this client knows of
        self._logged: set[str] = set()  # staged papers whose change this client has logged

    @classmethod
    def open(cls, client: ClientAPI, url: str, *, create: bool = False) -> ServerCatalog:
        function = LitassistEmbeddingFunction(_RECORD_FUNCTION)
        try:
            if create:
                collection = client.get_or_create_collection(
                    PAPERS_COLLECTION,
                    embedding_function=function,  # type: ignore[arg-type]  # text-only function: see vectors.LitassistEmbeddingFunction
                    metadata={"schema": SCHEMA_VERSION, "token": uuid.uuid4().hex},
                    configuration={"hnsw": {"space": "l2"}},
                )
            else:
                collection = client.get_collection(PAPERS_COLLECTION, embedding_function=function)  # type: ignore[arg-type]  # text-only function: see vectors.LitassistEmbeddingFunction
        except Exception as exc:
            if exc.__class__.__name__ in ("NotFoundError", "InvalidCollectionException"):
                raise LibraryNotFoundError(
                    f"No library on the Chroma server at {url}; "
                    "add papers with `litassist ingest FILE` first."
                ) from exc
            raise _translated(exc, url) from exc
        if (collection.metadata or {}).get("schema") != SCHEMA_VERSION:
            raise LitassistError(
                f"The paper collection on {url} has an unknown schema; "
                "it was made by another version of litassist."
            )
        return cls(client, collection, url)

    def close(self) -> None:
        """Nothing to release: the HTTP client is shared with the vector index."""

    @contextmanager
    def _calling(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            translated = translate_chroma_error(exc, self.location)
            if translated is exc:
                raise
            raise translated from exc

    # ---- meta ---------------------------------------------------------------------------
    def _metadata(self) -> dict[str, Any]:
        """The collection's metadata as the server has it now (not as we opened it)."""
        with self._calling():
            fresh = self._client.get_collection(
                PAPERS_COLLECTION,
                embedding_function=LitassistEmbeddingFunction(_RECORD_FUNCTION),  # type: ignore[arg-type]  # text-only function: see vectors.LitassistEmbeddingFunction
            )
        return dict(fresh.metadata or {})

    def get_meta(self, key: str) -> str | None:
        value = self._metadata().get(key)
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        # Chroma replaces a collection's metadata as a whole: read, merge, write.
        merged = {**self._metadata(), key: value}
        with self._calling():
            self._collection.modify(metadata=merged)

    def _bump(self) -> None:
        self._memo = {}
        merged = {**self._metadata(), "token": uuid.uuid4().hex, "log_head": self._log_head}
        with self._calling():
            self._collection.modify(metadata=merged)

    # ---- the change log -----------------------------------------------------------------
    def _log_collection(self) -> Collection:
        if self._changes is None:
            with self._calling():
                self._changes = self._client.get_or_create_collection(
                    CHANGES_COLLECTION,
                    embedding_function=LitassistEmbeddingFunction(_RECORD_FUNCTION),  # type: ignore[arg-type]  # text-only function: see vectors.LitassistEmbeddingFunction
                    configuration={"hnsw": {"space": "l2"}},
                )
        return self._changes

    def _entries_after(self, seq: int) -> list[tuple[int, list[str]]]:
        """(seq, paper ids) of every entry after `seq`, in order."""
        log = self._log_collection()
        found: list[tuple[int, list[str]]] = []
        offset = 0
        while True:
            with self._calling():
                page = log.get(
                    where={"seq": {"$gt": seq}},  # type: ignore[dict-item]  # chroma's Where alias rejects a literal operator dict
                    include=["metadatas"],
                    limit=_PAGE,
                    offset=offset,
                )
            for meta in page["metadatas"] or []:
                found.append((int(str(meta["seq"])), json.loads(str(meta["papers"]))))
            if len(page["ids"]) < _PAGE:
                return sorted(found)
            offset += _PAGE

    def change_head(self) -> int:
        """The last entry of the change log (0: none)."""
        start = self._log_head
        if not start:  # first write of this client: start from the head others recorded
            hint = self._metadata().get("log_head", 0)
            start = int(hint) if isinstance(hint, int) else 0
        entries = self._entries_after(start)
        self._log_head = entries[-1][0] if entries else start
        return self._log_head

    def changes_since(self, seq: int) -> tuple[int, list[str]] | None:
        """(last entry, papers changed after entry `seq`), or None when entries after `seq`
        were truncated from the log (the caller must rebuild)."""
        entries = self._entries_after(seq)
        if not entries:
            return seq, []
        numbers = [number for number, _ in entries]
        if numbers != list(range(seq + 1, seq + 1 + len(numbers))):
            return None
        papers = sorted({pid for _, ids in entries for pid in ids})
        self._log_head = max(self._log_head, numbers[-1])
        return numbers[-1], papers

    def _log(self, paper_ids: Sequence[str]) -> None:
        """Append an entry naming these papers, with the next free sequence number."""
        if not paper_ids:
            return
        log = self._log_collection()
        papers = json.dumps(sorted(set(paper_ids)), ensure_ascii=False)
        seq = self.change_head() + 1
        for _ in range(_LOG_TRIES):
            entry, nonce = f"{seq:012d}", uuid.uuid4().hex
            with self._calling():
                log.add(
                    ids=[entry],
                    embeddings=[_point(entry)],  # type: ignore[arg-type]  # lists of floats, which chroma takes
                    metadatas=[{"seq": seq, "nonce": nonce, "papers": papers}],
                )
                stored = log.get(ids=[entry], include=["metadatas"])["metadatas"] or []
            if stored and stored[0].get("nonce") == nonce:
                break
            seq = max(seq, self.change_head()) + 1  # another writer took it
        else:  # pragma: no cover - a hundred writers in a row beat us
            raise LitassistError(f"Cannot append to the change log on {self.location}.")
        self._log_head = seq
        if seq % _TRUNCATE_EVERY == 0 and seq > LOG_KEPT:
            with self._calling():
                log.delete(where={"seq": {"$lte": seq - LOG_KEPT}})  # type: ignore[dict-item]  # chroma's Where alias rejects a literal operator dict

    def version(self) -> str:
        """The write token: replaced by every write of papers."""
        token = self.get_meta("token") or ""
        if token != self._seen_token:  # someone wrote: recently read records may be old
            self._memo = {}
            self._seen_token = token
        return token

    # ---- reading ------------------------------------------------------------------------
    def count(self) -> int:
        with self._calling():
            return int(self._collection.count())

    def _get(
        self, ids: Iterable[str], *, documents: bool = True
    ) -> Iterator[tuple[str, str | None, Mapping[str, Any]]]:
        unique = list(dict.fromkeys(ids))
        include: list[Any] = ["metadatas", "documents"] if documents else ["metadatas"]
        for start in range(0, len(unique), _IDS_PER_GET):
            with self._calling():
                page = self._collection.get(
                    ids=unique[start : start + _IDS_PER_GET], include=include
                )
            docs: Sequence[str | None] = page.get("documents") or [None] * len(page["ids"])
            yield from zip(page["ids"], docs, page["metadatas"] or [], strict=True)

    def _get_recent(self, ids: Iterable[str]) -> list[tuple[str, str | None, Mapping[str, Any]]]:
        """Like `_get`, reusing records read in the last `MEMO_SECONDS` (read paths only)."""
        unique = list(dict.fromkeys(ids))
        now = time.monotonic()
        memo = self._memo if now - self._memo_at < MEMO_SECONDS else {}
        found = [(pid, *memo[pid]) for pid in unique if pid in memo]
        fetched = list(self._get([pid for pid in unique if pid not in memo]))
        self._memo = {pid: (doc, meta) for pid, doc, meta in fetched}
        self._memo_at = now
        return found + fetched

    def _all(
        self, *, documents: bool = True, where: dict[str, Any] | None = None
    ) -> Iterator[tuple[str, str | None, Mapping[str, Any]]]:
        include: list[Any] = ["metadatas", "documents"] if documents else ["metadatas"]
        offset = 0
        while True:
            with self._calling():
                page = self._collection.get(
                    where=where, include=include, limit=_PAGE, offset=offset
                )
            docs: Sequence[str | None] = page.get("documents") or [None] * len(page["ids"])
            yield from zip(page["ids"], docs, page["metadatas"] or [], strict=True)
            if len(page["ids"]) < _PAGE:
                return
            offset += _PAGE

    def _all_ids(self) -> Iterator[str]:
        offset = 0
        while True:
            with self._calling():
                page = self._collection.get(include=[], limit=_PAGE * 10, offset=offset)
            yield from page["ids"]
            if len(page["ids"]) < _PAGE * 10:
                return
            offset += _PAGE * 10

    def _where_ids(self, where: dict[str, Any], limit: int | None = None) -> list[str]:
        with self._calling():
            page = self._collection.get(where=where, include=[], limit=limit)
        return list(page["ids"])

    def get(self, paper_id: str) -> Paper | None:
        """The paper as stored now (never from the read memo: ingest plans with it)."""
        for pid, doc, meta in self._get([paper_id]):
            return _from_record(pid, doc, meta)
        return None

    def get_many(self, paper_ids: Iterable[str]) -> dict[str, Paper]:
        return {pid: _from_record(pid, doc, meta) for pid, doc, meta in self._get_recent(paper_ids)}

    def list_rows(self) -> list[PaperRow]:
        rows = []
        for pid, doc, meta in self._all():
            paper = _from_record(pid, doc, meta)
            record = json.loads(str(meta["record"]))
            indexed = meta.get("indexed_hash") == meta.get("content_hash")
            rows.append(
                PaperRow(
                    paper, len(record["chunks"]), indexed, record["added_at"], record["updated_at"]
                )
            )
        rows.sort(key=lambda r: (r.paper.year is None, -(r.paper.year or 0), r.paper.title.lower()))
        return rows

    def find_same(self, paper: Paper, title_key: str) -> Paper | None:
        """An already stored record of the same paper: same id, DOI, arXiv id or title."""
        same = self.get(paper.id)
        if same is not None:
            return same
        clauses: list[dict[str, Any]] = []
        if paper.doi:
            clauses.append({"doi": paper.doi})
        if paper.arxiv_id:
            clauses.append({"arxiv_id": paper.arxiv_id})
        if title_key:
            clauses.append({"title_key": title_key})
        if not clauses:
            return None
        where = clauses[0] if len(clauses) == 1 else {"$or": clauses}
        found = self._where_ids(where, limit=1)
        return self.get(found[0]) if found else None

    def resolve(self, ref: str) -> list[Paper]:
        """Papers matching a user's reference: exact id, citekey, DOI, or a unique id prefix."""
        exact = self.get(ref)
        if exact is not None:
            return [exact]
        for where in ({"citekey": ref}, {"doi": ref.lower()}, {"arxiv_id": ref}):
            ids = self._where_ids(where)
            if ids:
                return list(self.get_many(ids).values())
        prefixed = sorted(pid for pid in self._all_ids() if pid.startswith(ref))
        return list(self.get_many(prefixed[:20]).values())

    def content_hashes(self) -> dict[str, tuple[str, str | None]]:
        """paper id -> (content_hash, indexed_hash)."""
        return {
            pid: (str(meta["content_hash"]), meta.get("indexed_hash"))
            for pid, _, meta in self._all(documents=False)
        }

    def indexed_hashes(self, paper_ids: Sequence[str]) -> dict[str, str | None]:
        """paper id -> the content hash its stored vectors were built from (None: pending)."""
        return {
            pid: meta.get("indexed_hash") for pid, _, meta in self._get(paper_ids, documents=False)
        }

    def has_indexed(self) -> bool:
        """Whether any paper's vectors were ever confirmed stored (so the index must exist)."""
        return bool(self._where_ids({"pending": False}, limit=1))

    def pending_ids(self) -> list[str]:
        """Papers whose vectors are missing or stale (an interrupted write)."""
        return sorted(self._where_ids({"pending": True}))

    def chunk_index(self) -> dict[str, str]:
        """chunk id -> paper id, for every chunk."""
        index: dict[str, str] = {}
        for pid, _, meta in self._all(documents=False):
            for cid, _, _ in json.loads(str(meta["record"]))["chunks"]:
                index[cid] = pid
        return index

    def chunk_ids(self) -> set[str]:
        return set(self.chunk_index())

    def chunks_of(self, paper_ids: Sequence[str]) -> list[Chunk]:
        out: list[Chunk] = []
        for pid, doc, meta in sorted(self._get(paper_ids), key=lambda item: item[0]):
            out.extend(_chunks(_from_record(pid, doc, meta), meta))
        return out

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """The chunks with these ids that the catalog knows, text filled from the abstract."""
        wanted = set(chunk_ids)
        # Chunk ids are `<paper id>#<index>` (rag.chunking.chunk_id); ids the records do not
        # list are dropped below, so a malformed id only costs a lookup.
        papers = {cid.rsplit("#", 1)[0] for cid in wanted}
        found: dict[str, Chunk] = {}
        for pid, doc, meta in self._get_recent(papers):
            for chunk in _chunks(_from_record(pid, doc, meta), meta):
                if chunk.id in wanted:
                    found[chunk.id] = chunk
        return found

    def iter_indexed_chunks(self) -> Iterator[IndexedChunk]:
        """Every chunk with its paper's title and year, in a stable order."""
        records = sorted(self._all(), key=lambda item: item[0])
        for pid, doc, meta in records:
            paper = _from_record(pid, doc, meta)
            for chunk in _chunks(paper, meta):
                yield IndexedChunk(chunk, paper.title, paper.year)

    def iter_paper_texts(self, paper_ids: Sequence[str] | None = None) -> Iterator[PaperText]:
        """Each paper's title, year and chunks (all papers, streamed, or those of these ids
        that exist)."""
        records = self._all() if paper_ids is None else self._get(paper_ids)
        for pid, doc, meta in records:
            paper = _from_record(pid, doc, meta)
            yield PaperText(pid, paper.title, paper.year, _chunks(paper, meta))

    # ---- writing ------------------------------------------------------------------------
    def stage_many(self, items: Sequence[StagedPaper]) -> None:
        """Upsert paper records, pending unless their vectors already match; new token."""
        if not items:
            return
        latest = {paper.id: (paper, key, chunks) for paper, key, chunks in items}
        stored = {pid: meta for pid, _, meta in self._get(latest, documents=False)}
        ids, documents, metadatas, points = [], [], [], []
        for pid, (paper, key, chunks) in latest.items():
            before = stored.get(pid)
            added = json.loads(str(before["record"]))["added_at"] if before else _now()
            pending = (before or {}).get("indexed_hash") != paper.content_hash
            ids.append(pid)
            documents.append(paper.abstract)
            metadatas.append(_to_record(paper, key, chunks, added, pending))
            points.append(_point(pid))
        with self._calling():
            self._collection.upsert(
                ids=ids,
                embeddings=points,  # type: ignore[arg-type]  # lists of floats, which chroma takes
                documents=documents,
                metadatas=metadatas,  # type: ignore[arg-type]  # our dicts hold chroma's scalars
            )
        self._log(ids)
        self._logged.update(ids)
        self._bump()

    def mark_indexed(self, indexed: Mapping[str, str], vectors: Sequence[KeptVector] = ()) -> None:
        """Record the hash each paper's vectors were built from, if the record still has it;
        `vectors` (those papers' new chunk vectors) are kept first (`server_kept_vectors`)."""
        current = {
            pid: meta.get("content_hash") for pid, _, meta in self._get(indexed, documents=False)
        }
        done = [pid for pid, digest in indexed.items() if current.get(pid) == digest]
        if not done:
            return
        self._kept.replace([v for v in vectors if current.get(v.paper_id) == v.content_hash])
        with self._calling():
            self._collection.update(
                ids=done,
                metadatas=[{"indexed_hash": indexed[pid], "pending": False} for pid in done],
            )
        # Papers another process staged (and maybe died before logging) are logged now.
        self._log([pid for pid in done if pid not in self._logged])
        self._logged.difference_update(done)
        self._bump()  # closes the window a writer dying before its stage's bump leaves

    def mark_pending(self, paper_ids: Sequence[str]) -> None:
        self._memo = {}
        known = [pid for pid, _, _ in self._get(paper_ids, documents=False)]
        if not known:
            return
        with self._calling():
            self._collection.update(
                ids=known, metadatas=[{"indexed_hash": None, "pending": True} for _ in known]
            )

    def remove(self, paper_ids: Iterable[str]) -> int:
        known = [pid for pid, _, _ in self._get(paper_ids, documents=False)]
        if known:
            with self._calling():
                self._collection.delete(ids=known)
            self._log(known)
            self._bump()
            self._kept.delete(known)
        return len(known)

    # ---- kept vectors (see server_kept_vectors.py) --------------------------------------
    def keep_vectors(self, vectors: Sequence[KeptVector]) -> None:
        """Keep these vectors; each paper in `vectors` comes with all its chunks."""
        self._kept.replace(vectors)

    def kept_vectors(self, chunk_ids: Sequence[str]) -> dict[str, KeptVector]:
        return self._kept.load(chunk_ids)

    def unkept_chunks(self) -> list[tuple[str, str, str]]:
        """(chunk id, paper id, content hash) of indexed chunks whose vector is not kept."""
        copies = self._kept.hashes()
        out: list[tuple[str, str, str]] = []
        for pid, _, meta in sorted(self._all(documents=False), key=lambda item: item[0]):
            digest = str(meta["content_hash"])
            if meta.get("indexed_hash") != digest or copies.get(pid) == digest:
                continue
            spans = json.loads(str(meta["record"]))["chunks"]
            out.extend((cid, pid, digest) for cid, _, _ in spans)
        return out

    def kept_vector_count(self) -> int:
        return self._kept.count()

    def kept_vector_sample(self, n: int) -> list[KeptVector]:
        """Kept vectors of up to `n` indexed papers (one chunk each), current content only."""
        with self._calling():
            page = self._collection.get(where={"pending": False}, limit=n, include=["metadatas"])
        indexed = {
            pid: (meta or {}).get("indexed_hash")
            for pid, meta in zip(page["ids"], page["metadatas"] or [], strict=True)
        }
        found: dict[str, KeptVector] = {}
        for vector in self._kept.load_papers(indexed).values():
            if vector.content_hash == indexed.get(vector.paper_id):
                found.setdefault(vector.paper_id, vector)
        return list(found.values())


def _translated(exc: Exception, url: str) -> Exception:
    translated = translate_chroma_error(exc, url)
    if translated is exc and not isinstance(exc, LitassistError):
        return LitassistError(f"The paper catalog on {url} failed: {exc}.")
    return translated
