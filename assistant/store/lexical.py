"""The lexical index: BM25 over each chunk's index terms (a title field and a text field), held
in memory and kept in step with its source (`lexical_docs`) change by change.

The index is two segments: a large *base* (compressed-column postings: for each term the chunks
that contain it, with the term's frequency in the title and in the text) and a small *delta* of
the chunks added since.  Catching up reads only what changed (`lexical_docs.changes`): new
chunks go to the delta, which is rebuilt (it is small); removed chunks of the base are masked.
When the delta outgrows a fraction of the base, both are merged into a new base (linear: the
postings of both are already in term order) and saved as a *snapshot* beside the library, so
the next process starts from it and catches up from there instead of reading every row.

Scores are computed at query time from term frequencies and the live collection's statistics,
so adding or removing chunks never requires recomputing stored scores (what made bm25s' index
a full rebuild on every write).  Ranking: BM25 with one length normalisation over a weighted
sum of the fields (the title's terms count `title_weight` times; with weight 1 this is plain
BM25 over "title. text").

Snapshots are saved in a folder of their own and published by atomically rewriting the
`CURRENT` pointer, so a reader never sees half of one; one process publishes at a time (a
non-blocking lock: a busy publisher means someone else is saving).  A saved snapshot names the
docs store it follows (`lexical_docs.store_id`), so a library rebuilt from scratch never
adopts an old one.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import math
import os
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.store.lexical_docs import Changes, DocRow
from assistant.store.lexical_tokens import tokenize

__all__ = ["LexicalIndex", "RankingParams", "tokenize"]

LEXICAL_DIR = "lexical"
POINTER = "CURRENT"
_SAVE_LOCK = ".save.lock"
_FORMAT = 1
# Merge the delta into the base when it holds more than this many chunks and this share of
# the base: small writes stay cheap, merges stay rare (amortised linear).
DELTA_MIN = 2_000
DELTA_SHARE = 0.05
_BATCH = 4_000  # rows turned into postings at a time (bounds the memory of a full build)


@dataclass(frozen=True)
class RankingParams:
    """BM25's parameters, chosen with the fusion on the tuning half of SciFact's train queries
    (`benchmarks/retrieval_scifact.py --sweep`; the README has both halves): the usual k1 and
    b, and a title term worth three occurrences in the text (titles are short and say what a
    paper is about)."""

    k1: float = 1.2
    b: float = 0.75
    title_weight: float = 3.0


@dataclass
class _Segment:
    """Chunks with their field lengths and term-ordered postings."""

    rows: np.ndarray  # int64, ascending: the lexical_docs row of each chunk
    chunk_ids: list[str]
    paper_ids: np.ndarray  # object
    years: np.ndarray  # int32, 0 where unknown
    len_title: np.ndarray  # float32
    len_body: np.ndarray  # float32
    ptr: np.ndarray  # int64, len = vocabulary size at build + 1
    docs: np.ndarray  # int32 chunk position per posting
    tf_title: np.ndarray  # float32
    tf_body: np.ndarray  # float32

    @classmethod
    def empty(cls) -> _Segment:
        return cls.build([], {}, [])

    @classmethod
    def build(cls, docs: Sequence[DocRow], vocab: dict[str, int], terms: list[str]) -> _Segment:
        """A segment of these rows; terms new to `vocab` are added to it (and to `terms`)."""
        parts = [
            _postings(docs[i : i + _BATCH], i, vocab, terms) for i in range(0, len(docs), _BATCH)
        ]
        if parts:
            term_ids, positions, tf_t, tf_b = (
                np.concatenate(column) for column in zip(*parts, strict=True)
            )
        else:
            term_ids = positions = np.zeros(0, np.int32)
            tf_t = tf_b = np.zeros(0, np.float32)
        return cls._from_postings(
            rows=np.array([d.id for d in docs], dtype=np.int64),
            chunk_ids=[d.chunk_id for d in docs],
            paper_ids=np.array([d.paper_id for d in docs], dtype=object),
            years=np.array([d.year or 0 for d in docs], dtype=np.int32),
            len_title=np.array(
                [d.title_terms.count(" ") + bool(d.title_terms) for d in docs], dtype=np.float32
            ),
            len_body=np.array(
                [d.body_terms.count(" ") + bool(d.body_terms) for d in docs], dtype=np.float32
            ),
            terms=term_ids,
            docs=positions,
            tf_title=tf_t,
            tf_body=tf_b,
            vocabulary=len(terms),
        )

    @classmethod
    def _from_postings(
        cls,
        *,
        terms: np.ndarray,
        docs: np.ndarray,
        tf_title: np.ndarray,
        tf_body: np.ndarray,
        vocabulary: int,
        **chunks: object,
    ) -> _Segment:
        # Stable sort: within a term, chunks keep their order.  Inputs made of term-sorted
        # runs (a merge) sort in linear time (timsort).
        order = np.argsort(terms, kind="stable")
        ptr = np.zeros(vocabulary + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=vocabulary), out=ptr[1:])
        return cls(
            ptr=ptr,
            docs=docs[order].astype(np.int32),
            tf_title=tf_title[order].astype(np.float32),
            tf_body=tf_body[order].astype(np.float32),
            **chunks,  # type: ignore[arg-type]  # the chunk-id arrays, passed through by name
        )

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def span(self, term: int) -> tuple[int, int]:
        """Where the term's postings are (empty for a term newer than this segment)."""
        if term + 1 >= len(self.ptr):
            return 0, 0
        return int(self.ptr[term]), int(self.ptr[term + 1])

    def postings(self, term: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if term + 1 >= len(self.ptr):
            empty = self.docs[:0]
            return empty, self.tf_title[:0], self.tf_body[:0]
        start, end = int(self.ptr[term]), int(self.ptr[term + 1])
        return self.docs[start:end], self.tf_title[start:end], self.tf_body[start:end]

    def term_column(self) -> np.ndarray:
        """The term id of every posting (the inverse of `ptr`)."""
        return np.repeat(np.arange(len(self.ptr) - 1, dtype=np.int32), np.diff(self.ptr))


def _postings(
    docs: Sequence[DocRow], first: int, vocab: dict[str, int], terms: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(term id, chunk position, title tf, text tf) of every (term, chunk) pair in `docs`
    (positions counted from `first`), in term order.  Vectorised: no Python loop per term."""
    titles = [d.title_terms.split() for d in docs]
    bodies = [d.body_terms.split() for d in docs]
    flat = list(itertools.chain(itertools.chain.from_iterable(titles), *bodies))
    if not flat:
        nothing = np.zeros(0, dtype=np.int32)
        return nothing, nothing, nothing.astype(np.float32), nothing.astype(np.float32)
    for term in sorted(set(flat).difference(vocab)):
        vocab[term] = len(terms)
        terms.append(term)
    ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
    count = len(docs)
    where = np.arange(count, dtype=np.int64)
    position = np.concatenate(
        [np.repeat(where, [len(t) for t in titles]), np.repeat(where, [len(b) for b in bodies])]
    )
    is_body = np.zeros(len(flat), dtype=np.int64)
    is_body[sum(len(t) for t in titles) :] = 1
    # One key per (term, chunk, field), sorted by term first: unique counts are frequencies.
    keys, counts = np.unique((ids * count + position) * 2 + is_body, return_counts=True)
    pairs = keys >> 1
    starts = np.r_[True, pairs[1:] != pairs[:-1]]
    group = np.cumsum(starts) - 1
    unique_pairs = pairs[starts]
    tf_title = np.zeros(len(unique_pairs), dtype=np.float32)
    tf_body = np.zeros(len(unique_pairs), dtype=np.float32)
    body = (keys & 1).astype(bool)
    tf_title[group[~body]] = counts[~body]
    tf_body[group[body]] = counts[body]
    return (
        (unique_pairs // count).astype(np.int32),
        (unique_pairs % count + first).astype(np.int32),
        tf_title,
        tf_body,
    )


@dataclass(frozen=True)
class _Prepared:
    params: RankingParams
    count: int  # live chunks
    all_alive: bool  # no removed chunk left in the base
    norms: tuple[np.ndarray, np.ndarray]  # per chunk of the base, of the delta
    tfs: tuple[np.ndarray, np.ndarray]  # per posting of the base, of the delta


@dataclass
class _Mask:
    base: np.ndarray | None
    delta: np.ndarray | None


@dataclass
class LexicalIndex:
    """BM25 over the chunks of one docs store; follow it with `catch_up`."""

    store: str = ""  # the docs store followed (lexical_docs.store_id)
    params: RankingParams = field(default_factory=RankingParams)
    terms: list[str] = field(default_factory=list)
    vocab: dict[str, int] = field(default_factory=dict)
    base: _Segment = field(default_factory=_Segment.empty)
    base_alive: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    delta_rows: dict[int, DocRow] = field(default_factory=dict)
    delta: _Segment = field(default_factory=_Segment.empty)
    last_doc: int = 0
    last_gone: int = 0
    _ready: _Prepared | None = field(default=None, repr=False)
    # Workers of the TUI search while another catches up: one at a time changes or reads it.
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    # ---- following the source -------------------------------------------------------------
    def catch_up(self, changes: Changes) -> None:
        """Apply what changed since this index's state; the delta is rebuilt if it moved."""
        with self._lock:
            self._catch_up(changes)

    def _catch_up(self, changes: Changes) -> None:
        moved = False
        for row in changes.added:
            if row.id <= self.last_doc:
                continue  # already held
            self.delta_rows[row.id] = row
            moved = True
        for gone in changes.gone:
            if self.delta_rows.pop(gone, None) is not None:
                moved = True
                continue
            at = int(np.searchsorted(self.base.rows, gone))
            if at < len(self.base.rows) and self.base.rows[at] == gone:
                self.base_alive[at] = False
        self.last_doc = max(self.last_doc, changes.last_doc)
        self.last_gone = max(self.last_gone, changes.last_gone)
        if moved:
            self.delta = _Segment.build(list(self.delta_rows.values()), self.vocab, self.terms)
        self._ready = None

    def needs_merge(self) -> bool:
        dead = len(self.base) - int(self.base_alive.sum())
        small = max(DELTA_MIN, DELTA_SHARE * len(self.base))
        return len(self.delta_rows) > small or dead > small

    def merge(self) -> None:
        """Fold the delta and the removals into a new base (linear in the index's size)."""
        with self._lock:
            self._merge()

    def _merge(self) -> None:
        keep = self.base_alive
        base = self.base
        moved = np.cumsum(keep, dtype=np.int64) - 1
        kept_postings = keep[base.docs]
        delta = self.delta if self.delta_rows else _Segment.empty()
        offset = int(keep.sum())
        self.base = _Segment._from_postings(
            rows=np.concatenate([base.rows[keep], delta.rows]),
            chunk_ids=[c for c, k in zip(base.chunk_ids, keep, strict=True) if k] + delta.chunk_ids,
            paper_ids=np.concatenate([base.paper_ids[keep], delta.paper_ids]),
            years=np.concatenate([base.years[keep], delta.years]),
            len_title=np.concatenate([base.len_title[keep], delta.len_title]),
            len_body=np.concatenate([base.len_body[keep], delta.len_body]),
            terms=np.concatenate([base.term_column()[kept_postings], delta.term_column()]),
            docs=np.concatenate([moved[base.docs[kept_postings]], delta.docs + offset]),
            tf_title=np.concatenate([base.tf_title[kept_postings], delta.tf_title]),
            tf_body=np.concatenate([base.tf_body[kept_postings], delta.tf_body]),
            vocabulary=len(self.terms),
        )
        self.base_alive = np.ones(len(self.base), dtype=bool)
        self.delta_rows = {}
        self.delta = _Segment.empty()
        self._ready = None

    # ---- what it holds ----------------------------------------------------------------------
    @property
    def chunk_ids(self) -> list[str]:
        """The chunks held now (base chunks not removed, then the delta's)."""
        alive = [c for c, k in zip(self.base.chunk_ids, self.base_alive, strict=True) if k]
        return alive + self.delta.chunk_ids

    @property
    def state(self) -> tuple[int, str, int, int]:
        """Changes whenever what the index holds may have changed."""
        return (id(self.base), self.store, self.last_doc, self.last_gone)

    @property
    def document_count(self) -> int:
        return int(self.base_alive.sum()) + len(self.delta)

    def document_frequency(self, term: str) -> int:
        """How many chunks hold `term` (an index term, i.e. already tokenized)."""
        tid = self.vocab.get(term)
        if tid is None:
            return 0
        docs, _, _ = self.base.postings(tid)
        return int(np.count_nonzero(self.base_alive[docs])) + len(self.delta.postings(tid)[0])

    # ---- searching ----------------------------------------------------------------------------
    def mask(
        self, paper_ids: Iterable[str] | None, year_from: int | None, year_to: int | None
    ) -> _Mask | None:
        """Which chunks a filtered search may return (None: all)."""
        if paper_ids is None and year_from is None and year_to is None:
            return None
        wanted = None if paper_ids is None else np.array(list(paper_ids), dtype=object)

        def keep(segment: _Segment) -> np.ndarray:
            out = np.ones(len(segment), dtype=bool)
            if wanted is not None:
                out &= np.isin(segment.paper_ids, wanted)
            if year_from is not None:
                out &= segment.years >= year_from
            if year_to is not None:
                out &= (segment.years <= year_to) & (segment.years > 0)
            return out

        return _Mask(keep(self.base), keep(self.delta))

    def _prepared(self) -> _Prepared:
        """What a query needs besides postings, computed once per state and parameters."""
        p = self.params
        if self._ready is None or self._ready.params != p:
            w = p.title_weight
            alive = self.base_alive
            base = w * self.base.len_title + self.base.len_body
            delta = w * self.delta.len_title + self.delta.len_body
            count = self.document_count
            average = float(base[alive].sum() + delta.sum()) / count if count else 1.0
            scale = p.k1 / (average or 1.0)
            self._ready = _Prepared(
                params=p,
                count=count,
                all_alive=bool(alive.all()),
                norms=tuple(  # k1 * (1 - b + b * length / average), per chunk
                    (p.k1 * (1.0 - p.b) + p.b * scale * lengths).astype(np.float32)
                    for lengths in (base, delta)
                ),
                tfs=tuple(  # the weighted term frequency of every posting
                    (w * segment.tf_title + segment.tf_body).astype(np.float32)
                    for segment in (self.base, self.delta)
                ),
            )
        return self._ready

    def search(self, query: str, n: int, mask: _Mask | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the best `n` chunks with a positive score."""
        with self._lock:
            return self._search(query, n, mask)

    def _search(self, query: str, n: int, mask: _Mask | None) -> list[tuple[str, float]]:
        query_terms = Counter(t for t in tokenize([query])[0] if t in self.vocab)
        if not query_terms or n <= 0:
            return []
        ready = self._prepared()
        if not ready.count:
            return []
        k1_plus = self.params.k1 + 1.0
        alive = self.base_alive
        segments = (self.base, self.delta)
        scores = [np.zeros(len(self.base), np.float32), np.zeros(len(self.delta), np.float32)]
        for term, repeats in query_terms.items():
            tid = self.vocab[term]
            spans = [segment.span(tid) for segment in segments]
            base_docs = self.base.docs[spans[0][0] : spans[0][1]]
            df = len(base_docs) if ready.all_alive else int(np.count_nonzero(alive[base_docs]))
            df += spans[1][1] - spans[1][0]
            if not df:
                continue
            idf = math.log(1.0 + (ready.count - df + 0.5) / (df + 0.5)) * repeats
            for segment, (start, end), tfs, norms, out in zip(
                segments, spans, ready.tfs, ready.norms, scores, strict=True
            ):
                if start == end:
                    continue
                docs = segment.docs[start:end]
                tf = tfs[start:end]
                out[docs] += (idf * k1_plus) * tf / (tf + norms[docs])
        if not ready.all_alive:
            scores[0] *= alive
        if mask is not None:
            scores[0] *= mask.base if mask.base is not None else 1
            scores[1] *= mask.delta if mask.delta is not None else 1
        joined = np.concatenate(scores) if len(self.delta) else scores[0]
        n = min(n, len(joined))
        top = np.argpartition(-joined, n - 1)[:n]
        top = top[np.argsort(-joined[top], kind="stable")]
        top = top[joined[top] > 0]
        base_count = len(self.base)
        ids = self.base.chunk_ids
        delta_ids = self.delta.chunk_ids
        return [
            (ids[i] if i < base_count else delta_ids[i - base_count], score)
            for i, score in zip(top.tolist(), joined[top].tolist(), strict=True)
        ]

    # ---- snapshots ------------------------------------------------------------------------------
    def save(self, root: Path) -> bool:
        """Merge, then publish this index under `root`; False when another process is
        publishing one.  A file where the folder should be is replaced (it is ours).

        Raises OSError when the folder cannot be written (full disk, read-only).
        """
        with self._lock:
            if self.delta_rows or not self.base_alive.all():
                self._merge()
            return self._save(root)

    def _save(self, root: Path) -> bool:
        if root.exists() and not root.is_dir():
            root.unlink()
        root.mkdir(parents=True, exist_ok=True)
        with _publishing(root) as ours:
            if not ours:
                return False
            previous = _pointed(root)
            build = Path(tempfile.mkdtemp(prefix="build-", dir=root))
            base = self.base
            for name in ("rows", "years", "len_title", "len_body", "ptr", "docs"):
                np.save(build / f"{name}.npy", getattr(base, name))
            np.save(build / "tf_title.npy", base.tf_title)
            np.save(build / "tf_body.npy", base.tf_body)
            meta = {
                "format": _FORMAT,
                "store": self.store,
                "last_doc": self.last_doc,
                "last_gone": self.last_gone,
                "terms": self.terms,
                "chunk_ids": base.chunk_ids,
                "paper_ids": [str(p) for p in base.paper_ids],
            }
            (build / "index.json").write_text(json.dumps(meta), encoding="utf-8")
            pointer = root / f".{POINTER}.tmp"
            pointer.write_text(build.name, encoding="utf-8")
            os.replace(pointer, root / POINTER)
            # Keep the build a reader may still be loading; older ones go.
            for old in root.iterdir():
                if old.is_dir() and old.name not in (build.name, previous):
                    shutil.rmtree(old, ignore_errors=True)
        return True

    @classmethod
    def load(cls, root: Path, params: RankingParams | None = None) -> LexicalIndex:
        """Raises OSError, ValueError or KeyError when the snapshot is missing or unreadable."""
        build = root / (root / POINTER).read_text(encoding="utf-8").strip()
        meta = json.loads((build / "index.json").read_text(encoding="utf-8"))
        if meta.get("format") != _FORMAT:
            raise ValueError("lexical snapshot of another format")
        # Mapped, not read: a large snapshot opens at once.  As plain arrays, so slicing
        # postings pays no memmap bookkeeping per query.
        arrays = {
            name: np.asarray(np.load(build / f"{name}.npy", mmap_mode="r", allow_pickle=False))
            for name in (
                "rows", "years", "len_title", "len_body", "ptr", "docs", "tf_title", "tf_body"
            )
        }  # fmt: skip
        terms = [str(t) for t in meta["terms"]]
        chunk_ids = [str(c) for c in meta["chunk_ids"]]
        size = len(chunk_ids)
        if not (
            len(arrays["rows"]) == len(meta["paper_ids"]) == size
            and len(arrays["ptr"]) == len(terms) + 1
            and len(arrays["docs"]) == int(arrays["ptr"][-1])
            and (size == 0 or int(np.max(arrays["docs"], initial=0)) < size)
        ):
            raise ValueError("lexical snapshot arrays disagree")
        base = _Segment(
            chunk_ids=chunk_ids,
            paper_ids=np.array(meta["paper_ids"], dtype=object),
            **arrays,
        )
        return cls(
            store=str(meta["store"]),
            params=params or RankingParams(),
            terms=terms,
            vocab={t: i for i, t in enumerate(terms)},
            base=base,
            base_alive=np.ones(size, dtype=bool),
            last_doc=int(meta["last_doc"]),
            last_gone=int(meta["last_gone"]),
        )


def _pointed(root: Path) -> str | None:
    try:
        return (root / POINTER).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):  # missing, or not even text: nothing worth keeping
        return None


@contextlib.contextmanager
def _publishing(root: Path) -> Iterator[bool]:
    """An exclusive, non-blocking publish lock on `root`: yields False if someone holds it."""
    with open(root / _SAVE_LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
