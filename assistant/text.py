"""Short forms of authors, years, titles and free text: one rule each, used by every screen,
printer and exporter (pure functions, standard library only).

The author-list rule: one author `Kingma`, two `Kingma & Ba`, three or more `Kingma et al.`;
an unknown year is `n.d.`.  A name is given as `"Last, First"` (what the parsers produce for
BibTeX, RIS and CSL) or as written (`"Diederik P. Kingma"`: the last word is the surname).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.types import Paper

UNKNOWN_YEAR = "n.d."
ELLIPSIS = "…"
SHORT_TITLE_CHARS = 80  # a title shown as a label is cut at a word near this length
_TITLE_BREAK = re.compile(r"\s*(?::|\?|\s--\s|\s—\s)\s*")


def surname(name: str) -> str:
    """`"LeCun, Yann"` and `"Yann LeCun"` -> `"LeCun"`; `""` for an empty name."""
    if "," in name:
        return name.split(",", 1)[0].strip()
    parts = name.split()
    return parts[-1] if parts else ""


def first_surname(authors: Sequence[str]) -> str:
    """The first author's surname, `""` when there are no authors."""
    return surname(authors[0]) if authors else ""


def authors_short(authors: Sequence[str]) -> str:
    """`Kingma`, `Kingma & Ba` or `Kingma et al.`; `""` when there are no authors."""
    names = [n for n in (surname(a) for a in authors) if n]
    if not names:
        return ""
    if len(authors) >= 3:
        return f"{names[0]} et al."
    if len(names) == 2:
        return f"{names[0]} & {names[1]}"
    return names[0]


def year_text(year: int | None) -> str:
    """`2015`, or `n.d.` when the year is unknown."""
    return str(year) if year else UNKNOWN_YEAR


def short_title(title: str) -> str:
    """A paper's name for a label: `'DataDAM: Efficient ...'` -> `'DataDAM'`.

    The part before the first `:`, `?` or ` -- ` if any, else the title, cut at a word if long;
    sentence punctuation is dropped so the label never reads as a sentence of its own.
    """
    head = _TITLE_BREAK.split(title, maxsplit=1)[0].strip()
    if head != title.strip() and 2 <= len(head) <= SHORT_TITLE_CHARS:
        name = head
    elif len(title) <= SHORT_TITLE_CHARS:
        name = title
    else:
        name = title[:SHORT_TITLE_CHARS].rsplit(" ", 1)[0] + ELLIPSIS
    return re.sub(r"[.?!]+(\s|$)", r"\1", name).strip()


def paper_label(paper: Paper) -> str:
    """`Kingma & Ba (2015)`; the short title stands in for missing authors: `DataDAM (n.d.)`."""
    who = authors_short(paper.authors) or short_title(paper.title)
    return f"{who} ({year_text(paper.year)})"


def clip(text: str, width: int) -> str:
    """`text` on one line (whitespace collapsed), cut to `width` characters with `…`."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


def clip_words(text: str, width: int) -> str:
    """Like `clip`, but cut at the last whole word (for titles made from questions)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return text[: width - 1].rsplit(" ", 1)[0] + ELLIPSIS


# Venue names as printed in proceedings: the words that carry no information in a narrow column,
# and the few conference series whose full names everyone knows by their acronym (their
# proceedings rarely print the acronym themselves).
_VENUE_NOISE = re.compile(
    r"^(?:in\s+)?(?:proceedings|proc\.?)\s+(?:of\s+)?(?:the\s+)?"
    r"|\b(?:19|20)\d\d\b|\b\d+(?:st|nd|rd|th)\b|\bannual\b|\bieee/cvf\b",
    re.IGNORECASE,
)
_VENUE_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]*[A-Z][A-Za-z0-9&-]*)(?:\s*'?\d{2,4})?\)")
_WELL_KNOWN_VENUES = (
    ("neural information processing systems", "NeurIPS"),
    ("computer vision and pattern recognition", "CVPR"),
    ("european conference on computer vision", "ECCV"),
    ("international conference on computer vision", "ICCV"),
    ("international conference on machine learning", "ICML"),
    ("international conference on learning representations", "ICLR"),
    ("meeting of the association for computational linguistics", "ACL"),
    ("empirical methods in natural language processing", "EMNLP"),
)


def venue_short(venue: str | None) -> str:
    """A venue for a narrow column: `"Proceedings of the IEEE/CVF Conference on Computer
    Vision and Pattern Recognition (CVPR)"` -> `"CVPR"`; `"Journal of Machine Learning
    Research"` stays as it is.

    The acronym in parentheses when the name has one, else the acronym of a well-known series,
    else the name without "Proceedings of the", years, ordinals and publisher prefixes.
    """
    if not venue:
        return ""
    text = " ".join(venue.split())
    acronym = _VENUE_ACRONYM.search(text)
    if acronym:
        return acronym.group(1)
    lowered = text.casefold()
    for name, short in _WELL_KNOWN_VENUES:
        if name in lowered:
            return short
    stripped = " ".join(_VENUE_NOISE.sub(" ", text).split()).strip(" ,.-")
    return stripped or text
