"""The gate before answering: is any retrieved passage relevant enough to answer from?

A passage's relevance to a question = DENSE_WEIGHT x (cosine of the question with the passage, as
the dense retriever measured it) + (1 - DENSE_WEIGHT) x (idf-weighted share of the question's
topic terms found in the passage or its paper's title).  The two fail differently: the cosine
of a topical but unrelated question stays moderate, and a question about something the library
never mentions is mostly made of terms no passage contains.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import TypeVar

from assistant.rag.scoring import TermWeights, coverage, query_terms, terms, terms_many
from assistant.types import Paper, Source

_Held = TypeVar("_Held", str, Paper)  # what a paper is looked up by: its text or its record

# Which of the retrieved papers an answer cites is decided per paper by paper_choice.py, on
# features that include `phrase_shares` below: words alone do not tell a scene classification
# benchmark of remote sensing images from an object detection one, two-word phrases do.
DENSE_WEIGHT = 0.5
# Below this, answer "the library does not say" instead of answering.  Chosen with
# benchmarks/qa_eval.py --sweep on benchmarks/data/sample_qa.jsonl (local MiniLM embedder):
# unanswerable questions score 0.02-0.38, answerable ones 0.44-0.85 but for one outlier at 0.39
# (a question phrased unlike its abstract: "left out" for "contains no").  The threshold sits
# in the gap; it was set before the sweep and kept rather than tuned to the outlier.  On the
# held-out sample_qa_holdout.jsonl: unanswerable 0.12-0.40 (a near-domain question about BERT
# at 0.396, just below), answerable 0.45-0.76.  The margin on near-domain questions is thin.
RELEVANCE_THRESHOLD = 0.40
# A list question ("Which papers report savings in FLOPs?") asks what several papers share,
# worded as the researcher frames it: its cosine with any one passage is low (its dense part
# was at most 0.25 for the held-out-5 list questions the gate stopped), and its frame ("Which
# papers report ...", "took part in") is in no abstract.  Its topic terms are scored without
# the frame (question.frame_words), and it passes at a lower threshold; whether a paper
# answers it is then for the per-paper decision (paper_choice.py) to say.  On the six tuning
# sets (benchmarks/qa_eval.py --sweep) the answerable list questions then score 0.28-0.9, the
# lowest ("savings in FLOPs", which no abstract words so) still stopped; off-library list
# questions tried by hand ("protein folding", "stock prices", "health records of patients")
# score 0.06-0.29, a thin margin, and near-domain ones ("speech recognition") pass as they
# did before.
LIST_RELEVANCE_THRESHOLD = 0.30
# Grammar words the index keeps that name no topic ("rather than", "such as").
GRAMMAR_WORDS = "rather than such also only both either neither instead whether"


@dataclass(frozen=True)
class Relevance:
    score: float  # the best source's relevance
    per_source: tuple[float, ...]  # in the order of the sources given
    query_terms: frozenset[str]
    threshold: float = RELEVANCE_THRESHOLD

    @property
    def relevant(self) -> bool:
        return self.score >= self.threshold


def assess(
    question: str,
    sources: Sequence[Source],
    weights: TermWeights,
    *,
    threshold: float = RELEVANCE_THRESHOLD,
) -> Relevance:
    """Each source's relevance; a paper the question names by its title counts as relevant.

    "Which kinds of images were left out of the PASS dataset?" is about the library whatever
    its wording: a name found in exactly one retrieved paper's title ("PASS", "DataDAM")
    identifies that paper.  Whether its abstract answers is for the answerer to say.
    """
    from assistant.rag.question import analyse, frame_words

    wanted = query_terms(question)
    topic = wanted
    if analyse(question).wants_list:
        threshold = min(threshold, LIST_RELEVANCE_THRESHOLD)
        frame = terms(" ".join(frame_words(question))) | _grammar()
        topic = wanted - frame or wanted
    # "Which papers use knowledge distillation or a strong classifier ...": a passage that
    # states one side of the "or" is as relevant as one that states both.
    sides = alternatives(question, topic) or [topic]
    texts = [
        with_number_forms(present)
        for present in terms_many([f"{s.paper.title}. {s.passage.chunk.text}" for s in sources])
    ]
    scores = [
        DENSE_WEIGHT * max(source.passage.dense_score or 0.0, 0.0)
        + (1 - DENSE_WEIGHT) * max(coverage(side, present, weights) for side in sides)
        for source, present in zip(sources, texts, strict=True)
    ]
    named = titled_papers(question, sources)
    if analyse(question).wants_address:
        # "Where can the SurgeNet weights be downloaded?": the name and the link are all it
        # asks; neither is worded like the abstract's topic.
        named |= mentioned_papers(question, sources)
    else:
        # "Could the PPGN approach be applied to data other than pictures?": a paper's own
        # coinage ("PPGN", "SVT", "AttSets"; not "BERT" in a paper that uses it) names it.
        named |= coined_papers(question, sources)
    for paper in named:
        for index, source in enumerate(sources):
            if source.paper.id == paper:
                scores[index] = max(scores[index], threshold)
    return Relevance(max(scores, default=0.0), tuple(scores), topic, threshold)


_OR = re.compile(r"\bor\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;:?.!]")
OR_SIDE_WORDS = 3  # words on each side of an "or" taken as its alternatives


def alternatives(question: str, wanted: frozenset[str]) -> list[frozenset[str]]:
    """The question's topic terms once per side of its first "or", the other side's left out
    ("histopathology or segmentation"); empty when it has no "or" between topic words."""
    match = _OR.search(question)
    if not match:
        return []
    before = _CLAUSE_END.split(question[: match.start()])[-1].split()
    after = _CLAUSE_END.split(question[match.end() :])[0].split()
    width = min(OR_SIDE_WORDS, len(after))
    left = terms(" ".join(before[-width:])) & wanted if width else frozenset()
    right = terms(" ".join(after[:width])) & wanted
    if not left or not right:
        return []
    return [wanted - right, wanted - left]


# Ordinals and numbers an abstract writes in digits and a question in words, or the other way
# ("won the 1st place" answers "first place").  Digits below 10 are no index terms.
_NUMBER_FORMS = (
    "1st first", "2nd second", "3rd third", "4th fourth", "5th fifth", "6th sixth",
    "7th seventh", "8th eighth", "9th ninth", "10th tenth", "10 ten", "11 eleven", "12 twelve",
    "15 fifteen", "20 twenty", "30 thirty", "50 fifty", "100 hundred",
)  # fmt: skip


@lru_cache(maxsize=1)
def _number_pairs() -> dict[str, frozenset[str]]:
    pairs: dict[str, set[str]] = {}
    for pair in _NUMBER_FORMS:
        digits, word = (terms(part) for part in pair.split())
        for a, b in ((digits, word), (word, digits)):
            for term in a:
                pairs.setdefault(term, set()).update(b)
    return {term: frozenset(others) for term, others in pairs.items()}


def with_number_forms(present: frozenset[str]) -> frozenset[str]:
    """`present` with the other spelling of each ordinal or number it holds ("1st" and
    "first")."""
    pairs = _number_pairs()
    extra = [pairs[t] for t in present if t in pairs]
    return present.union(*extra) if extra else present


@lru_cache(maxsize=1)
def _grammar() -> frozenset[str]:
    return terms(GRAMMAR_WORDS)


def titled_papers(question: str, sources: Sequence[Source]) -> set[str]:
    """Papers named in the question by a name found in their title and no other's."""
    from assistant.rag.stated import title_mentions

    titles = {s.paper.id: s.paper.title for s in sources}
    return _named_by_one(question, titles, title_mentions)


