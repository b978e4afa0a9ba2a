"""The offline answerer: the sentences of the retrieved passages that best answer the question.

Candidates are the sentences of the passages nearly as relevant as the best one (relevance.py;
PASSAGE_RELATIVE_FLOOR, looser for questions asking for a list), each scored as

    COSINE_WEIGHT  x cosine(question, sentence)              (what it means)
  + LEXICAL_WEIGHT x idf-weighted share of the question's topic terms in the sentence
  + CONTEXT_WEIGHT x relevance of the sentence's passage (title included)
  + NUMERIC_BONUS  when the question asks "how many / what accuracy ..." and it states a figure

The context term lets "The dataset is sourced from Wikimedia Commons" answer a question about
the Google Landmarks dataset although the sentence does not name it.  Sentences are then picked
greedily by maximal marginal relevance (a sentence close to one already picked loses
REDUNDANCY_WEIGHT x their cosine, one from an already quoted paper SAME_PAPER_PENALTY), at
most MAX_PER_PAPER from one paper (one for list questions) and MAX_SENTENCES in all, and only
while they score at least RELATIVE_FLOOR of the best one.  The answer groups them per paper
(best paper first, each paper's sentences in their original order, labelled with the paper's
short name), every sentence ending with its `[n]`.

When the relevance gate fails, or no sentence reaches MIN_SENTENCE_SCORE, it abstains.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.rag.citations import find_markers
from assistant.rag.embeddings import Embedder
from assistant.rag.relevance import Relevance
from assistant.rag.scoring import TermWeights, cosines, coverage, numbers, terms_many
from assistant.rag.sentences import Span, split_sentences
from assistant.text import short_title
from assistant.types import Source

COSINE_WEIGHT = 0.45
LEXICAL_WEIGHT = 0.25
CONTEXT_WEIGHT = 0.30
REDUNDANCY_WEIGHT = 0.35
DUPLICATE_COSINE = 0.95  # the same sentence again (overlapping chunks, two versions of a paper)
# The two floors trade citation precision against citation recall.  Chosen on a small grid
# with benchmarks/qa_eval.py over benchmarks/data/sample_qa.jsonl (58 questions), picking the
# middle of a flat region rather than the best cell: with PASSAGE_RELATIVE_FLOOR 0.85 and
# RELATIVE_FLOOR anywhere in 0.70-0.80, precision is 0.95 and recall 0.75-0.76 (350-token
# chunks; 0.96 / 0.75 with the earlier 256-token ones).  PASSAGE_RELATIVE_FLOOR 0.80 buys recall
# 0.81 for precision 0.89-0.92; 0.90 gives precision 0.96 at recall 0.68.
#
# A sentence must score at least RELATIVE_FLOOR x the best sentence ...
RELATIVE_FLOOR = 0.75
# ... and come from a passage at least PASSAGE_RELATIVE_FLOOR x as relevant as the best one: a
# question about one paper ("How does DataDAM ...") then cites that paper, while a question
# several papers answer equally well ("Which dataset distillation methods ...") cites them all.
PASSAGE_RELATIVE_FLOOR = 0.85
# "Which datasets ...", "What methods ...": a question asking for a list wants breadth, so
# passages further from the best one count too, and each paper gives one sentence.  On the 12
# list-style questions of sample_qa.jsonl, 0.65 (flat from 0.60 to 0.65) raised citation recall
# from 0.76 to 0.85 overall for precision 0.95 -> 0.92; on the 12 held-out questions of
# sample_qa_holdout.jsonl (written after tuning) recall went 0.62 -> 0.85 at precision 1.0.
LIST_PASSAGE_RELATIVE_FLOOR = 0.65
LIST_MAX_PER_PAPER = 1
MIN_SENTENCE_SCORE = 0.35
MAX_SENTENCES = 5
MAX_PER_PAPER = 3
# "How many images ...", "What accuracy ...": sentences stating figures answer those.
NUMERIC_BONUS = 0.1
SAME_PAPER_PENALTY = 0.1  # per sentence already taken from that paper: prefer breadth
MIN_WORDS = 5
LINK_SENTENCE_WORDS = 12  # words besides the link a sentence with a URL needs to be quoted

_ASKS_FOR_NUMBER = re.compile(
    r"\bhow (?:many|much|big|large|small|long|fast|often|accurate)\b|\bwhat (?:is the |are the )?"
    r"(?:size|number|accuracy|percentage|proportion|fraction|share|score|error|cost)s?\b",
    re.IGNORECASE,
)
_ASKS_FOR_LIST = re.compile(
    r"^\s*(?:which|what|list|name)\b(?:\s+\S+){0,3}?\s+(?:papers|datasets|methods|works|"
    r"benchmarks|approaches|models|studies|techniques|architectures|strategies)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_END = re.compile(r"([.!?]+)([\"')\]]*)$")


@dataclass(frozen=True)
class Candidate:
    """A sentence of source `number`; `span` offsets are into the paper's abstract."""

    number: int
    paper_id: str
    span: Span
    position: tuple[int, int]  # (chunk index, sentence index): the order in the paper
    score: float
    vector: np.ndarray = field(compare=False, repr=False)


