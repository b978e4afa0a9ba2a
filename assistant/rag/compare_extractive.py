"""Offline comparison cells: for each paper and aspect, the paper's best-matching sentence.

A sentence of a paper's abstract is scored for an aspect (aspects.py) as

    COSINE_WEIGHT   x cosine(aspect query, sentence)
  + CUE_WEIGHT      x share of the aspect's cue patterns the sentence matches (at most CUE_CAP)
  + POSITION_WEIGHT x agreement of the sentence's place in the abstract with the aspect's
                      usual place (task early, results and limitations late)

  + ROLE_WEIGHT     when the sentence's role in the abstract (sentence_roles.py) is the
                    aspect's: a problem for the task, a contribution or mechanism for the
                    method, a result or figure for the results, an admitted limitation

(the hand score; its parts are kept as signals).  For the built-in aspects a small learned
scorer (aspect_scorer.py) turns the signals and the sentence's roles into a probability that
the sentence states the aspect; custom aspects keep the hand score.

A row is filled as one assignment (`assign`): each sentence to at most one aspect, maximising
the summed log-ratio of the chosen sentences' scores to their aspects' thresholds; an aspect
with no sentence above its threshold says "not stated".  A sentence another aspect took is quoted
again only when the aspect has nothing else and the sentence clearly states it too
(aspect_scorer.BOTH, or `BOTH_MARGIN` above a custom aspect's threshold).  A question ("What
if ...?") is never a cell.

Only the paper's own passages are looked at, so a cell can only ever cite its own paper.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assistant.rag import aspect_scorer
from assistant.rag.aspects import BUILTIN, Aspect
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
# A custom aspect quotes a sentence another aspect took only when it has no other sentence
# and that one scores this much above its threshold: it truly states both.
BOTH_MARGIN = 0.1
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


def signals(
    aspects: Sequence[Aspect], sentences: Sequence[Sentence], *, embedder: Embedder
) -> dict[str, np.ndarray]:
    """The hand-set signals, each an (aspect x sentence) matrix: `hand` (the weighted score
    described above), `cosine`, `cues` (share of cue patterns) and `counter` (a counter cue)."""
    shape = (len(aspects), len(sentences))
    found = {
        name: np.zeros(shape, dtype=np.float32) for name in ("hand", "cosine", "cues", "counter")
    }
    if not sentences or not aspects:
        return found
    matrix = embedder.embed_documents([a.query for a in aspects] + [s.span.text for s in sentences])
    queries, vectors = matrix[: len(aspects)], matrix[len(aspects) :]
    for row, aspect in enumerate(aspects):
        sims = cosines(queries[row], vectors)
        for col, sentence in enumerate(sentences):
            cosine = max(float(sims[col]), 0.0)
            cues = cue_score(aspect, sentence.span.text)
            value = (
                COSINE_WEIGHT * cosine
                + CUE_WEIGHT * cues
                + POSITION_WEIGHT * position_score(aspect, sentence.place)
            )
            value += ROLE_WEIGHT * role_score(aspect, sentence.roles)
            if aspect.name != "task" and sentence.background:
                value *= BACKGROUND_FACTOR
            counter = bool(aspect.counter_cues) and any(
                p.search(sentence.span.text) for p in _compiled(aspect.counter_cues)
            )
            if counter:
                value *= COUNTER_FACTOR
            found["hand"][row, col] = value
            found["cosine"][row, col] = cosine
            found["cues"][row, col] = cues
            found["counter"][row, col] = float(counter)
    return found


def aspect_features(
    row: int, sentences: Sequence[Sentence], found: Mapping[str, np.ndarray]
) -> np.ndarray:
    """The learned scorer's features (aspect_scorer.FEATURES) of each sentence for one aspect."""
    return aspect_scorer.feature_rows(
        found["hand"][row],
        found["cosine"][row],
        found["cues"][row],
        found["counter"][row],
        [s.place for s in sentences],
        [s.roles for s in sentences],
        [s.span.text for s in sentences],
    )


def learned(aspect: Aspect) -> bool:
    """Whether the aspect has fitted weights (the built-in ones), else it keeps the hand score."""
    return BUILTIN.get(aspect.name) == aspect and aspect.name in aspect_scorer.WEIGHTS


def score_matrix(
    aspects: Sequence[Aspect], sentences: Sequence[Sentence], *, embedder: Embedder
) -> np.ndarray:
    """scores[a, s]: how well sentence `s` states aspect `a` (a probability for the built-in
    aspects, the hand score for custom ones)."""
    return learned_scores(aspects, sentences, signals(aspects, sentences, embedder=embedder))


