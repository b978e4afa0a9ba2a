"""The offline answerer: the sentences of the retrieved passages that answer the question.

What the question asks for is read from its wording (question.py): "What is X" wants the
sentence that introduces or defines X, "How does X ..." the one that says how, "How many ..."
the one with the figure.  Candidates are the sentences of the passages nearly as relevant as
the best one, or only of the papers the question names (stated.py: "DataDAM",
"NWPU-RESISC45"), each scored

    COSINE_WEIGHT  x cosine(question, sentence)              (what it means)
  + LEXICAL_WEIGHT x idf-weighted share of the question's topic terms in the sentence
  + CONTEXT_WEIGHT x relevance of the sentence's passage (title included)
  + ROLE_BONUS     when the sentence does what the question asks for (sentence_roles.py:
                   a contribution for "what", a method for "how", a figure for "how many")
  + FOCUS_BONUS    when it names what the question asks about ("learning rate", "images")
  + NAME_BONUS     when a "Which network ..." question about one named thing gets a name
                   the question does not use ("EfficientNet"), or one about a named
                   paper's things ("On which datasets is X tested?") a name of that kind
  + DEFINITION_BONUS when "What is X?" meets the sentence defining X ("we present X, a ...")
  + EXPANSION_BONUS when "What does X stand for?" meets the one spelling it out ("X (...)")
  + CAUSE_BONUS    when a "Why ..." question meets a sentence giving a cause ("due to", "but")

and multiplied by CONTEXT_FACTOR when it is background, a problem or a limitation the question
does not ask about.  Sentences are then picked greedily by maximal marginal relevance (a
sentence close to one already picked loses REDUNDANCY_WEIGHT x their cosine, one from an
already quoted paper SAME_PAPER_PENALTY), at most MAX_PER_PAPER from one paper (one for list
questions) and MAX_SENTENCES in all, and only while they score at least RELATIVE_FLOOR of the
best one.  Unless the question names its papers, the papers quoted are the best sentence's and
those a learned per-paper decision (paper_choice.py) says answer too; a list question reads
LIST_K_FACTOR times as many retrieved passages.  The answer groups them per paper (best paper
first, each paper's sentences in their original order, labelled with the paper's short name),
every sentence ending with its `[n]`.
A quoted sentence opening with "This / It / They ..." gets its referent (referents.py): the
name it stands for in square brackets, or the sentence before it, quoted too.

It abstains when the relevance gate fails, when the abstracts do not state what the question
asks (stated.py: a near miss such as "What learning rate was used to train DataDAM?"), or when
no sentence reaches MIN_SENTENCE_SCORE.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assistant.rag import paper_choice
from assistant.rag.citations import find_markers
from assistant.rag.embeddings import Embedder
from assistant.rag.question import (
    QUANTITY_NOUNS,
    Question,
    analyse,
    asks_for_names,
    asks_for_one_name,
    frame_of,
)
from assistant.rag.referents import (
    draws_consequence,
    labels_previous,
    needs_previous,
    referent,
    with_referent,
)
from assistant.rag.relevance import (
    Relevance,
    alternatives,
    phrase_shares,
    phrases,
    with_number_forms,
)
from assistant.rag.scoring import TermWeights, cosines, coverage, terms, terms_many
from assistant.rag.sentence_roles import NAME, AbstractPlan, Roles, plan_of
from assistant.rag.sentences import Span, split_sentences
from assistant.rag.stated import (
    Unstated,
    has_term,
    names_asked,
    names_unstated,
    subject_names,
    subject_papers,
    typed_names,
    unstated,
    value_patterns,
)
from assistant.text import short_title
from assistant.types import Paper, Source

COSINE_WEIGHT = 0.45
LEXICAL_WEIGHT = 0.25
CONTEXT_WEIGHT = 0.30
REDUNDANCY_WEIGHT = 0.35
DUPLICATE_COSINE = 0.95  # the same sentence again (overlapping chunks, two versions of a paper)
# A sentence must score at least RELATIVE_FLOOR x the best sentence of its paper ...
RELATIVE_FLOOR = 0.75
# ... and (but for list questions) PAPER_SENTENCE_FLOOR x the best sentence of any paper ...
PAPER_SENTENCE_FLOOR = 0.75
# ... and come from a paper the per-paper decision (paper_choice.py) cites: a question about
# one paper ("How does DataDAM ...") then cites that paper, while a question several papers
# answer cites them all.  A list question ("Which datasets ...", "What methods ...") wants
# breadth: each paper gives one sentence.
# Before that, the near-miss check (stated.py) looks at the passages at least this share as
# relevant as the best one: the abstracts an answer could come from.
PASSAGE_RELATIVE_FLOOR = 0.85
LIST_PASSAGE_RELATIVE_FLOOR = 0.65
LIST_MAX_PER_PAPER = 1
# ... and of those papers the ones whose best sentence scores LIST_SENTENCE_FLOOR x the best.
LIST_SENTENCE_FLOOR = 0.6
LIST_MAX_SENTENCES = 8
# A list question's papers are many and spread out: its retrieval returns this many times the
# passages of other questions (k), so that the gold papers are among the sources at all.  On the
# four tuning sets (train_paper_choice.py) retrieval reaches 146 of the 161 gold papers of the
# multi-paper questions at k = 8, 156 at 2k and 158 at 3k: what the answerer can cite at all.
LIST_K_FACTOR = 3
MIN_SENTENCE_SCORE = 0.35
MAX_SENTENCES = 5
MAX_PER_PAPER = 3
# The sentence does what the question asks for: introduces or defines ("what"), says how
# ("how"), gives the figure ("how many"), states the problem ("why").
ROLE_BONUS = 0.1
FIGURE_BONUS = 0.12  # a figure, when the question wants one
FOCUS_BONUS = 0.08  # names what the question asks about
# "Which network does X surpass?" (question.asks_for_one_name): a sentence naming something
# the question does not name ("EfficientNet") is the one that can answer it.
NAME_BONUS = 0.06
# "What is X?": the sentence that defines X by apposition ("we present X, a novel approach
# to ...", "we curate X: a large-scale dataset", "X is a ..."), the definition asked for.
DEFINITION_BONUS = 0.08
# "What does IPC stand for?": only the sentence spelling it out ("IPC (Images Per Class)")
# answers, whatever else it says.
EXPANSION_BONUS = 0.25
# "Why ...": the sentence that gives a cause or a contrast ("due to", "because", "attributable
# to", "but", "unfortunately") says why; the paper's own contribution, close in words, says
# what it does about it.  (Widened to "What is wrong / what problems ..." it lost as many
# facts as it gained on the tuning sets, so it stays with "why".)
CAUSE_BONUS = 0.06
_CAUSE = re.compile(
    r"\b(?:because|due to|owing to|attributable|attributed to|as a result|results? in|"
    r"leads? to|caus(?:e|es|ed|ing)|unfortunately|but|however|yet|insufficient|lack\w*|"
    r"limit(?:s|ed|ation|ations)?|fail\w*|cannot|unable)\b",
    re.IGNORECASE,
)
# Background, problems and limitations motivate a paper; they answer only questions about them.
CONTEXT_FACTOR = 0.75
SAME_PAPER_PENALTY = 0.1  # per sentence already taken from that paper: prefer breadth
MIN_WORDS = 5
LINK_SENTENCE_WORDS = 12  # words besides the link a sentence with a URL needs to be quoted
LINK_ANSWER_WORDS = 1  # ... when the question asks where to get something
LINK_BONUS = 0.15  # a sentence giving a link, when the question asks where to get something

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Earlier work the question names by its authors ("the Nguyen et al. method that X extends"):
# the sentence citing it answers, though it is background.
_CITED_AUTHOR = re.compile(r"\b([A-Z][\w\-]+)\s+et\.?\s+al\b")
_END = re.compile(r"([.!?]+)([\"')\]]*)$")


@dataclass(frozen=True)
class Candidate:
    """A sentence of source `number`; `span` offsets are into the paper's abstract.

    `referent` is the name inserted after its opening "This / It ..." (referents.py);
    `context` marks the sentence before an anaphoric one, quoted so that one is understood.
    """

    number: int
    paper_id: str
    span: Span
    position: tuple[int, int]  # (chunk index, sentence index): the order in the paper
    score: float
    vector: np.ndarray = field(compare=False, repr=False)
    referent: str | None = None
    context: bool = False
    # The score with the words of the paper's own title left out of its lexical part: ranks
    # the sentences of the one paper an answer quotes (`within_paper`).
    own_score: float = 0.0


@dataclass(frozen=True)
class Plan:
    """The answer's sentences grouped per paper, or why there is none (`unstated`)."""

    groups: list[list[Candidate]]
    question: Question
    unstated: Unstated | None = None

    @property
    def abstains(self) -> bool:
        return not self.groups


