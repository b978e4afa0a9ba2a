"""How each sentence of an answer, and each source it cites, is vouched for: one wording for the
TUI, the CLI, `--json` and exported notes.

An offline (extractive) answer quotes its sources word for word.  A support score for a quote only
says that a sentence matches itself (every one would read 0.9-1.0), so a quoted sentence is
shown as what it is, a quote, with where it stands: "quoted from Smith et al. 2020, abstract
sentence 3".  A sentence a model wrote shows the citation check's verdict and score ("supported
0.82"), and an unsupported one says why, in the words of the check's reason: "unsupported: a
figure the source does not give: 3 billion (the source gives 1.4 billion)".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.text import authors_short, short_title, year_text
from assistant.types import Answer, AnswerSentence, Citation, Paper, UnsupportedReason

BadgeKind = Literal["quote", "supported", "unsupported", "remark"]


@dataclass(frozen=True)
class Badge:
    """What vouches for a sentence (or a cited source): `label` is the line a person reads;
    `support` is None for a quote and a remark, which have no score worth showing."""

    kind: BadgeKind
    label: str
    support: float | None = None
    reason: UnsupportedReason | None = None


def paper_who(paper: Paper) -> str:
    """`Smith et al. 2020`, the short title standing in for missing authors."""
    who = authors_short(paper.authors) or short_title(paper.title)
    return f"{who} {year_text(paper.year)}"


def _where(citation: Citation) -> str:
    if citation.abstract_sentence:
        return f"abstract sentence {citation.abstract_sentence}"
    return "abstract"


def _sentence_citations(answer: Answer, index: int) -> list[Citation]:
    return [c for c in answer.citations if c.sentence == index]


def _papers(answer: Answer) -> dict[int, Paper]:
    return {s.number: s.paper for s in answer.sources}


def quote_label(answer: Answer, citations: list[Citation]) -> str:
    """`quoted from Smith et al. 2020, abstract sentence 3` (several places joined by `; `)."""
    papers = _papers(answer)
    places = []
    for citation in citations:
        paper = papers.get(citation.number)
        if paper is not None:
            place = f"{paper_who(paper)}, {_where(citation)}"
            if place not in places:
                places.append(place)
    return "quoted from " + "; ".join(places) if places else "quoted"


def sentence_badge(answer: Answer, index: int) -> Badge:
    """The badge of `answer.sentences[index]`."""
    sentence: AnswerSentence = answer.sentences[index]
    if sentence.supported and not sentence.citations:
        return Badge("remark", sentence.note or "not a claim")
    if sentence.quoted:
        cites = [c for c in _sentence_citations(answer, index) if c.start < c.end]
        return Badge("quote", quote_label(answer, cites))
    if sentence.supported:
        # a note on a supported sentence says how its citation was read ("no marker in the
        # reply; [1], cited beside it, states it"): the reader should know
        extra = f": {sentence.note}" if sentence.note else ""
        return Badge("supported", f"supported {sentence.support:.2f}{extra}", sentence.support)
    why = sentence.note or "the cited passage does not support it"
    return Badge("unsupported", f"unsupported: {why}", sentence.support, sentence.reason)


def source_badge(answer: Answer, number: int) -> Badge:
    """The badge of cited source `number` over every sentence that cites it: a quote where every
    one quotes it, else the best support and whether any sentence it carries is unsupported."""
    cites = [c for c in answer.citations if c.number == number]
    indexes = sorted({c.sentence for c in cites if 0 <= c.sentence < len(answer.sentences)})
    sentences = [answer.sentences[i] for i in indexes]
    if sentences and all(s.quoted for s in sentences):
        places = sorted({c.abstract_sentence for c in cites if c.abstract_sentence})
        where = (
            ("abstract sentence " if len(places) == 1 else "abstract sentences ")
            + ", ".join(str(p) for p in places)
            if places
            else "abstract"
        )
        return Badge("quote", f"quoted, {where}")
    best = max((c.support for c in cites), default=0.0)
    failing = [s for s in sentences if not s.supported]
    if failing or not any(c.supported for c in cites):
        reason = failing[0].reason if failing else None
        why = failing[0].note if failing and failing[0].note else "weak support"
        return Badge("unsupported", f"unsupported {best:.2f}: {why}", best, reason)
    return Badge("supported", f"supported {best:.2f}", best)
