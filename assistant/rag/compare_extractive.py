"""Offline comparison cells: for each paper and aspect, the paper's best-matching sentence.

A sentence of a paper's abstract is scored for an aspect (aspects.py) as

    COSINE_WEIGHT   x cosine(aspect query, sentence)
  + CUE_WEIGHT      x share of the aspect's cue patterns the sentence matches (at most CUE_CAP)
  + POSITION_WEIGHT x agreement of the sentence's place in the abstract with the aspect's
                      usual place (task early, results and limitations late)

  + ROLE_WEIGHT     when the sentence's role in the abstract (sentence_roles.py) is the
                    aspect's: a problem for the task, a contribution or mechanism for the
                    method, a result or figure for the results, an admitted limitation

and the cell quotes the best sentence when it scores at least `STATED_THRESHOLD`; below, the
cell says "not stated".  A sentence fills at most one cell of a row: an aspect takes the best
sentence no other aspect took, and quotes a taken one only when no other sentence states it
and the taken one states it clearly too (`BOTH_MARGIN` above the aspect's threshold).  A
question ("What if ...?") is never a cell.

Only the paper's own passages are looked at, so a cell can only ever cite its own paper.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assistant.rag.aspects import Aspect
from assistant.rag.embeddings import Embedder
from assistant.rag.scoring import cosines
from assistant.rag.sentence_roles import Roles, is_question, roles_of
from assistant.rag.sentences import Span, split_sentences
from assistant.text import short_title
from assistant.types import Source

COSINE_WEIGHT = 0.35
CUE_WEIGHT = 0.5
POSITION_WEIGHT = 0.15
CUE_CAP = 2  # matching this many of an aspect's cue patterns gives the full cue score
# For custom aspects; the built-in ones carry their own (see `Aspect.threshold`, calibrated
# with benchmarks/compare_eval.py on benchmarks/data/compare_cells.jsonl).
STATED_THRESHOLD = 0.40
# A sentence another aspect took is quoted again only when no other sentence states this
# aspect and it scores this much above the aspect's threshold: it truly states both.
BOTH_MARGIN = 0.1
# ... and when the best untaken sentence scores REUSE_GAP less than it.
REUSE_GAP = 0.15
ROLE_WEIGHT = 0.15
MIN_WORDS = 5
# Sentences about earlier work ("Existing methods ...") and the background before the paper
# first speaks of itself ("we", "this paper") motivate it; they are not what it uses, does,
# finds or admits.  Their score is multiplied by this for every aspect but the task.
BACKGROUND_FACTOR = 0.6
# A sentence matching one of the aspect's counter cues is most likely about another aspect.
COUNTER_FACTOR = 0.7
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a paper's abstract and the source (passage) it belongs to."""

    source: Source
    span: Span  # offsets into the paper's abstract
    place: float  # 0.0 = first sentence of the abstract, 1.0 = last
    background: bool = False  # before the paper speaks of itself, or about earlier work
    roles: Roles = field(default_factory=Roles)


@dataclass(frozen=True)
class Pick:
    """The sentence quoted for an aspect (None: not stated) and its score."""

    aspect: str
    sentence: Sentence | None
    score: float


def paper_sentences(sources: Sequence[Source]) -> list[Sentence]:
    """The quotable sentences of one paper's passages, in abstract order."""
    found: list[tuple[Source, Span]] = []
    seen: set[tuple[int, int]] = set()
    for source in sorted(sources, key=lambda s: s.passage.chunk.start):
        chunk = source.passage.chunk
        for span in split_sentences(chunk.text, offset=chunk.start):
            if (span.start, span.end) in seen:  # overlapping chunks
                continue
            seen.add((span.start, span.end))
            found.append((source, span))
    last = max(len(found) - 1, 1)
    name = short_title(found[0][0].paper.title) if found else None
    roles = roles_of([span.text for _, span in found], name)
    return [
        Sentence(source, span, index / last, background=role.background, roles=role)
        for index, ((source, span), role) in enumerate(zip(found, roles, strict=True))
        if len(span.text.split()) >= MIN_WORDS
        and not _URL.search(span.text)
        and not is_question(span.text)
    ]


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def cue_score(aspect: Aspect, text: str) -> float:
    if not aspect.cues:
        return 0.0
    hits = sum(1 for pattern in _compiled(aspect.cues) if pattern.search(text))
    return min(hits, CUE_CAP) / min(len(aspect.cues), CUE_CAP)