@lru_cache(maxsize=512)
def _abstract_plan(abstract: str, name: str | None = None) -> AbstractPlan:
    return plan_of(abstract, name)


def paper_plan(paper: Paper) -> AbstractPlan:
    """The roles of a paper's abstract sentences (cached per abstract)."""
    return _abstract_plan(paper.abstract, short_title(paper.title))


def candidates(
    sources: Sequence[Source], *, links: bool = False, address: bool = False
) -> list[tuple[Source, Span, tuple[int, int]]]:
    """Every sentence of every source worth quoting: not too short, not a question, and not
    where code or data can be found (a link, "is available at") unless `links`."""
    found = []
    for source in sources:
        chunk = source.passage.chunk
        for index, span in enumerate(split_sentences(chunk.text, offset=chunk.start)):
            # A line that is mostly a link ("Code: https://...") answers nothing.
            # Asked where to get something, "Code: https://..." is the answer itself.
            link_words = LINK_ANSWER_WORDS if address else LINK_SENTENCE_WORDS
            if len(_URL.sub(" ", span.text).split()) < (
                link_words if _URL.search(span.text) else MIN_WORDS
            ):
                continue
            if span.text.rstrip().endswith("?"):  # the abstract asking, not answering
                continue
            if not links and paper_plan(source.paper).roles_at(span.start).resource:
                continue
            found.append((source, span, (chunk.index, index)))
    return found


