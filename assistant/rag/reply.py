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
* abstention text is never a claim: "The sources do not answer this question." and the
  uncited sentences after it that describe the sources ("They cover a wide range of topics.")
  are remarks;
* a cited sentence that says nothing a source states, only what "the sources" do in general
  ("The sources propose dataset distillation methods [1][2].") is `vacuous`: flagged, not
  passed on word overlap.

The reply text itself is never rewritten: what streamed is what is stored and shown.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.rag.citations import MarkedSentence, SentenceRole, answer_sentences
from assistant.rag.question import names_in
from assistant.rag.scoring import query_terms

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
# Content words left in a "the sources ..." sentence for it to say something specific.
MIN_SPECIFIC_TERMS = 5


def is_abstention(text: str) -> bool:
    """Whether the reply opens by saying that the sources do not answer."""
    return bool(_ABSTAIN.search(text.strip()))


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
            abstaining = is_abstention(claim)  # an abstention holds for its paragraph
            if abstaining:
                roles[index] = "remark"
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