def mentioned_papers(question: str, sources: Sequence[Source]) -> set[str]:
    """Papers named in the question by a name found in their title or passages and no
    other's."""
    texts: dict[str, str] = {}
    for source in sources:
        texts[source.paper.id] = f"{texts.get(source.paper.id, source.paper.title)} "
        texts[source.paper.id] += source.passage.chunk.text

    def holds(name: str, text: str) -> bool:
        return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None

    return _named_by_one(question, texts, holds)


def coined_papers(question: str, sources: Sequence[Source]) -> set[str]:
    """Papers the question names by their own coinage (stated.coined_by), no other's."""
    from assistant.rag.stated import coined_by

    return _named_by_one(question, {s.paper.id: s.paper for s in sources}, coined_by)


def _named_by_one(
    question: str, texts: Mapping[str, _Held], holds: Callable[[str, _Held], bool]
) -> set[str]:
    """The papers of `texts` that hold, alone among them, a name the question uses."""
    from assistant.rag.question import names_in

    named: set[str] = set()
    for name in names_in(question):
        holders = [paper for paper, text in texts.items() if holds(name, text)]
        if len(holders) == 1:
            named.add(holders[0])
    return named


def phrases(text: str) -> frozenset[tuple[str, str]]:
    """Pairs of adjacent index terms (stop words dropped) of `text`."""
    from assistant.store.lexical import tokenize

    (tokens,) = tokenize([text])
    return frozenset(pairwise(tokens))


def phrase_shares(question: str, sources: Sequence[Source]) -> dict[str, float]:
    """Per paper, the share of the question's two-word phrases its title and passages hold."""
    wanted = phrases(question)
    texts: dict[str, list[str]] = {}
    for source in sources:
        texts.setdefault(source.paper.id, [source.paper.title]).append(source.passage.chunk.text)
    if not wanted:
        return dict.fromkeys(texts, 0.0)
    return {
        paper: len(wanted & phrases(" ".join(parts))) / len(wanted)
        for paper, parts in texts.items()
    }