def role_adjustment(question: Question, roles: Roles) -> tuple[float, float]:
    """(bonus, factor) for a sentence with `roles` answering `question`."""
    kinds = question.kinds
    wanted = (
        (question.wants_list and roles.contribution)
        or ("what" in kinds and (roles.contribution or roles.mechanism))
        or ("how" in kinds and roles.mechanism and not roles.result)
        or ("why" in kinds and (roles.problem or roles.mechanism))
        or ("other" in kinds and roles.provenance)
        or (question.wants_result and roles.result)
        or (question.wants_background and (roles.problem or roles.limitation))
        or (question.wants_names and roles.names)
    )
    bonus = ROLE_BONUS if wanted else 0.0
    if question.wants_figure and roles.figure:
        bonus += FIGURE_BONUS
    factor = CONTEXT_FACTOR if roles.context and not question.wants_background else 1.0
    return bonus, factor


def answer_sources(
    question: Question, sources: Sequence[Source], relevance: Relevance
) -> tuple[list[Source], tuple[str, ...]]:
    """The sources an answer could come from, and the subject papers the question names.

    With subject papers, theirs; else the passages at least PASSAGE_RELATIVE_FLOOR x as
    relevant as the best (LIST_PASSAGE_RELATIVE_FLOOR for a list question).  Which of these
    papers the answer cites is decided on their sentences (`choose_papers`).
    """
    subjects = subject_papers(question, sources, in_title=question.wants_list)
    if subjects:
        return [s for s in sources if s.paper.id in subjects], subjects
    share = LIST_PASSAGE_RELATIVE_FLOOR if question.wants_list else PASSAGE_RELATIVE_FLOOR
    cutoff = share * max(relevance.per_source, default=0.0)
    kept = [s for s, r in zip(sources, relevance.per_source, strict=True) if r >= cutoff]
    return kept, ()


