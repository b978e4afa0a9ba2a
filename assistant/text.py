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
