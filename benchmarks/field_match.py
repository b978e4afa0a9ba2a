"""Comparing a parsed `Paper` with a record written down by hand or by another project.

Shared by `parse_real.py` and the independent part of `parse_fidelity.py`.  The comparison
is of content, not typography: Unicode NFKC (so "Cu₂O" equals "Cu2O"), case, dashes ("--",
"–", "—"), curly quotes, whitespace and a final period are normalised; authors are compared
by family name ("Smith, John", "John Smith", "Smith J" and "Smith J." are all "smith"),
DOIs without their resolver prefix and case.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.types import Paper

FIELDS = ("title", "authors", "year", "doi", "abstract")

_DASHES = re.compile(r"\s*(?:-{2,3}|[\u2010-\u2015\u2212])\s*")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "`": "'"})
_INITIALS = re.compile(r"^(?:[A-Z]{1,3}|(?:[A-Z]\.-?){1,4})$")


def norm_text(value: str | None) -> str:
    text = unicodedata.normalize("NFKC", value or "").translate(_QUOTES)
    text = _DASHES.sub("-", text)
    text = re.sub(r"\s+", " ", text).strip().rstrip(".").strip()
    return text.casefold()


def family(name: str) -> str:
    """The family name of "Family, Given", "Given Family" or "Family Initials"."""
    name = name.strip()
    if "," in name:
        return norm_text(name.split(",", 1)[0])
    words = name.split()
    if len(words) > 1 and _INITIALS.match(words[-1]):
        return norm_text(" ".join(words[:-1]))
    return norm_text(words[-1] if words else "")


def norm_doi(value: str | None) -> str:
    doi = (value or "").strip().lower()
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi)


def field_equal(name: str, paper: Paper, expected: dict[str, object]) -> bool:
    want = expected[name]
    if name == "title":
        return norm_text(paper.title) == norm_text(str(want))
    if name == "authors":
        assert isinstance(want, list)
        return [family(a) for a in paper.authors] == [family(str(a)) for a in want]
    if name == "year":
        return paper.year == want
    if name == "doi":
        return norm_doi(paper.doi) == norm_doi(want if isinstance(want, str) else None)
    return norm_text(paper.abstract) == norm_text(str(want))


def match(papers: list[Paper], expected: list[dict[str, object]]) -> list[Paper | None]:
    """For each expected record, the paper with the same normalised title (each used once)."""
    free = list(papers)
    found: list[Paper | None] = []
    for record in expected:
        title = norm_text(str(record["title"]))
        hit = next((p for p in free if norm_text(p.title) == title), None)
        if hit is None and len(title) >= 25:  # a mangled title is still the same entry
            hit = next((p for p in free if norm_text(p.title)[:25] == title[:25]), None)
        if hit is not None:
            free.remove(hit)
        found.append(hit)
    return found