def candidates(sources: Sequence[Source]) -> list[tuple[Source, Span, tuple[int, int]]]:
    """Every sentence of every source worth quoting (not too short, not a bare link line)."""
    found = []
    for source in sources:
        chunk = source.passage.chunk
        for index, span in enumerate(split_sentences(chunk.text, offset=chunk.start)):
            # A line that is mostly a link ("Code: https://...") answers nothing.
            if len(_URL.sub(" ", span.text).split()) < (
                LINK_SENTENCE_WORDS if _URL.search(span.text) else MIN_WORDS
            ):
                continue
            found.append((source, span, (chunk.index, index)))
    return found


def score_candidates(
    question: str,
    sources: Sequence[Source],
    relevance: Relevance,
    *,
    embedder: Embedder,
    weights: TermWeights,
) -> list[Candidate]:
    """The candidate sentences worth quoting, with their scores, best first.

    Only passages at least PASSAGE_RELATIVE_FLOOR x as relevant as the best one contribute, so
    only their sentences are embedded (the cost of an answer is embedding its candidates).
    """
    context = {s.number: r for s, r in zip(sources, relevance.per_source, strict=True)}
    share = LIST_PASSAGE_RELATIVE_FLOOR if asks_for_list(question) else PASSAGE_RELATIVE_FLOOR
    cutoff = share * max(relevance.per_source, default=0.0)
    found = candidates([s for s in sources if context[s.number] >= cutoff])
    if not found:
        return []
    matrix = embedder.embed_documents([question] + [span.text for _, span, _ in found])
    sims = cosines(matrix[0], matrix[1:])
    present = terms_many([span.text for _, span, _ in found])
    wants_number = bool(_ASKS_FOR_NUMBER.search(question))
    scored = [
        Candidate(
            number=source.number,
            paper_id=source.paper.id,
            span=span,
            position=position,
            score=COSINE_WEIGHT * max(float(sim), 0.0)
            + LEXICAL_WEIGHT * coverage(relevance.query_terms, terms, weights)
            + CONTEXT_WEIGHT * context[source.number]
            + (NUMERIC_BONUS if wants_number and _states_figure(span.text) else 0.0),
            vector=vector,
        )
        for (source, span, position), sim, terms, vector in zip(
            found, sims, present, matrix[1:], strict=True
        )
    ]
    return sorted(scored, key=lambda c: -c.score)


def _states_figure(text: str) -> bool:
    return any(len(n) > 1 for n in numbers(text))


def asks_for_list(question: str) -> bool:
    return bool(_ASKS_FOR_LIST.search(question))


