"""A model's reply read before its citations are checked: what small local models get wrong.

Models of 0.5-2B parameters (what people run with Ollama or llama.cpp on a laptop) state the
right fact and then cite in the wrong place, or talk about the sources instead of from them.
Read naively, their replies flag correct facts and pass empty ones.  `read` turns a reply into
the sentences the citation check sees (citations.MarkedSentence), each with its role:

* a marker put on a meta sentence ("This information is provided in the abstract of [1].",
  "This is stated in source [2].") belongs to the fact before it: the fact gets it, the meta
  sentence becomes a remark;
* a single marker at the end of a paragraph ("A. B. C [1].") belongs to every uncited
  sentence of that paragraph when it is the only source the paragraph cites (unambiguous);
  with two sources in the paragraph nothing is guessed;
* abstention text is never a claim, wherever it stands: "The sources do not answer this
  question." (also after a fact: "X does Y. The sources do not answer this question.") and the
  uncited sentences after it that describe the sources ("They cover a wide range of topics.")
  are remarks;
* a cited sentence that says nothing a source states, only what "the sources" do in general
  ("The sources propose dataset distillation methods [1][2].") is `vacuous`: flagged, not
  passed on word overlap.

After the check, its verdicts show more (`reattribute`): a flagged sentence that exactly one
other retrieved paper supports is that paper's fact, cited to the wrong number; an uncited fact
beside a cited sentence is covered by its neighbour's source when that source supports it.  And
a near miss (`states_unstated`): when the abstracts were found not to state what the question
asks (stated.py), a sentence of the reply stating it is flagged whatever its word overlap.

The reply text itself is never rewritten: what streamed is what is stored and shown; a changed
attribution is said in the sentence's note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from assistant.rag.citations import MarkedSentence, Marker, SentenceRole, answer_sentences
from assistant.rag.question import Question, names_in
from assistant.rag.scoring import query_terms, terms
from assistant.rag.stated import Unstated
from assistant.types import AnswerSentence, Source

# The first sentence of a reply that finds no answer.  Small models vary the wording a lot.
_ABSTAIN = re.compile(
    r"^\W*(?:"
    r"(?:the |these |provided |given |retrieved )*(?:sources?|passages?|abstracts?|papers?|"
    r"documents?|context|information)\s+(?:provided\s+)?(?:do|does|did)\s*(?:not|n't)\s+"
    r"(?:\w+ly\s+)?(?:answer|address|mention|provide|contain|specify|include|discuss|state|"
    r"give|say|cover|report|describe|offer|indicate)"
    r"|none of the (?:sources|passages|abstracts|papers)"
    r"|there (?:is|are) no (?:information|mention|details?|data|sources?)"
    r"|no (?:information|source|passage|details?)\b"
    r"|i (?:cannot|can't|could not|couldn't|am unable to|was unable to) (?:find|answer|determine)"
    r"|(?:unfortunately|sorry),? (?:the|there|i|none)"
    r"|(?:this|the question|that) (?:is|was) not (?:answered|addressed|mentioned|covered)"
    r")",
    re.IGNORECASE,
)
# A sentence about where a fact is written, not a fact: "This information is provided in [1]."
_META = re.compile(
    r"^\W*(?:(?:this|that|these|the above|such|all of this|both)\s*(?:information|details?|"
    r"facts?|figures?|numbers?|data|statements?)?\s*(?:is|are|was|were|can be|comes?)\s+"
    r"(?:\w+ly\s+)?(?:provided|stated|mentioned|given|found|described|reported|taken|derived|"
    r"based|explained|detailed|shown|from|in|according)\b"
    r"|(?:see|source|sources|refer to|as (?:stated|mentioned|described|shown) in)\b"
    r"|(?:according to|as per)\s+(?:the\s+)?(?:sources?|abstracts?|passages?|papers?)\s*"
    r"(?:\[[^\]]*\]\s*)*[.!]?\s*$)",
    re.IGNORECASE,
)
# "They cover ...", "The sources discuss ...": a sentence whose subject is the sources.
_ABOUT_SOURCES = re.compile(
    r"^\W*(?:however,?\s+|instead,?\s+|but\s+)?(?:they|the(?:se)?\s+(?:provided\s+)?"
    r"(?:sources?|passages?|abstracts?|papers?|documents?|studies|works))\b",
    re.IGNORECASE,
)
# A sentence whose subject is the sources taken together (see `vacuous`).
_SOURCES_SUBJECT = re.compile(
    r"^\W*(?:the|these|both|all|several|many|some|two|three)\s+(?:provided\s+|given\s+|"
    r"cited\s+)?(?:sources?|passages?|abstracts?|papers?|documents?|studies|works)\b",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"\d")
# A duration in a sentence: "3 days", "12 GPU-hours".
_DURATION = re.compile(
    r"\b\d[\d,.]*\s*(?:-\s*)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|"
    r"gpu[- ]?(?:hours?|days?)|tpu[- ]?(?:hours?|days?))\b",
    re.IGNORECASE,
)
# Content words left in a "the sources ..." sentence for it to say something specific.
MIN_SPECIFIC_TERMS = 5


# The same said of the asked thing, later in the sentence: "The dropout rate used ... is not
# explicitly stated in the given sources.", "..., but the sources do not specify it."
_NOT_IN_SOURCES = re.compile(
    r"\b(?:is|are|was|were)\s+not\s+(?:\w+ly\s+)?(?:stated|mentioned|provided|given|specified|"
    r"reported|described|included|discussed|addressed|found)\s+(?:in|by)\s+(?:any\s+of\s+)?"
    r"(?:the\s+)?(?:given\s+|provided\s+|retrieved\s+|available\s+)?(?:sources?|abstracts?|"
    r"passages?|context|information|documents?)\b"
    r"|\b(?:the\s+)?(?:given\s+|provided\s+)?(?:sources?|abstracts?|passages?|context)\s+"
    r"(?:do|does|did)\s*(?:not|n't)\s+(?:\w+ly\s+)?(?:answer|mention|provide|specify|state|"
    r"give|say|report|include|contain)\b",
    re.IGNORECASE,
)


def _abstains(claim: str, *, cited: bool) -> bool:
    """Whether one sentence says that the sources do not answer: it opens so, or, citing
    nothing and stating no figure of its own, says that what is asked is not in them."""
    if _ABSTAIN.search(claim):
        return True
    if cited or not _NOT_IN_SOURCES.search(claim):
        return False
    # A figure makes it a claim with a doubt attached ("X reaches 60%, but the sources do not
    # state its cost"), which the check must see; a name's digits ("LLaVA-7B") are no figure.
    for name in names_in(claim):
        claim = claim.replace(name, " ")
    return not _FIGURE.search(claim)


def is_abstention(text: str) -> bool:
    """Whether the reply opens by saying that the sources do not answer (`_abstains`)."""
    if _ABSTAIN.search(text.strip()):
        return True
    first = answer_sentences(text)[:1]
    return bool(first) and _abstains(first[0].claim, cited=bool(first[0].markers))


def is_meta(claim: str) -> bool:
    """A sentence that says where something is written, and nothing else."""
    return bool(_META.search(claim))


def vacuous(claim: str) -> bool:
    """ "The sources propose dataset distillation methods [1][2].": the sources as subject, no
    name, no figure, hardly a word beyond the topic.  A claim like that passes a word-overlap
    check against any source on the topic while stating nothing a reader could check."""
    subject = _SOURCES_SUBJECT.search(claim)
    if subject is None:
        return False
    rest = claim[subject.end() :]
    if names_in(rest) or _FIGURE.search(rest):
        return False
    return len(query_terms(rest)) < MIN_SPECIFIC_TERMS


def _paragraphs(sentences: list[MarkedSentence], text: str) -> list[list[int]]:
    """Indexes of the sentences of each paragraph (a blank line between paragraphs)."""
    groups: list[list[int]] = []
    previous_end = 0
    for index, sentence in enumerate(sentences):
        gap = text[previous_end : sentence.span.start]
        if not groups or "\n\n" in gap:
            groups.append([])
        groups[-1].append(index)
        previous_end = sentence.span.end
    return groups


def read(text: str) -> list[MarkedSentence]:
    """The reply's sentences as the citation check should see them (see the module docstring)."""
    sentences = answer_sentences(text)
    roles: list[SentenceRole] = ["auto"] * len(sentences)
    markers = [s.markers for s in sentences]
    abstaining = False
    for index, sentence in enumerate(sentences):
        claim = sentence.claim
        if index == 0 or "\n\n" in text[sentences[index - 1].span.end : sentence.span.start]:
            # an abstention holds for its paragraph
            abstaining = _abstains(claim, cited=bool(sentence.markers))
            if abstaining:
                roles[index] = "remark"
                continue
        if not sentence.markers and _abstains(claim, cited=False):
            # "X does Y. The sources do not answer this question.": the model's doubt after a
            # fact claims nothing (the fact before it is checked as any other)
            roles[index] = "remark"
            abstaining = True
            continue
        if abstaining and not sentence.markers and _ABOUT_SOURCES.search(claim):
            roles[index] = "remark"
        elif sentence.markers and is_meta(claim):
            roles[index] = "remark"
            lent = sentence.markers
            markers[index] = ()
            before = index - 1
            if before >= 0 and roles[before] == "auto" and not markers[before]:
                markers[before] = lent
            elif index + 1 < len(sentences) and not markers[index + 1]:
                markers[index + 1] = lent  # "According to the sources [1]: the fact."
        elif sentence.markers and vacuous(claim):
            roles[index] = "vacuous"

    def ends_colon(index: int) -> bool:
        return sentences[index].claim.endswith(":")

    for group in _paragraphs(sentences, text):
        cited = {n for i in group for m in markers[i] for n in m.numbers}
        if len(cited) != 1:
            continue  # no marker to lend, or two sources: which fact is whose is a guess
        last = max(i for i in group if markers[i])
        lender = markers[last]
        for i in group:
            # "The facts are:" claims nothing and borrows no marker
            if i < last and not markers[i] and roles[i] == "auto" and not ends_colon(i):
                markers[i] = lender
    return [
        replace(sentence, markers=markers[i], role=roles[i]) for i, sentence in enumerate(sentences)
    ]


