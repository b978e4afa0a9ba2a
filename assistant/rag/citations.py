"""Citation markers in an answer: finding them, and checking each cited sentence against its source.

Markers look like `[1]`, `[1, 3]`, `[1-3]`, `[1][2]`, `[1; 2]`, `[Source 2]`.  A bracketed number of
1000 or more on its own is a year (`[2020]`), not a marker; `[a]` and `[see above]` are text.

Checking (`verify`) is pure: the embedder and the term weights are passed in.  Each answer
sentence is scored against the passages it cites: support = LEXICAL_WEIGHT x (weighted share of
the sentence's terms found in the cited passages, title included) + (1 - LEXICAL_WEIGHT) x (best
cosine between the sentence and one sentence of a cited passage).  Numbers in the sentence that
no cited passage contains make it unsupported whatever the score: a wrong figure is the
commonest way a fluent answer misquotes a paper.

Markers are never renumbered and the text is never rewritten, so what was streamed is what is
stored; a marker that points to no source is listed in `invalid_markers`, is not trusted as a
citation, and the sentence carrying it is flagged.  Only markers that resolve to a retrieved
source count, so text inside an abstract cannot fake a citation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.rag.embeddings import Embedder
from assistant.rag.scoring import (
    TermWeights,
    UniformWeights,
    cosines,
    coverage,
    numbers,
    terms_many,
)
from assistant.rag.sentences import Span, split_sentences
from assistant.types import AnswerSentence, Citation, Source

# A sentence is supported when its support reaches this.  Chosen with benchmarks/support_eval.py
# on the 32 hand-labelled claim / cited-paper pairs of benchmarks/data/support_pairs.jsonl (local
# MiniLM embedder): paraphrases of the cited abstract score 0.68-0.92, the same claims citing a
# neighbouring paper 0.10-0.44.  The threshold sits in that gap, nearer the unsupported side,
# because an LLM paraphrases more loosely than those test claims.
SUPPORT_THRESHOLD = 0.5
LEXICAL_WEIGHT = 0.5
YEAR_FROM = 1000  # a bracketed number this large is a year, not a source
MAX_RANGE = 50  # `[1-400]` is not a citation range

_NUM = r"\d{1,4}"
_LABEL = r"(?:(?:sources?|refs?\.?|references?)\s*)?"
_SEP = r"\s*(?:,|;|\band\b|[-–—])\s*"
MARKER = re.compile(
    rf"\[\s*{_LABEL}({_NUM}(?:{_SEP}{_LABEL}{_NUM})*)\s*\]",
    re.IGNORECASE,
)
_PIECE_SEP = re.compile(r"\s*(?:,|;|\band\b)\s*", re.IGNORECASE)
_RANGE = re.compile(r"^(\d+)\s*[-–—]\s*(\d+)$")
_LABEL_WORDS = re.compile(r"(?:sources?|refs?\.?|references?)\s*", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[-*•+]\s+|\d{1,2}[.)]\s+|#{1,6}\s+)")
_ABOUT_SOURCES = re.compile(
    r"\b(?:the |these |provided |retrieved )*(?:sources?|passages?|abstracts?|papers?|library)\s+"
    r"(?:do|does|did)\s*(?:not|n't)\b"
    r"|\bnot (?:mentioned|covered|discussed|stated|reported|addressed|specified)\b"
    r"|\bno (?:information|evidence|mention|details?)\b",
    re.IGNORECASE,
)
MIN_CLAIM_TERMS = 3


@dataclass(frozen=True)
class Marker:
    """A citation marker at `text[start:end]`; `numbers` are the sources it names, in order."""

    start: int
    end: int
    text: str
    numbers: tuple[int, ...]
    malformed: bool = False


def _parse_body(body: str) -> tuple[tuple[int, ...], bool]:
    found: list[int] = []
    malformed = False
    for piece in _PIECE_SEP.split(_LABEL_WORDS.sub("", body)):
        piece = piece.strip()
        ranged = _RANGE.match(piece)
        if ranged:
            low, high = int(ranged.group(1)), int(ranged.group(2))
            if low <= high and high - low < MAX_RANGE:
                found.extend(range(low, high + 1))
            else:
                malformed = True
        elif piece.isdigit():
            found.append(int(piece))
        else:
            malformed = True
    return tuple(dict.fromkeys(found)), malformed


def find_markers(text: str) -> list[Marker]:
    """Every citation marker in `text`, in order (years in brackets are skipped)."""
    markers: list[Marker] = []
    for match in MARKER.finditer(text):
        numbers_, malformed = _parse_body(match.group(1))
        if numbers_ and all(n >= YEAR_FROM for n in numbers_) and not malformed:
            continue
        markers.append(Marker(match.start(), match.end(), match.group(), numbers_, malformed))
    return markers


def strip_markers(text: str) -> str:
    """`text` without its markers (and without the space before each)."""
    pieces: list[str] = []
    cursor = 0
    for marker in find_markers(text):
        pieces.append(text[cursor : marker.start].rstrip(" "))
        cursor = marker.end
    pieces.append(text[cursor:])
    return "".join(pieces).strip()


@dataclass(frozen=True)
class MarkedSentence:
    """A sentence of the answer with the markers that belong to it."""

    span: Span
    markers: tuple[Marker, ...]

    @property
    def claim(self) -> str:
        """The sentence without markers or a list bullet: what is checked against sources."""
        return _BULLET.sub("", strip_markers(self.span.text)).strip()


def answer_sentences(text: str) -> list[MarkedSentence]:
    """Sentences of an answer, each with its markers.

    Markers opening a sentence ("... as shown. [2] Next ...") belong to the previous one.
    """
    markers = find_markers(text)
    spans = split_sentences(text)
    bounds = [[span.start, span.end] for span in spans]
    for index in range(1, len(bounds)):
        cursor = bounds[index][0]
        for marker in markers:
            if marker.start == cursor:
                bounds[index - 1][1] = marker.end
                cursor = marker.end
                while cursor < len(text) and text[cursor] in " \t":
                    cursor += 1
        bounds[index][0] = min(cursor, bounds[index][1])
    sentences: list[MarkedSentence] = []
    for start, end in bounds:
        if not text[start:end].strip():
            continue
        owned = tuple(m for m in markers if start <= m.start < end)
        sentences.append(MarkedSentence(Span(text[start:end], start, end), owned))
    return sentences


@dataclass(frozen=True)
class Verification:
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    invalid_markers: tuple[str, ...]


@dataclass(frozen=True)
class _SourceText:
    sentences: list[Span]  # offsets into the paper's abstract
    terms: frozenset[str]  # of the whole passage and the paper's title
    sentence_terms: list[frozenset[str]]
    numbers: frozenset[str]


def _source_texts(sources: Mapping[int, Source]) -> dict[int, _SourceText]:
    texts: dict[int, _SourceText] = {}
    for number, source in sources.items():
        chunk = source.passage.chunk
        spans = split_sentences(chunk.text, offset=chunk.start) or [
            Span(chunk.text, chunk.start, chunk.end)
        ]
        whole = f"{source.paper.title}. {chunk.text}"
        all_terms = terms_many([whole, *(span.text for span in spans)])
        texts[number] = _SourceText(spans, all_terms[0], all_terms[1:], numbers(whole))
    return texts


def _kind(sentence: MarkedSentence, claim_terms: frozenset[str]) -> str:
    stripped = sentence.claim
    if stripped.endswith(":") or len(claim_terms) < MIN_CLAIM_TERMS:
        return "not a claim"
    if not sentence.markers and _ABOUT_SOURCES.search(stripped):
        return "about the sources"
    return "claim"


def _checked_numbers(claim: str) -> frozenset[str]:
    """Numbers worth checking: single digits are mostly enumerations ("(1)", "two")."""
    return frozenset(n for n in numbers(claim) if len(n) > 1)


def verify(
    text: str,
    sources: Sequence[Source],
    *,
    embedder: Embedder,
    weights: TermWeights | None = None,
    threshold: float = SUPPORT_THRESHOLD,
) -> Verification:
    """Check every sentence of `text` against the sources its markers name."""
    weights = weights or UniformWeights()
    by_number = {source.number: source for source in sources}
    sentences = answer_sentences(text)
    claims = [s.claim for s in sentences]
    claim_terms = terms_many(claims)

    invalid: list[str] = []
    valid_per_sentence: list[list[int]] = []
    invalid_per_sentence: list[list[str]] = []
    for sentence in sentences:
        valid: list[int] = []
        bad: list[str] = []
        for marker in sentence.markers:
            if marker.malformed:
                bad.append(marker.text)
            for n in marker.numbers:
                if n in by_number:
                    if n not in valid:
                        valid.append(n)
                else:
                    bad.append(f"[{n}]")
        valid_per_sentence.append(valid)
        invalid_per_sentence.append(bad)
        invalid.extend(b for b in bad if b not in invalid)

    cited = {n for valid in valid_per_sentence for n in valid}
    texts = _source_texts({n: by_number[n] for n in sorted(cited)})
    to_embed = [i for i, valid in enumerate(valid_per_sentence) if valid]
    order = sorted(texts)
    passage_texts = [span.text for n in order for span in texts[n].sentences]
    claim_vectors: dict[int, np.ndarray] = {}
    passage_vectors: dict[int, np.ndarray] = {}
    if to_embed:
        matrix = embedder.embed_documents([claims[i] for i in to_embed] + passage_texts)
        for row, i in enumerate(to_embed):
            claim_vectors[i] = matrix[row]
        row = len(to_embed)
        for n in order:
            count = len(texts[n].sentences)
            passage_vectors[n] = matrix[row : row + count]
            row += count

    out_sentences: list[AnswerSentence] = []
    out_citations: list[Citation] = []
    for index, sentence in enumerate(sentences):
        wanted = claim_terms[index]
        kind = _kind(sentence, wanted)
        valid = valid_per_sentence[index]
        bad = invalid_per_sentence[index]
        span = sentence.span
        if not valid:
            if kind != "claim" and not bad:
                out_sentences.append(
                    AnswerSentence(span.text, (), 0.0, True, span.start, span.end, kind)
                )
                continue
            note: str | None = (
                f"cites {', '.join(bad)}, which is not among the sources" if bad else "no citation"
            )
            out_sentences.append(
                AnswerSentence(span.text, (), 0.0, False, span.start, span.end, note)
            )
            continue

        vector = claim_vectors[index]
        best_cosine = 0.0
        union: set[str] = set()
        source_numbers: set[str] = set()
        for n in valid:
            source = texts[n]
            sims = cosines(vector, passage_vectors[n])
            lexical = [coverage(wanted, t, weights) for t in source.sentence_terms]
            scores = [
                LEXICAL_WEIGHT * lex + (1 - LEXICAL_WEIGHT) * max(float(sim), 0.0)
                for lex, sim in zip(lexical, sims, strict=True)
            ]
            best = int(np.argmax(scores))
            passage_support = LEXICAL_WEIGHT * coverage(wanted, source.terms, weights) + (
                1 - LEXICAL_WEIGHT
            ) * max(float(sims.max()), 0.0)
            support = max(scores[best], passage_support)
            best_span = source.sentences[best]
            passage = by_number[n].passage.chunk
            out_citations.append(
                Citation(
                    number=n,
                    paper_id=passage.paper_id,
                    chunk_id=passage.id,
                    start=best_span.start,
                    end=best_span.end,
                    support=round(support, 4),
                    supported=support >= threshold,
                    sentence=len(out_sentences),
                )
            )
            best_cosine = max(best_cosine, float(sims.max()))
            union |= source.terms
            source_numbers |= source.numbers
        support = LEXICAL_WEIGHT * coverage(wanted, frozenset(union), weights) + (
            1 - LEXICAL_WEIGHT
        ) * max(best_cosine, 0.0)
        missing = sorted(_checked_numbers(sentence.claim) - source_numbers)
        note = None
        if missing:
            note = f"numbers not in the cited sources: {', '.join(missing)}"
        elif support < threshold:
            cited_list = ", ".join(f"[{n}]" for n in valid)
            note = f"weak support from {cited_list} ({support:.2f})"
        if bad and note is None:
            note = f"also cites {', '.join(bad)}, which is not among the sources"
        supported = support >= threshold and not missing
        out_sentences.append(
            AnswerSentence(
                span.text, tuple(valid), round(support, 4), supported, span.start, span.end, note
            )
        )
    return Verification(tuple(out_sentences), tuple(out_citations), tuple(invalid))
