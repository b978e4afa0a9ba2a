"""Sentence splitting with character offsets, for abstracts and for answers.

nltk's Punkt tokenizer does the work (it ships with llama-index, which we already use for
chunking); we give it the abbreviations of scientific prose ("e.g.", "et al.", "Fig.") so it does
not split there.  Line breaks always end a sentence, so list items and headings in an answer are
sentences of their own.  A piece that starts with a lower-case word ("... 1.1p.p. while only
using 27.7% of the data", "ImageNet dist. shifts, ...") is the rest of the sentence before,
cut at an abbreviation Punkt did not know, and is joined back to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

# Lower-cased, without the final period, as Punkt expects.
ABBREVIATIONS = frozenset(
    {
        "al", "e.g", "i.e", "et", "etc", "cf", "vs", "viz", "approx", "resp", "incl", "fig",
        "figs", "eq", "eqs", "sec", "secs", "tab", "ref", "refs", "no", "nos", "vol", "pp",
        "ch", "dr", "prof", "u.s", "u.k", "min", "max", "avg", "std", "est", "ca", "p.p",
        "val", "dist",
    }
)  # fmt: skip

_LINE = re.compile(r"[^\n]+")
_LOWER_START = re.compile(r"[a-z]+\b")


@dataclass(frozen=True)
class Span:
    """`text == source[start:end]` for the text the span was cut from."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _tokenizer() -> PunktSentenceTokenizer:
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def split_sentences(text: str, *, offset: int = 0) -> list[Span]:
    """The sentences of `text`, stripped, with offsets shifted by `offset`."""
    spans = _split(text)
    if not offset:
        return list(spans)
    return [Span(span.text, span.start + offset, span.end + offset) for span in spans]


# A sentence end with no space after it, as scraped abstracts have ("search for images.In this
# project", "perceptrons (MLP).It takes"): Punkt, which splits only at whitespace, misses it.
_GLUED = re.compile(r"(?<=[a-z)\]])\.(?=[A-Z][a-z])")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)$")


def _unglued(body: str, spans: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """`spans` cut again after each glued sentence end that follows no abbreviation."""
    for start, end in spans:
        for glued in _GLUED.finditer(body, start, end):
            word = _WORD_BEFORE.search(body[start : glued.start()])
            if word and word.group(1).lower() in ABBREVIATIONS:
                continue  # "e.g.The": an abbreviation, not a sentence end
            yield start, glued.end()
            start = glued.end()
        yield start, end


@lru_cache(maxsize=4096)  # an answer splits the same abstracts several times over
def _split(text: str) -> tuple[Span, ...]:
    offset = 0
    spans: list[Span] = []
    tokenizer = _tokenizer()
    for line in _LINE.finditer(text):
        body = line.group()
        first = len(spans)
        for start, end in _unglued(body, tokenizer.span_tokenize(body)):
            piece = body[start:end]
            stripped = piece.strip()
            if not stripped:
                continue
            lead = len(piece) - len(piece.lstrip())
            begin = offset + line.start() + start + lead
            if len(spans) > first and _LOWER_START.match(stripped):
                before = spans.pop()
                joined = text[before.start - offset : begin - offset + len(stripped)]
                spans.append(Span(joined, before.start, begin + len(stripped)))
                continue
            spans.append(Span(stripped, begin, begin + len(stripped)))
    return tuple(spans)