def paper_values(
    question: Question,
    ranked: Sequence[Candidate],
    sources: Sequence[Source],
    *,
    embedder: Embedder,
    relevance: Relevance | None = None,
    weights: TermWeights | None = None,
) -> dict[str, dict[str, float]]:
    """Per paper with a candidate sentence, every signal the per-paper decision may weigh, by
    name (paper_choice.py documents them; benchmarks/train_paper_choice.py tries them)."""
    best: dict[str, float] = {}
    for candidate in ranked:
        best.setdefault(candidate.paper_id, candidate.score)
    titles = {s.paper.id: s.paper.title for s in sources if s.paper.id in best}
    if not titles:
        return {}
    ids = list(titles)
    matrix = embedder.embed_documents([question.text] + [titles[p] for p in ids])
    title_cosine = dict(zip(ids, (float(c) for c in cosines(matrix[0], matrix[1:])), strict=True))
    kept = [s for s in sources if s.paper.id in best]
    shares = phrase_shares(question.text, kept)
    passage: dict[str, float] = {}
    texts: dict[str, list[str]] = {}
    for index, source in enumerate(sources):
        if source.paper.id not in best:
            continue
        value = relevance.per_source[index] if relevance is not None else 0.0
        passage[source.paper.id] = max(passage.get(source.paper.id, 0.0), value)
        texts.setdefault(source.paper.id, [source.paper.title]).append(source.passage.chunk.text)
    wanted = relevance.query_terms if relevance is not None else frozenset()
    present = dict(zip(ids, terms_many([" ".join(texts[p]) for p in ids]), strict=True))
    # The paper's title and the sentences where it says what it contributes: a paper answers a
    # list question ("Which datasets contain multi-view images?") by what it is about, not by
    # a word it uses in passing.  Its background sentences, by contrast, name the neighbours'
    # topics too ("Large image datasets ..." opens half the library).
    own = {p: [titles[p]] for p in ids}
    rest: dict[str, list[str]] = {p: [] for p in ids}
    background: dict[str, list[str]] = {p: [] for p in ids}
    seen: set[str] = set()
    for source in kept:
        if source.paper.id in seen:
            continue
        seen.add(source.paper.id)
        abstract = paper_plan(source.paper)
        for span, roles in zip(abstract.spans, abstract.roles, strict=True):
            if roles.contribution:
                own[source.paper.id].append(span.text)
            elif roles.context:
                background[source.paper.id].append(span.text)
            else:
                rest[source.paper.id].append(span.text)
    stated = dict(zip(ids, terms_many([" ".join(own[p]) for p in ids]), strict=True))
    other = dict(zip(ids, terms_many([" ".join(rest[p]) for p in ids]), strict=True))
    framed = dict(zip(ids, terms_many([" ".join(background[p]) for p in ids]), strict=True))
    title_terms = dict(zip(ids, terms_many([titles[p] for p in ids]), strict=True))
    own_phrases = {p: phrase_share(question.text, " ".join(own[p])) for p in ids}
    kind = terms(" ".join(w for w in _asked_kind(question) if w not in _ANY_KIND))
    top_sentence = max(best.values())
    top_passage = max(passage.values(), default=0.0)
    order = {p: rank for rank, p in enumerate(best, start=1)}  # `ranked` is best first
    by_passage = sorted(ids, key=lambda p: -passage.get(p, 0.0))
    passage_order = {p: rank for rank, p in enumerate(by_passage, start=1)}
    listing = float(question.wants_list)

    def cover(present_terms: frozenset[str]) -> float:
        return coverage(wanted, present_terms, weights) if weights is not None else 0.0

    contribution = {p: cover(stated[p]) for p in ids}
    covered = {p: cover(present[p]) for p in ids}
    # "Which datasets were built for histopathology or segmentation?": a paper answers when
    # it matches one side of the "or", so it is scored on its better side too.
    sides = alternatives(question.text, wanted)

    def either(present_terms: frozenset[str]) -> float:
        if weights is None or not sides:
            return cover(present_terms)
        return max(coverage(side, present_terms, weights) for side in sides)

    # Terms the paper matches only in its background sentences: it speaks of the asked topic
    # as motivation, not as what it does.
    background_only = {p: cover(framed[p] - stated[p] - other[p] - title_terms[p]) for p in ids}
    # The drops between consecutive papers' best sentences: a paper above the largest drop is
    # in the leading group, one below it a neighbour (a per-question cut, not an absolute one).
    scores = [best[p] for p in best]
    drops = [scores[i] - scores[i + 1] for i in range(len(scores) - 1)]
    cut = drops.index(max(drops)) + 1 if drops else len(scores)
    mean = float(np.mean(scores))
    spread = max(float(np.std(scores)), 0.02)
    passages = [passage.get(p, 0.0) for p in ids]
    passage_mean = float(np.mean(passages))
    passage_spread = max(float(np.std(passages)), 0.02)
    top_contribution = max(contribution.values(), default=0.0)
    top_covered = max(covered.values(), default=0.0)
    out: dict[str, dict[str, float]] = {}
    for paper in ids:
        sentence_share = best[paper] / top_sentence if top_sentence > 0 else 0.0
        rank = order[paper]
        below = scores[rank] if rank < len(scores) else 0.0
        out[paper] = {
            "sentence": best[paper],
            "sentence_share": sentence_share,
            "phrases": shares.get(paper, 0.0),
            "title": title_cosine[paper],
            "passage": passage.get(paper, 0.0),
            "passage_share": passage.get(paper, 0.0) / top_passage if top_passage > 0 else 0.0,
            "coverage": covered[paper],
            "rank": 1.0 / rank,
            "contribution": contribution[paper],
            "kind": float(
                not kind or kind <= {_singular(t) for t in stated[paper]} | stated[paper]
            ),
            "list": listing,
            "list_sentence_share": listing * sentence_share,
            "contribution_share": contribution[paper] / top_contribution
            if top_contribution > 0
            else 0.0,
            "coverage_share": covered[paper] / top_covered if top_covered > 0 else 0.0,
            "title_terms": cover(title_terms[paper]),
            "own_phrases": own_phrases[paper],
            "background_only": background_only[paper],
            "passage_rank": 1.0 / passage_order[paper],
            "gap_below": (best[paper] - below) / top_sentence if top_sentence > 0 else 0.0,
            "above_cut": float(rank <= cut),
            "sentence_z": (best[paper] - mean) / spread,
            "passage_z": (passage.get(paper, 0.0) - passage_mean) / passage_spread,
            "papers": float(len(ids)),
            "either_coverage": either(present[paper]),
            "either_contribution": either(stated[paper]),
        }
    return out


def phrase_share(question: str, text: str) -> float:
    """The share of the question's two-word phrases that `text` holds."""
    wanted = phrases(question)
    return len(wanted & phrases(text)) / len(wanted) if wanted else 0.0


_ANY_KIND = {"papers", "paper", "works", "work", "studies", "study", "articles", "approaches"}


def _singular(term: str) -> str:
    return term[:-1] if len(term) > 3 and term.endswith("s") else term