# ---- after the check: what the verdicts tell about where a marker belongs ------------------
# A function that checks sentences of the reply as marked (citations.verify, bound to the
# reply's text and sources): one verdict per sentence, in order.
Check = Callable[[Sequence[MarkedSentence]], Sequence[AnswerSentence]]
# Flagged for these reasons, a cited sentence may be another source's fact.  A vacuous one says
# nothing to re-attribute; a marker naming no retrieved source is shown as what it is.
_REATTRIBUTABLE: frozenset[str] = frozenset(
    {"wrong_paper", "not_in_source", "figure", "overclaim", "negation"}
)


@dataclass(frozen=True)
class Reattribution:
    """Sentence `index` of the reply cites `numbers` instead, and `note` says why: "moved", a
    marker that named the wrong paper (still flagged so), or "lent", a neighbour's marker."""

    index: int
    numbers: tuple[int, ...]
    note: str
    kind: Literal["moved", "lent"]


def _marker(number: int) -> Marker:
    # not in the text (offsets -1): the check reads only the numbers of a marker
    return Marker(-1, -1, f"[{number}]", (number,))


def _supporting(
    sentence: MarkedSentence, numbers: Iterable[int], papers: Mapping[int, str], check: Check
) -> list[int]:
    """The numbers, one per paper, whose source alone the check finds supports the sentence."""
    found: dict[str, int] = {}
    for number in numbers:
        paper = papers[number]
        if paper in found:
            continue
        (verdict,) = check([replace(sentence, markers=(_marker(number),), role="auto")])
        if verdict.supported:
            found[paper] = number
    return list(found.values())