def learned_scores(
    aspects: Sequence[Aspect],
    sentences: Sequence[Sentence],
    found: Mapping[str, np.ndarray],
    weights: Mapping[str, Sequence[float]] | None = None,
) -> np.ndarray:
    """The scores from the signals: the learned scorer's probability where the aspect has
    `weights` (by default aspect_scorer.WEIGHTS), else the hand score."""
    weights = aspect_scorer.WEIGHTS if weights is None else weights
    scores = np.array(found["hand"], dtype=np.float32, copy=True)
    for row, aspect in enumerate(aspects):
        if sentences and BUILTIN.get(aspect.name) == aspect and aspect.name in weights:
            rows = aspect_features(row, sentences, found)
            scores[row] = aspect_scorer.probabilities(weights[aspect.name], rows)
    return scores


def stated_threshold(aspect: Aspect) -> float:
    if learned(aspect) and aspect.name in aspect_scorer.THRESHOLDS:
        return aspect_scorer.THRESHOLDS[aspect.name]
    return aspect.threshold if aspect.threshold is not None else STATED_THRESHOLD


def both_threshold(aspect: Aspect) -> float:
    """The score at which a sentence another aspect took is quoted for this one too."""
    if learned(aspect):
        return max(aspect_scorer.BOTH, stated_threshold(aspect))
    return stated_threshold(aspect) + BOTH_MARGIN


def assign(gains: np.ndarray) -> dict[int, int]:
    """Aspect row -> sentence column maximising the summed gain, each sentence to at most one
    aspect, an aspect to none where every gain is negative (NaN: not allowed).

    Exact, by dynamic programming over the sentences with the set of aspects already served
    as state (2^aspects states, at most MAX_ASPECTS = 8): SciPy's linear_sum_assignment
    would do it too, but SciPy is not a dependency and this is twenty lines.
    """
    count, width = gains.shape
    best: dict[int, tuple[float, tuple[tuple[int, int], ...]]] = {0: (0.0, ())}
    for col in range(width):
        after = dict(best)
        for served, (total, pairs) in best.items():
            for row in range(count):
                gain = float(gains[row, col])
                if served >> row & 1 or not gain >= 0:  # NaN and negative gains are skipped
                    continue
                key = served | 1 << row
                value = total + gain
                if key not in after or value > after[key][0]:
                    after[key] = (value, (*pairs, (row, col)))
        best = after
    _, pairs = max(best.values(), key=lambda item: (item[0], len(item[1])))
    return dict(pairs)


def pick_sentences(
    aspects: Sequence[Aspect],
    sentences: Sequence[Sentence],
    scores: np.ndarray,
    *,
    threshold: float | None = None,
    thresholds: Mapping[str, float] | None = None,
    both: float | None = None,
) -> list[Pick]:
    """One sentence (or none) per aspect, in the order of `aspects`.

    `threshold` overrides every aspect's own, `thresholds` some of them, `both` the score at
    which a taken sentence is quoted again (for calibration).  The row is filled as one
    assignment: each sentence to at most one aspect, maximising the summed log-ratio of the
    chosen sentences' scores to their aspects' thresholds, so an aspect whose best sentence states
    another aspect better takes its next best instead of repeating it.  An aspect left without
    a sentence quotes the best one another aspect took only when that one reaches
    `both_threshold`: it truly states both.
    """
    if not sentences:
        return [Pick(a.name, None, 0.0) for a in aspects]
    floors = []
    for item in aspects:
        floor = threshold if threshold is not None else stated_threshold(item)
        if thresholds and item.name in thresholds:
            floor = thresholds[item.name]
        floors.append(floor)
    # A sentence's claim on an aspect is how many times its score is the aspect's threshold
    # (the log of the ratio), not their difference: a sentence that states the Data and the
    # Method goes to the aspect it states relatively better, and a low-threshold aspect (Task,
    # Data) is not outbid by a high-threshold one on a sentence that reaches both.  A tiny
    # bonus per cell so that a sentence exactly at its threshold is still quoted.
    values = scores.astype(np.float64)
    bars = np.maximum(np.asarray(floors, dtype=np.float64), 1e-6)[:, None]
    with np.errstate(divide="ignore"):
        gains = np.log(np.maximum(values, 1e-12) / bars) + 1e-9
    chosen = assign(np.where(values >= bars, gains, np.nan))
    picks: list[Pick] = []
    taken = set(chosen.values())
    for row, item in enumerate(aspects):
        best = int(np.argmax(scores[row]))
        top = float(scores[row, best])
        if row in chosen:
            col = chosen[row]
            picks.append(Pick(item.name, sentences[col], float(scores[row, col])))
            continue
        again = both if both is not None else both_threshold(item)
        if best in taken and top >= max(again, floors[row]):
            picks.append(Pick(item.name, sentences[best], top))  # it states both
        else:
            picks.append(Pick(item.name, None, top))
    return picks