def _asked_kind(question: Question) -> list[str]:
    """The kind of thing a list question asks for: "Which *datasets* ..." -> ["datasets"]."""
    match = re.match(r"\s*(?:which|what|list|name)\s+(\w+)", question.text, re.IGNORECASE)
    return [match.group(1).lower()] if match and question.wants_list else []


def choose_papers(
    question: Question,
    ranked: Sequence[Candidate],
    sources: Sequence[Source],
    *,
    embedder: Embedder,
    relevance: Relevance | None = None,
    weights: TermWeights | None = None,
) -> set[str]:
    """The papers the answer cites: the best one, and each other paper that the learned
    per-paper decision (paper_choice.py) judges to answer the question too."""
    values = paper_values(
        question, ranked, sources, embedder=embedder, relevance=relevance, weights=weights
    )
    if len(values) <= 1:
        return set(values)
    top = ranked[0].paper_id
    listing = question.wants_list
    return {p for p, v in values.items() if p == top or paper_choice.answers(v, listing=listing)}


def score_candidates(
    question: str | Question,
    sources: Sequence[Source],
    relevance: Relevance,
    *,
    embedder: Embedder,
    weights: TermWeights,
) -> list[Candidate]:
    """The candidate sentences worth quoting, with their scores, best first.

    The sentences of the subject papers' sources when the question names papers, else of
    every source.
    """
    asked = question if isinstance(question, Question) else analyse(question)
    context = {s.number: r for s, r in zip(sources, relevance.per_source, strict=True)}
    subjects = subject_papers(asked, sources, in_title=asked.wants_list)
    usable = [s for s in sources if s.paper.id in subjects] if subjects else list(sources)
    found = candidates(usable, links=asked.wants_link, address=asked.wants_address)
    if not found:
        return []
    # The name that picks out the subject paper ("How does G-SimCLR obtain its pseudo
    # labels?") is in many of its sentences ("We refer to our method as G-SimCLR"): it says
    # which paper answers, not which of its sentences does, so it does not score them.
    wanted = relevance.query_terms
    if subjects:
        wanted = wanted - terms(" ".join(subject_names(asked, sources, subjects)))
    # Likewise a clause that only says which paper answers ("According to the Visual Genome
    # paper, ..."): its words are in the sentences that describe the paper, not the answer.
    frame = frame_of(asked.text)
    asking = asked.text.replace(frame, " ").strip() if frame else asked.text
    if frame:
        wanted = (wanted - terms(frame)) | (wanted & terms(asking))
    matrix = embedder.embed_documents([asking] + [span.text for _, span, _ in found])
    sims = cosines(matrix[0], matrix[1:])
    present = [with_number_forms(t) for t in terms_many([span.text for _, span, _ in found])]
    focus = terms(" ".join(asked.focus)) if asked.focus else frozenset()
    because = "why" in asked.kinds
    one_name = asks_for_one_name(asked.text)
    asked_names = {n.lower() for n in asked.names}
    defined = defined_name(asked)
    spelled = spelled_name(asked)
    # "Which papers report mIoU *numbers*?": the word for a figure is met by any figure the
    # sentence gives ("an mIoU of 86.18%"); abstracts seldom write "numbers" or "values".
    quantity = terms(
        " ".join(w for w in re.findall(r"\w+", asked.text) if w.lower() in QUANTITY_NOUNS)
    )
    valued = value_patterns(asked)
    cited_authors = _CITED_AUTHOR.findall(asked.text)
    # "On which datasets was PatternNet evaluated?": its sentence naming them is the answer.
    typed = (
        typed_names(tuple(s.paper.abstract for s in usable))
        if subjects and asks_for_names(asked.text)
        else None
    )
    titled: dict[str, frozenset[str]] = {}

    def own_wanted(paper: Paper) -> frozenset[str]:
        # A paper the question describes rather than names ("the bidirectional image and
        # text matching project") is picked out by its title's words, in many of its
        # sentences: they say which paper answers, not which of its sentences does.
        if paper.id not in titled:
            titled[paper.id] = (wanted - terms(paper.title)) or wanted
        return titled[paper.id]

    scored = []
    for (source, span, position), sim, words, vector in zip(
        found, sims, present, matrix[1:], strict=True
    ):
        roles = paper_plan(source.paper).roles_at(span.start)
        bonus, factor = role_adjustment(asked, roles)
        if cited_authors and any(f"{a} et" in span.text for a in cited_authors):
            factor = 1.0
        if quantity and roles.figure:
            words = words | quantity
        if valued and any(p.search(span.text) for p in valued):
            words = words | focus  # "which year" is met by "(2016)"
        if focus and all(has_term(t, words) for t in focus):
            bonus += FOCUS_BONUS
        if one_name and any(n.lower() not in asked_names for n in NAME.findall(span.text)):
            bonus += NAME_BONUS
        elif typed is not None and names_asked(span.text, asked, *typed):
            bonus += NAME_BONUS  # "On which datasets ...": a sentence naming datasets
        if defined and defines(span.text, defined):
            bonus += DEFINITION_BONUS
        if spelled and spells_out(span.text, spelled):
            bonus += EXPANSION_BONUS
        if because and _CAUSE.search(span.text):
            bonus += CAUSE_BONUS
        if asked.wants_address and _URL.search(span.text):
            bonus += LINK_BONUS
        rest = COSINE_WEIGHT * max(float(sim), 0.0) + CONTEXT_WEIGHT * context[source.number]
        base = rest + LEXICAL_WEIGHT * coverage(wanted, words, weights)
        own = rest + LEXICAL_WEIGHT * coverage(own_wanted(source.paper), words, weights)
        scored.append(
            Candidate(
                number=source.number,
                paper_id=source.paper.id,
                span=span,
                position=position,
                score=(base + bonus) * factor,
                vector=vector,
                own_score=(own + bonus) * factor,
            )
        )
    return sorted(scored, key=lambda c: -c.score)