def reattribute(
    marked: Sequence[MarkedSentence],
    verdicts: Sequence[AnswerSentence],
    sources: Sequence[Source],
    check: Check,
) -> list[Reattribution]:
    """Where the check's verdicts show a marker on the wrong sentence or the wrong source.

    * A cited sentence the check flags ("1.4B ... [3]" where [3] does not give 1.4B) that
      exactly one other retrieved paper supports on its own, names, figures and all, is that
      paper's fact: small models attach the number of the source they read last.  When no
      other paper, or two, support it, nothing is guessed and the flag stands.
    * An uncited claim beside a cited sentence of its paragraph ("5 subjects [1]. Each viewed
      3142 objects.") takes its neighbour's source when that source supports it and the other
      neighbour's does not: the model cited the pair once.
    * In a reply that cites nothing at all (small models forget the markers, then copy the
      source's sentences), an uncited claim that exactly one retrieved paper supports takes
      that paper's source; with two, or none, the "no citation" flag stands.

    Every change is one the check itself then passes, and it is said in the sentence's note
    (the reply's text keeps what the model wrote).  A moved marker's sentence stays flagged
    ("the wrong paper cited: the reply cited [3], but [1] states it"), now citing the source that
    states it, so that a reader follows the right one.
    """
    papers = {s.number: s.paper.id for s in sources}
    uncited_reply = not any(m.markers for m in marked)
    found: list[Reattribution] = []
    for index, (sentence, verdict) in enumerate(zip(marked, verdicts, strict=True)):
        if verdict.supported or sentence.role != "auto":
            continue
        if verdict.reason in _REATTRIBUTABLE and verdict.citations:
            cited = {papers[n] for n in verdict.citations if n in papers}
            others = [n for n in sorted(papers) if papers[n] not in cited]
            support = _supporting(sentence, others, papers, check)
            if len(support) == 1:
                was = "".join(f"[{n}]" for n in verdict.citations)
                note = f"the reply cited {was}, but [{support[0]}] states it"
                found.append(Reattribution(index, (support[0],), note, "moved"))
        elif verdict.reason == "no_citation" and not sentence.markers:
            lent = [
                n
                for near in _neighbours(marked, index)
                for m in marked[near].markers
                for n in m.numbers
                if n in papers
            ]
            if lent:
                support = _supporting(sentence, dict.fromkeys(lent), papers, check)
                said = "[{}], cited beside it, states it"
            elif uncited_reply:
                support = _supporting(sentence, sorted(papers), papers, check)
                said = "[{}] is the one source that states it"
            else:
                continue
            if len(support) == 1:
                note = "no marker in the reply; " + said.format(support[0])
                found.append(Reattribution(index, (support[0],), note, "lent"))
    return found