def plan(
    question: str,
    sources: Sequence[Source],
    relevance: Relevance,
    *,
    embedder: Embedder,
    weights: TermWeights,
) -> list[list[Candidate]]:
    """The answer's sentences grouped per paper, in answer order; empty means abstain."""
    ranked = score_candidates(question, sources, relevance, embedder=embedder, weights=weights)
    per_paper = LIST_MAX_PER_PAPER if asks_for_list(question) else MAX_PER_PAPER
    return arrange(select(ranked, max_per_paper=per_paper))


def select(
    ranked: Sequence[Candidate],
    *,
    max_sentences: int = MAX_SENTENCES,
    max_per_paper: int = MAX_PER_PAPER,
) -> list[Candidate]:
    """Maximal-marginal-relevance pick among `ranked` (best first); empty means abstain."""
    if not ranked or ranked[0].score < MIN_SENTENCE_SCORE:
        return []
    floor = max(MIN_SENTENCE_SCORE, RELATIVE_FLOOR * ranked[0].score)
    pool = [c for c in ranked if c.score >= floor]
    chosen: list[Candidate] = []
    per_paper: dict[str, int] = {}
    while pool and len(chosen) < max_sentences:
        pool = [
            c
            for c in pool
            if per_paper.get(c.paper_id, 0) < max_per_paper
            and all(float(c.vector @ p.vector) < DUPLICATE_COSINE for p in chosen)
        ]
        if not pool:
            break

        def value(candidate: Candidate) -> float:
            overlap = max((float(candidate.vector @ c.vector) for c in chosen), default=0.0)
            return (
                candidate.score
                - REDUNDANCY_WEIGHT * max(overlap, 0.0)
                - SAME_PAPER_PENALTY * per_paper.get(candidate.paper_id, 0)
            )

        best = max(pool, key=value)
        chosen.append(best)
        per_paper[best.paper_id] = per_paper.get(best.paper_id, 0) + 1
        pool.remove(best)
    return chosen


def arrange(chosen: Sequence[Candidate]) -> list[list[Candidate]]:
    """Groups per paper, best paper first; each group in the paper's own sentence order."""
    groups: dict[str, list[Candidate]] = {}
    for candidate in chosen:  # `chosen` is best first, so dict order is best paper first
        groups.setdefault(candidate.paper_id, []).append(candidate)
    return [sorted(group, key=lambda c: c.position) for group in groups.values()]


def cite(sentence: str, number: int) -> str:
    """The sentence with `[number]` before its final punctuation.

    Bracketed references the abstract itself makes ("as shown in [12]") become "(12)", so that
    only our markers read as citations of the answer.
    """
    for marker in reversed(find_markers(sentence)):
        inner = marker.text[1:-1]
        sentence = f"{sentence[: marker.start]}({inner}){sentence[marker.end :]}"
    match = _END.search(sentence)
    if not match:
        return f"{sentence} [{number}]."
    return f"{sentence[: match.start()]} [{number}]{match.group(1)}{match.group(2)}"


def render(groups: Sequence[Sequence[Candidate]], sources: Sequence[Source]) -> Iterator[str]:
    """The answer text, one sentence per piece, paragraphs per paper."""
    titles = {s.number: s.paper.title for s in sources}
    for index, group in enumerate(groups):
        prefix = "\n\n" if index else ""
        label = short_title(titles[group[0].number])
        for position, candidate in enumerate(group):
            lead = f"{prefix}{label}: " if position == 0 else " "
            yield lead + cite(candidate.span.text, candidate.number)


def abstention_text(relevance: Relevance, sources: Sequence[Source]) -> str:
    if not sources:
        return "The library has no passage related to this question, so there is nothing to cite."
    best = max(range(len(sources)), key=lambda i: relevance.per_source[i])
    return (
        "The library does not seem to answer this question: no passage matches it closely "
        f'enough (closest: "{sources[best].paper.title}", relevance '
        f"{relevance.per_source[best]:.2f} < {relevance.threshold:.2f}). Try rephrasing it, or "
        "add papers on the topic."
    )
