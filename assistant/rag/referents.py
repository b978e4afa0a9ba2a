"""Referents for quoted sentences that open with "This / It / They / Such ...".

Quoted alone, "This dataset contains 31,500 images" or "It contains 6.5 million frames" does
not say what it is about.  The offline answerer gives such a sentence its referent:

* the name the abstract introduced just before ("we propose a large-scale dataset, termed
  NWPU-RESISC45", "we introduce MVImgNet") or the paper's own short name when the sentence
  before speaks of it: inserted in square brackets after the opening words, the scholarly mark
  of an editorial insertion: "This dataset [NWPU-RESISC45] contains 31,500 images";
* otherwise the sentence before it in the abstract, quoted too (`needs_previous`), as for
  "These limitations severely limit ..." or "Such operations are non-invertible ...", and in
  a one-paper answer for a sentence that names the problem before it by a label
  (`labels_previous`: "we present SVT to tackle these challenges").

A sentence that only draws a consequence ("Dataset distillation has *thus* come to the fore")
answers a "why" question with the sentence before it, which gives the cause
(`draws_consequence`): that one is quoted too.

The quote itself is not changed, so it still maps to exact offsets in the abstract; only the
bracketed name is added, and it is visibly not part of it.  "This paper / work / study" refers
to the paper, which the answer's label already names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONNECTIVE = (
    r"(?:however|moreover|furthermore|additionally|in addition|thus|therefore|hence|"
    r"importantly|most importantly|more importantly|notably|finally|specifically|also|besides|"
    r"consequently|then|instead|overall|despite (?:this|that|their \w+|its \w+)|"
    r"as a result|in turn|unfortunately|surprisingly|in particular)"
)
_ANAPHOR = re.compile(
    rf"^(?:{_CONNECTIVE}\s*,?\s+)?(?P<word>this|these|that|those|such|it|its|they|their|them)\b",
    re.IGNORECASE,
)
_SELF_NOUN = re.compile(
    r"\s+(?:paper|work|study|article|research|project|thesis|survey|review|letter)\b",
    re.IGNORECASE,
)
_AUX = {
    "is", "are", "was", "were", "has", "have", "had", "can", "could", "will", "would", "may",
    "might", "must", "should", "does", "do", "did", "also", "not", "then", "thus", "further",
    "still", "often", "only", "first", "we", "allows", "enables",
}  # fmt: skip
# Nouns of the things papers make: "This dataset", "This approach", "It" (no noun).
MADE_NOUNS = {
    "dataset", "datasets", "method", "methods", "approach", "framework", "model", "models",
    "network", "networks", "benchmark", "module", "technique", "system", "architecture", "tool",
    "database", "corpus", "algorithm", "design", "strategy", "collection", "suite", "library",
    "resource", "task", "metric", "measure", "pipeline", "paradigm", "setup", "procedure",
}  # fmt: skip
_INTRODUCED = re.compile(
    r"\b(?:termed|dubbed|named|called|we call|which we call|referred to as|name (?:it|them)|"
    r"(?:propose|present|introduce|release|curate|construct|create|build|design)[sd]?"
    r"(?:\s+(?:a|an|the))?(?:\s+[\w\-]+){0,6}?)\s*[\"“']?(?P<name>[A-Za-z][\w\-+.]*[A-Z0-9][\w\-+]*)",
)
_INTRODUCING = re.compile(
    r"\b(?:we|this (?:paper|work))\s+(?:\w+\s+)?(?:propose|present|introduce|release|curate|"
    r"construct|create|build|design|develop)\w*\b|\b(?:termed|dubbed|named|called)\b",
    re.IGNORECASE,
)
# "Thus / therefore / hence / as a result" among a sentence's first words: what it says follows
# from the sentence before.  Not when the sentence gives its own cause ("..., because ...").
_CONSEQUENCE = re.compile(
    r"^(?:\S+\s+){0,5}?(?:thus|therefore|hence|consequently|accordingly|as a result|"
    r"for this reason|for these reasons)\b",
    re.IGNORECASE,
)
_OWN_CAUSE = re.compile(
    r"\b(?:because|due to|owing to|since|given that|as a result of|thanks to|driven by)\b",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"\((?P<name>[A-Za-z][\w\-+]*[A-Z][\w\-+]*)\)")
ACRONYM_REACH = 60  # characters from "we present" to the acronym of what it presents
_WORD = re.compile(r"[\w\-]+")


@dataclass(frozen=True)
class Anaphor:
    """An opening anaphor: its word and where the bracketed referent goes (after its noun)."""

    word: str
    noun: str  # the noun after a determiner ("dataset" in "This dataset"), "" for "It"
    insert_at: int  # offset into the sentence


def anaphor(sentence: str) -> Anaphor | None:
    """The anaphor a sentence opens with, or None ("This paper ..." refers to the paper)."""
    match = _ANAPHOR.match(sentence)
    if not match:
        return None
    word = match.group("word").lower()
    rest = sentence[match.end() :]
    if _SELF_NOUN.match(rest):
        return None
    end = match.end()
    noun = ""
    if word in ("this", "these", "that", "those", "such"):
        plural = word in ("these", "those")
        # The determiner's noun phrase: up to three words, ending before the verb.
        for count, found in enumerate(_WORD.finditer(rest)):
            token = found.group().lower()
            if count == 3 or token in _AUX or token.endswith("ly"):
                break
            if not plural and count and token.endswith("s") and not token.endswith("ss"):
                break  # "This dataset contains": the verb
            if plural and count and not token.endswith("s"):
                break  # "These embeddings encode"
            noun = token
            end = match.end() + found.end()
            if plural and token.endswith("s"):
                break
    return Anaphor(word, noun, end)


def _name_like(text: str) -> bool:
    """ "NWPU-RESISC45", "MVImgNet", "PASS", "SN-Net": one token, a capital inside or a digit."""
    return bool(re.fullmatch(r"[A-Za-z][\w\-+]*", text)) and bool(
        re.search(r".[A-Z]|\d", text) or (text.isupper() and len(text) > 1)
    )


def introduced_name(previous: str, short_name: str) -> str | None:
    """The name a sentence introduces or speaks of, if it is a name: else None."""
    introducing = _INTRODUCING.search(previous)
    if introducing:
        # Only a sentence that introduces something gives its name (or acronym) as referent:
        # "(SSL)" in a background sentence is not what "It" stands for, nor an acronym far
        # from what is introduced ("we present a system ... which uses ... networks (CNN)").
        acronym = _ACRONYM.search(previous, introducing.end())
        if acronym and acronym.start() - introducing.end() > ACRONYM_REACH:
            acronym = None
        for found in (_INTRODUCED.search(previous), acronym):
            if found and _name_like(found.group("name")):
                return found.group("name").rstrip(".")
    if _name_like(short_name) and re.search(rf"\b{re.escape(short_name)}\b", previous):
        return short_name
    return None


def referent(sentence: str, previous: str | None, short_name: str) -> str | None:
    """The name to insert for the sentence's opening anaphor, or None (see `needs_previous`)."""
    found = anaphor(sentence)
    if found is None or previous is None:
        return None
    if found.noun and found.noun not in MADE_NOUNS:
        return None
    return introduced_name(previous, short_name)