_WHAT_IS = re.compile(r"^\s*what\s+(?:is|are)\s+(?:the\s+|an?\s+)?(.+?)\s*\??\s*$", re.I)


_STANDS_FOR = re.compile(
    r"\bwhat (?:does|do) (?:the (?:acronym|abbreviation) )?[\"“']?(?P<name>[\w\-+]+)[\"”']? "
    r"(?:stand for|mean)\b|\bwhat is (?P<short>[\w\-+]+) short for\b",
    re.IGNORECASE,
)


def spelled_name(question: Question) -> str | None:
    """The acronym a "What does X stand for?" question asks to spell out."""
    found = _STANDS_FOR.search(question.text)
    return (found.group("name") or found.group("short")) if found else None


def spells_out(sentence: str, name: str) -> bool:
    """Whether `sentence` spells out `name`: "IPC (Images Per Class)", "Images Per Class
    (IPC)"."""
    escaped = re.escape(name)
    return bool(
        re.search(rf"\b{escaped}\s*\((?:[A-Za-z][\w\-]*\s+){{1,6}}[\w\-]+\)", sentence)
        or re.search(rf"(?:[A-Za-z][\w\-]*\s+){{1,6}}\({escaped}\)", sentence)
    )


def defined_name(question: Question) -> str | None:
    """The name a "What is X?" question asks to define ("What is MVPNet?" -> "MVPNet"): the
    whole rest of the question, when it is one of its names."""
    match = _WHAT_IS.match(question.text)
    if not match:
        return None
    rest = match.group(1)
    return rest if rest in question.names else None


def defines(sentence: str, name: str) -> bool:
    """Whether `sentence` defines `name` by apposition or copula: "X, a ...", "X: a ...",
    "X - a ...", "X (ABBR), a ...", "X is a ...", "... called / named / termed X"."""
    escaped = re.escape(name)
    return bool(
        re.search(
            rf"\b{escaped}(?:\s*\([^)]*\))?\s*(?:,|:|-|–|—|\bis\b|\bare\b)\s*(?:an?|the)\b",
            sentence,
        )
        or re.search(
            rf"\b(?:called|named|termed|dubbed|name as|referred to as)\s+[\"“]?{escaped}\b",
            sentence,
        )
    )


def retrieval_k(question: str | Question, k: int) -> int:
    """How many passages to retrieve for `question` when other questions get `k`."""
    asked = question if isinstance(question, Question) else analyse(question)
    return k * LIST_K_FACTOR if asked.wants_list else k


def within_paper(ranked: Sequence[Candidate]) -> list[Candidate]:
    """The candidates of one paper ranked by `own_score`, each scored by it: the paper an
    answer quotes, named or described, is picked out by its title's words, in many of its
    sentences ("the bidirectional image and text matching project", "LaSO ... multi-label
    few-shot"); they say which paper answers, not which of its sentences does."""
    return sorted(
        (dataclasses.replace(c, score=c.own_score) for c in ranked), key=lambda c: -c.score
    )


def asks_for_list(question: str) -> bool:
    return analyse(question).wants_list


