"""How much one text says what another asks or claims: weighted term overlap and cosine.

Terms are the lexical index's own (lower-cased, stop words dropped, Snowball-stemmed), so the
overlap agrees with what BM25 retrieval matched.  Terms are weighted by inverse document
frequency over the library's passages: sharing "NASNet" says much more than sharing "dataset".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from assistant.store.lexical import LexicalIndex
    from assistant.store.library import Library


class TermWeights(Protocol):
    def weight(self, term: str) -> float: ...


class UniformWeights:
    """Every term counts the same (no library at hand, e.g. in unit tests)."""

    def weight(self, term: str) -> float:
        return 1.0


class IndexTermWeights:
    """BM25's idf, log(1 + (N - df + 0.5) / (df + 0.5)), over the passages of a lexical index.

    A term no passage contains gets the largest weight: a question about something the library
    never mentions is mostly made of such terms, which is what lets us abstain.
    """

    def __init__(self, index: LexicalIndex) -> None:
        self._index = index
        self._count = index.document_count
        self._cache: dict[str, float] = {}

    def weight(self, term: str) -> float:
        cached = self._cache.get(term)
        if cached is None:
            cached = math.log(1 + (self._count - self._df(term) + 0.5) / (self._df(term) + 0.5))
            self._cache[term] = cached
        return cached

    def _df(self, term: str) -> int:
        return self._index.document_frequency(term)


class LibraryTermWeights:
    """Term weights that follow a library: rebuilt when its lexical index changes.

    `fixed` (tests, benchmarks) replaces them outright.
    """

    def __init__(self, library: Library, fixed: TermWeights | None = None) -> None:
        self._library = library
        self._fixed = fixed
        self._built: tuple[object, TermWeights] | None = None

    def current(self) -> TermWeights:
        if self._fixed is not None:
            return self._fixed
        index = self._library.lexical()
        # The index follows writes in place: its state, not its identity, says it changed.
        if self._built is None or self._built[0] != index.state:
            self._built = (index.state, IndexTermWeights(index))
        return self._built[1]


# Words that make a question a question; they say nothing about its topic.
QUESTION_WORDS = (
    "what which who whom whose where when why how does do did is are was were can could "
    "would should will tell explain describe list give there any some them those instance"
)
# "Which methods rely on *some form of* bootstrapping?": a kind noun before "of" says how the
# topic is framed, not what it is (the abstract writes "a bootstrapped paradigm").
_KIND_OF = re.compile(r"\b(?:kinds?|types?|sorts?|forms?)\s+of\b", re.IGNORECASE)


@lru_cache(maxsize=8192)
def terms(text: str) -> frozenset[str]:
    """The index terms of `text`.  Cached: one answer reads the same abstracts, sentences and
    titles several times over (paper choice, subject names, near-miss rules, the check), and
    tokenising them was most of an offline answer's time."""
    from assistant.store.lexical import tokenize

    return frozenset(tokenize([text])[0])


@lru_cache(maxsize=1)
def _question_terms() -> frozenset[str]:
    return terms(QUESTION_WORDS)


def query_terms(question: str) -> frozenset[str]:
    """The terms of a question that name its topic (question words and "some form of" dropped)."""
    return terms(_KIND_OF.sub(" ", question)) - _question_terms()


def terms_many(texts: Sequence[str]) -> list[frozenset[str]]:
    """The index terms of each text (empty for texts made only of stop words)."""
    return [terms(text) for text in texts]  # the tokenizer works text by text anyway


def coverage(wanted: Iterable[str], present: frozenset[str], weights: TermWeights) -> float:
    """Weighted fraction of the `wanted` terms found in `present` (0 when nothing is wanted)."""
    total = found = 0.0
    for term in set(wanted):
        weight = weights.weight(term)
        total += weight
        if term in present:
            found += weight
    return found / total if total else 0.0


def cosines(vector: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Cosine of `vector` with each row of `matrix` (embedders return unit vectors)."""
    if matrix.size == 0:
        return np.zeros(0, dtype=np.float32)
    return matrix @ vector


_NUMBER = re.compile(r"(?<![\w.\-])\d+(?:[.,]\d+)*(?![\d])")
# Small numbers are often spelled out ("three museums"); scale words ("1.4 billion") are not
# values of their own, the figure before them is.
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20",
}  # fmt: skip
_WORD = re.compile(r"[a-z]+")


def numbers(text: str) -> frozenset[str]:
    """Numbers in `text`, normalised ("1,087" -> "1087", "84.2" stays), "ten" as "10"."""
    found = {match.group().replace(",", "") for match in _NUMBER.finditer(text)}
    found.update(_NUMBER_WORDS[w] for w in _WORD.findall(text.lower()) if w in _NUMBER_WORDS)
    return frozenset(found)