# Inside a sentence, a determiner with a noun that labels what the sentence before said ("we
# present SVT to tackle *these challenges*", "to address *this problem*"): the sentence says
# what answers a problem it does not state.
_LABEL_ANAPHOR = re.compile(
    r"\b(?:these|this|such|those|the above|above)\s+(?:\w+\s+)?(?:challenges?|problems?|"
    r"issues?|limitations?|shortcomings?|drawbacks?|difficult(?:y|ies)|gaps?|bottlenecks?|"
    r"obstacles?|concerns?|questions?)\b",
    re.IGNORECASE,
)


def needs_previous(sentence: str, previous: str | None, short_name: str) -> bool:
    """Whether the sentence needs the one before it to be understood: it opens with an anaphor
    whose referent is no name."""
    return (
        previous is not None
        and anaphor(sentence) is not None
        and referent(sentence, previous, short_name) is None
    )


def labels_previous(sentence: str) -> bool:
    """Whether the sentence names, by a label, the problem the sentence before it states
    ("we present SVT to tackle these challenges")."""
    return anaphor(sentence) is None and _LABEL_ANAPHOR.search(sentence) is not None


def draws_consequence(sentence: str) -> bool:
    """Whether the sentence states what follows from the one before it, not its own cause."""
    return bool(_CONSEQUENCE.search(sentence)) and not _OWN_CAUSE.search(sentence)


def with_referent(sentence: str, name: str) -> str:
    """ "This dataset contains ..." -> "This dataset [NWPU-RESISC45] contains ..."."""
    found = anaphor(sentence)
    if found is None:
        return sentence
    return f"{sentence[: found.insert_at]} [{name}]{sentence[found.insert_at :]}"