def plan(
    question: str,
    sources: Sequence[Source],
    relevance: Relevance,
    *,
    embedder: Embedder,
    weights: TermWeights,
) -> Plan:
    """The answer's sentences grouped per paper, in answer order; no groups means abstain."""
    asked = analyse(question)
    usable, subjects = answer_sources(asked, sources, relevance)
    missing = unstated(asked, usable, subjects)
    if missing is not None:
        return Plan([], asked, missing)
    ranked = score_candidates(asked, sources, relevance, embedder=embedder, weights=weights)
    if not subjects:
        cited = choose_papers(
            asked, ranked, sources, embedder=embedder, relevance=relevance, weights=weights
        )
        ranked = [c for c in ranked if c.paper_id in cited]
        # "Which network architecture was trained on JFT-300M in the data-effectiveness
        # revisit?": one paper, described rather than named, answers; it must name one.
        if len(cited) == 1:
            (only,) = cited
            paper = next(s.paper for s in sources if s.paper.id == only)
            missing = names_unstated(asked, [paper], sources, (only,))
            if missing is not None:
                return Plan([], asked, missing)
            ranked = within_paper(ranked)
    elif len(subjects) == 1:
        ranked = within_paper(ranked)  # "How does LaSO synthesize examples for multi-label ..."
    if asked.wants_list and not subjects:
        chosen = select(
            ranked,
            max_sentences=LIST_MAX_SENTENCES,
            max_per_paper=LIST_MAX_PER_PAPER,
            across_papers=LIST_SENTENCE_FLOOR,
        )
    elif len(subjects) >= 2:
        # A question that names two papers or more ("What do the DIOR and FAIR1M datasets
        # contain?") asks about each: each gets its own best sentences, not only those that
        # come near the best of the other's.
        share = max(1, MAX_SENTENCES // len(subjects))
        chosen = [
            c
            for paper in subjects
            for c in select([r for r in ranked if r.paper_id == paper], max_sentences=share)
        ]
    else:
        chosen = select(ranked)
    if "how" in asked.kinds:
        abstracts = {s.paper.id: s.paper.abstract for s in sources}
        chosen = with_elaborations(chosen, ranked, abstracts)
    groups = arrange(chosen)
    one_paper = len(groups) == 1 and not asked.wants_list
    return Plan(with_referents(groups, sources, why=asked.kind == "why", labels=one_paper), asked)


# "How does X ...": the sentence saying what a paper does is often spelled out by the next one
# ("More specifically, we factorize the search space into blocks ..."), which says how.
_ELABORATES = re.compile(
    r"^\W*(?:more specifically|specifically|concretely|in particular|to this end|to do so|"
    r"to achieve this|namely|in detail)\b",
    re.IGNORECASE,
)


def with_elaborations(
    chosen: Sequence[Candidate], ranked: Sequence[Candidate], abstracts: dict[str, str]
) -> list[Candidate]:
    """`chosen` and, after each, the sentence right after it in its abstract (`abstracts`, by
    paper id) when that one opens by spelling it out ("Specifically, ..."), if `ranked` holds
    it."""
    found = list(chosen)
    for candidate in chosen:
        after = [
            r
            for r in ranked
            if r.paper_id == candidate.paper_id and r.span.start >= candidate.span.end
        ]
        if not after:
            continue
        following = min(after, key=lambda r: r.span.start)
        between = abstracts[candidate.paper_id][candidate.span.end : following.span.start]
        if (
            not between.strip()
            and _ELABORATES.match(following.span.text)
            and all(c.span.start != following.span.start for c in found)
        ):
            found.append(following)
    return found


def select(
    ranked: Sequence[Candidate],
    *,
    max_sentences: int = MAX_SENTENCES,
    max_per_paper: int = MAX_PER_PAPER,
    across_papers: float = PAPER_SENTENCE_FLOOR,
) -> list[Candidate]:
    """Maximal-marginal-relevance pick among `ranked` (best first); empty means abstain.

    A sentence is a candidate when it scores at least MIN_SENTENCE_SCORE, RELATIVE_FLOOR x
    the best sentence of its paper and `across_papers` x the best sentence overall.
    """
    if not ranked or ranked[0].score < MIN_SENTENCE_SCORE:
        return []
    paper_best: dict[str, float] = {}
    for candidate in ranked:
        paper_best.setdefault(candidate.paper_id, candidate.score)
    pool = [
        c
        for c in ranked
        if c.score >= MIN_SENTENCE_SCORE
        and c.score >= RELATIVE_FLOOR * paper_best[c.paper_id]
        and c.score >= across_papers * ranked[0].score
    ]
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


def _previous(source: Source, span: Span, sources: Sequence[Source]) -> tuple[Source, Span] | None:
    """The sentence before `span` in its abstract, with a source passage that holds it."""
    abstract = paper_plan(source.paper)
    index = abstract.index_at(span.start)
    if not index:
        return None
    before = abstract.spans[index - 1]
    for other in sources:
        chunk = other.passage.chunk
        if other.paper.id == source.paper.id and chunk.start <= before.start < chunk.end:
            for piece in split_sentences(chunk.text, offset=chunk.start):
                if piece.start == before.start:
                    return other, piece
    return None


def with_referents(
    groups: Sequence[Sequence[Candidate]],
    sources: Sequence[Source],
    *,
    why: bool = False,
    labels: bool = False,
) -> list[list[Candidate]]:
    """Each group with referents for its sentences that open with "This / It / They ...";
    for a "why" question, also the sentence giving the cause of one that draws a consequence;
    with `labels` (an answer from one paper), the sentence stating the problem one names by a
    label ("these challenges")."""
    by_number = {s.number: s for s in sources}
    out: list[list[Candidate]] = []
    for group in groups:
        quoted = {c.span.start for c in group}
        result: list[Candidate] = []
        for candidate in group:
            source = by_number[candidate.number]
            before = _previous(source, candidate.span, sources)
            previous = before[1].text if before else None
            if before is not None and before[1].start in quoted:
                result.append(candidate)  # the sentence before is quoted already
                continue
            name = short_title(source.paper.title)
            found = referent(candidate.span.text, previous, name)
            if found:
                result.append(dataclasses.replace(candidate, referent=found))
            elif before is not None and (
                needs_previous(candidate.span.text, previous, name)
                or (why and draws_consequence(candidate.span.text))
                or (labels and labels_previous(candidate.span.text))
            ):
                other, span = before
                result.append(
                    dataclasses.replace(
                        candidate,
                        number=other.number,
                        span=span,
                        position=(other.passage.chunk.index, candidate.position[1] - 1),
                        context=True,
                    )
                )
                quoted.add(span.start)
                result.append(candidate)
            else:
                result.append(candidate)
        out.append(sorted(result, key=lambda c: (c.span.start, c.position)))
    return out


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


def render(
    groups: Sequence[Sequence[Candidate]], sources: Sequence[Source]
) -> Generator[str, None, None]:
    """The answer text, one sentence per piece, paragraphs per paper."""
    titles = {s.number: s.paper.title for s in sources}
    for index, group in enumerate(groups):
        prefix = "\n\n" if index else ""
        label = short_title(titles[group[0].number])
        for position, candidate in enumerate(group):
            lead = f"{prefix}{label}: " if position == 0 else " "
            text = candidate.span.text
            if candidate.referent:
                text = with_referent(text, candidate.referent)
            yield lead + cite(text, candidate.number)


def _listed(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def nearest_papers(relevance: Relevance, sources: Sequence[Source], n: int = 3) -> list[str]:
    """Short names of the `n` most relevant distinct papers among `sources`."""
    order = sorted(range(len(sources)), key=lambda i: -relevance.per_source[i])
    names: list[str] = []
    for index in order:
        name = short_title(sources[index].paper.title)
        if name not in names:
            names.append(name)
        if len(names) == n:
            break
    return names


def unstated_text(missing: Unstated, relevance: Relevance, sources: Sequence[Source]) -> str:
    """One sentence: what is not stated, where we looked, and the nearest papers.

    One sentence on purpose: the verifier reads "not stated" as a remark about the sources,
    so the abstention carries no uncited claim.
    """
    titles = {s.paper.id: s.paper.title for s in sources}
    where = (
        "the abstract of " + _listed([short_title(titles[p]) for p in missing.papers])
        if missing.papers
        else "the abstracts the library returned for this question"
    )
    verb = "mentioned" if missing.what.startswith('"') else "stated"
    what = missing.what[0].upper() + missing.what[1:]
    # "The DNN architectures are not stated"; "how many epochs", a question, "is" not stated.
    head = what.split(" of ")[0]  # "The share of LGS products is"
    plural = what.startswith("The ") and re.search(r"[^s']s$", head) is not None
    nearest = _listed(nearest_papers(relevance, sources))
    be = "are" if plural else "is"
    return f"{what} {be} not {verb} in {where}; the nearest papers are {nearest}."


def abstention_text(
    relevance: Relevance,
    sources: Sequence[Source],
    question: str | None = None,
    missing: Unstated | None = None,
) -> str:
    """Why there is no answer: nothing relevant, or what the question asks is not stated
    (`missing`, the plan's reason, or found again here)."""
    if not sources:
        return "The library has no passage related to this question, so there is nothing to cite."
    best = max(range(len(sources)), key=lambda i: relevance.per_source[i])
    if relevance.relevant and question is not None:
        if missing is None:
            asked = analyse(question)
            usable, subjects = answer_sources(asked, sources, relevance)
            missing = unstated(asked, usable, subjects)
        if missing is not None:
            return unstated_text(missing, relevance, sources)
        return (
            "No sentence of the closest abstracts answers this question closely enough, so "
            f"nothing is quoted (closest: {_listed(nearest_papers(relevance, sources))}). Try "
            "rephrasing it."
        )
    return (
        "The library does not seem to answer this question: no passage matches it closely "
        f'enough (closest: "{sources[best].paper.title}", relevance '
        f"{relevance.per_source[best]:.2f} < {relevance.threshold:.2f}). Try rephrasing it, or "
        "add papers on the topic."
    )