def _neighbours(marked: Sequence[MarkedSentence], index: int) -> list[int]:
    """The cited claims just before and after sentence `index` (remarks are skipped)."""
    near: list[int] = []
    for step in (-1, 1):
        other = index + step
        while 0 <= other < len(marked) and marked[other].role == "remark":
            other += step
        if 0 <= other < len(marked) and marked[other].markers:
            near.append(other)
    return near


def with_reattributions(
    marked: Sequence[MarkedSentence], changes: Sequence[Reattribution]
) -> list[MarkedSentence]:
    """`marked` with each change's sentence citing its new source."""
    out = list(marked)
    for change in changes:
        markers = tuple(_marker(n) for n in change.numbers)
        out[change.index] = replace(out[change.index], markers=markers)
    return out


def states_unstated(claim: str, question: Question, missing: Unstated) -> bool:
    """Whether a sentence of the reply gives what the abstracts were found not to state.

    A near miss ("What learning rate does G-SimCLR use?") passes the relevance gate, and a
    small model answers it anyway ("G-SimCLR uses a learning rate of 0.1 [2].").  stated.py
    found that no abstract states the question's focus (or its name, or a duration); a sentence
    that speaks of that focus, with a figure when the focus is counted or measured, states what
    the sources do not give, whatever its word overlap with them.
    """
    present = terms(claim)
    if missing.what.startswith('"'):  # a name no abstract mentions ("MNIST")
        name = missing.what.strip('"')
        return bool(terms(name)) and terms(name) <= present
    if question.wants_duration and missing.what == "how long it takes":
        return bool(_DURATION.search(claim))
    if not question.focus:
        return False
    head = terms(question.focus[-1])
    if not head or not head <= present:
        return False
    return not question.figure_focus or bool(_FIGURE.search(claim))
