"""Sentence splitting with character offsets, for abstracts and for answers.

nltk's Punkt tokenizer does the work (it ships with llama-index, which we already use for
chunking); we give it the abbreviations of scientific prose ("e.g.", "et al.", "Fig.") so it does
not split there.  Line breaks always end a sentence, so list items and headings in an answer are
sentences of their own.
"""

from __future__ import annotations

import re
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
    }
)  # fmt: skip

_LINE = re.compile(r"[^\n]+")
# Punkt splits after a dotted abbreviation glued to a number ("by 1.1p.p. using"); a sentence
# never starts in lower case, so such a split is undone.
_GLUED_ABBREVIATION = re.compile(r"\w\.\w{1,4}\.$")


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
    spans: list[Span] = []
    tokenizer = _tokenizer()
    for line in _LINE.finditer(text):
        body = line.group()
        for start, end in tokenizer.span_tokenize(body):
            piece = body[start:end]
            stripped = piece.strip()
            if not stripped:
                continue
            lead = len(piece) - len(piece.lstrip())
            begin = offset + line.start() + start + lead
            previous = spans[-1] if spans else None
            if (
                previous is not None
                and stripped[0].islower()
                and _GLUED_ABBREVIATION.search(previous.text)
                and previous.end >= offset + line.start()
            ):
                end = begin + len(stripped)
                merged = text[previous.start - offset : end - offset]
                spans[-1] = Span(merged, previous.start, end)
                continue
            spans.append(Span(stripped, begin, begin + len(stripped)))
    return spans