def position_score(aspect: Aspect, place: float) -> float:
    """1.0 where the aspect usually sits, 0.0 at the other end; 0.5 for aspects anywhere."""
    if aspect.position == 0:
        return 0.5
    return place if aspect.position > 0 else 1.0 - place


def role_score(aspect: Aspect, roles: Roles) -> float:
    """1.0 when a sentence's role in its abstract is what the aspect asks for, else 0.0."""
    if aspect.name == "task":
        return float(
            roles.problem
            or (roles.contribution and not (roles.result or roles.mechanism or roles.figure))
        )
    if aspect.name == "method":
        return float(roles.mechanism or (roles.contribution and not roles.result))
    if aspect.name == "results":
        return float(roles.result or (roles.figure and not roles.background))
    if aspect.name == "limitations":
        return float(roles.limitation)
    if aspect.name == "data":
        return float(roles.names or roles.provenance)
    return 0.0


def score_matrix(
    aspects: Sequence[Aspect], sentences: Sequence[Sentence], *, embedder: Embedder
) -> np.ndarray:
    """scores[a, s]: how well sentence `s` states aspect `a`."""
    if not sentences or not aspects:
        return np.zeros((len(aspects), len(sentences)), dtype=np.float32)
    matrix = embedder.embed_documents([a.query for a in aspects] + [s.span.text for s in sentences])
    queries, vectors = matrix[: len(aspects)], matrix[len(aspects) :]
    scores = np.zeros((len(aspects), len(sentences)), dtype=np.float32)
    for row, aspect in enumerate(aspects):
        sims = cosines(queries[row], vectors)
        for col, sentence in enumerate(sentences):
            value = (
                COSINE_WEIGHT * max(float(sims[col]), 0.0)
                + CUE_WEIGHT * cue_score(aspect, sentence.span.text)
                + POSITION_WEIGHT * position_score(aspect, sentence.place)
            )
            value += ROLE_WEIGHT * role_score(aspect, sentence.roles)
            if aspect.name != "task" and sentence.background:
                value *= BACKGROUND_FACTOR
            if aspect.counter_cues and any(
                p.search(sentence.span.text) for p in _compiled(aspect.counter_cues)
            ):
                value *= COUNTER_FACTOR
            scores[row, col] = value
    return scores


def stated_threshold(aspect: Aspect) -> float:
    return aspect.threshold if aspect.threshold is not None else STATED_THRESHOLD


def pick_sentences(
    aspects: Sequence[Aspect],
    sentences: Sequence[Sentence],
    scores: np.ndarray,
    *,
    threshold: float | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> list[Pick]:
    """One sentence (or none) per aspect, in the order of `aspects`.

    `threshold` overrides every aspect's own, `thresholds` some of them (for calibration).
    Aspects with the clearest best sentence choose first; an aspect takes its best sentence no
    other aspect took, and a taken one only when it reaches the aspect's threshold by
    BOTH_MARGIN and no untaken sentence comes within REUSE_GAP of it.
    """
    picks: dict[str, Pick] = {}
    if not sentences:
        return [Pick(a.name, None, 0.0) for a in aspects]
    used: set[int] = set()
    for a in sorted(range(len(aspects)), key=lambda a: -float(scores[a].max())):
        name = aspects[a].name
        floor = threshold if threshold is not None else stated_threshold(aspects[a])
        if thresholds and name in thresholds:
            floor = thresholds[name]
        ranked = sorted(range(len(sentences)), key=lambda s: -float(scores[a, s]))
        best = ranked[0]
        if float(scores[a, best]) < floor:
            picks[name] = Pick(name, None, float(scores[a, best]))
            continue
        fresh = next((s for s in ranked if s not in used), None)
        fresh_score = float(scores[a, fresh]) if fresh is not None else 0.0
        top = float(scores[a, best])
        choice: int | None = None
        if fresh is not None and fresh_score >= floor and fresh_score >= top - REUSE_GAP:
            choice = fresh
        elif top >= floor + BOTH_MARGIN:
            choice = best  # taken already, and it states this aspect too
        elif fresh is not None and fresh_score >= floor:
            choice = fresh
        if choice is None:
            picks[name] = Pick(name, None, float(scores[a, best]))
            continue
        used.add(choice)
        picks[name] = Pick(name, sentences[choice], float(scores[a, choice]))
    return [picks[a.name] for a in aspects]
