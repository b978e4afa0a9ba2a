"""Enrichment, pure: which candidate record is the same paper, and which gaps it fills.

`plan_enrichment(paper, candidates)` picks the candidate (from a title search: OpenAlex, then
Crossref) that is the same paper, and returns the changes: only fields the paper lacks (year,
authors, venue, DOI, arXiv id).  A value the user's own file gave is never overwritten, even
when the record disagrees.

Same paper means:

* the titles agree: `title_similarity` (difflib's ratio of the normalised titles: casefolded,
  accents, punctuation and LaTeX braces removed, `&` read as "and") is at least
  `TITLE_THRESHOLD`;
* the numbers in the titles are the same ("YOLOv3" is not "YOLOv4", "LAION-5B" not
  "LAION-400M");
* the candidate is not a notice about the paper (erratum, correction, retraction, comment,
  reply) unless the paper is one too;
* nothing the paper knows contradicts it: a year more than one apart (preprint and
  proceedings straddle a new year), or another first-author surname.

`TITLE_THRESHOLD` = 0.975, measured by `benchmarks/title_match_eval.py` on a labelled set of
113 title pairs (62 same paper, 51 different), split by query into a tuning and a held-out
half before tuning.  On the tuning half the different papers score at most 0.962 (a one-letter
change of a short title: "Stitchable" / "Switchable Neural Networks") and the same papers at
least 0.989 (a spelling variant), so the threshold is the midpoint; on the held-out half it
keeps all 31 true matches and accepts none of the 24 false ones.  Precision is what matters:
a wrong match writes another paper's year and authors into the library, a miss leaves a gap
(and a title truncated before its subtitle is a miss by design: "Dataset Distillation" and
"Dataset Distillation: A Comprehensive Review" are two papers).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from assistant.scholarly.hits import SearchHit
from assistant.types import Paper

TITLE_THRESHOLD = 0.975
MAX_YEAR_GAP = 1
FILLABLE = ("year", "authors", "venue", "doi", "arxiv_id")

_NOTICE = re.compile(
    r"^(erratum|errata|corrigendum|correction|retraction|retracted|withdrawn|expression of "
    r"concern|comment|comments|reply|response|author correction|publisher correction)\b"
)


def normalise_title(title: str) -> str:
    """Casefolded words without accents, punctuation or braces; `&` is "and"."""
    decomposed = unicodedata.normalize("NFKD", title.replace("&", " and "))
    no_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", no_marks.casefold().replace("_", " ")))


def title_similarity(a: str, b: str) -> float:
    """0..1: how alike two titles are once normalised (1.0: the same words)."""
    left, right = normalise_title(a), normalise_title(b)
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


@dataclass(frozen=True)
class Enrichment:
    """The chosen record, its score, and the fields it fills (field -> new value)."""

    paper_id: str
    candidate: SearchHit
    score: float
    changes: dict[str, Any]

    def apply(self, paper: Paper) -> Paper:
        """`paper` with the gaps filled (its id unchanged: the library keeps its key)."""
        return dataclasses.replace(paper, **self.changes)

    def describe(self) -> str:
        shown = ", ".join(f"{k}={_show(v)}" for k, v in self.changes.items())
        return (
            f"{self.paper_id}: {shown} (from {self.candidate.source}, title match {self.score:.2f})"
        )


def missing_fields(paper: Paper) -> tuple[str, ...]:
    """The fillable fields the paper has no value for."""
    return tuple(name for name in FILLABLE if not getattr(paper, name))


def plan_enrichment(
    paper: Paper, candidates: Iterable[SearchHit], *, threshold: float = TITLE_THRESHOLD
) -> Enrichment | None:
    """The best matching candidate and the gaps it fills, or None (no match, nothing to fill)."""
    if not missing_fields(paper):
        return None
    best: tuple[float, int, SearchHit] | None = None
    for candidate in candidates:
        score = match_score(paper, candidate)
        if score < threshold:
            continue
        richness = sum(1 for name in FILLABLE if getattr(candidate, name))
        if best is None or (score, richness) > best[:2]:
            best = (score, richness, candidate)
    if best is None:
        return None
    score, _, chosen = best
    changes = {
        name: getattr(chosen, name)
        for name in missing_fields(paper)
        if getattr(chosen, name) not in (None, "", ())
    }
    if not changes:
        return None
    return Enrichment(paper.id, chosen, score, changes)


def match_score(paper: Paper, candidate: SearchHit) -> float:
    """The title similarity, or 0.0 when a rule says the candidate is another paper."""
    ours, theirs = normalise_title(paper.title), normalise_title(candidate.title)
    if _numbers(ours) != _numbers(theirs):
        return 0.0
    if _NOTICE.match(theirs) and not _NOTICE.match(ours):
        return 0.0
    if paper.year and candidate.year and abs(paper.year - candidate.year) > MAX_YEAR_GAP:
        return 0.0
    if paper.authors and candidate.authors:
        mine, other = _surname(paper.authors[0]), _surname(candidate.authors[0])
        if mine and other and mine != other:
            return 0.0
    return title_similarity(paper.title, candidate.title)


def _numbers(normalised: str) -> list[str]:
    return re.findall(r"\d+", normalised)


def _surname(name: str) -> str:
    """The family name of "Last, First" or "First Last", normalised."""
    family = name.split(",", 1)[0] if "," in name else (name.split() or [""])[-1]
    return normalise_title(family)


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "; ".join(value[:3]) + (f" (+{len(value) - 3})" if len(value) > 3 else "")
    return str(value)
