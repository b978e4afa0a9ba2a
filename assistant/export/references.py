"""A paper as one reference-list line, and text made safe to put in Markdown.

The line is an APA-like `Authors (Year). Title. *Venue*. link`: surnames with initials, up to
`MAX_AUTHORS` then "et al.", the DOI as a doi.org link (else the URL, else the arXiv page).
"""

from __future__ import annotations

import re

from assistant.types import Paper

MAX_AUTHORS = 6
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def markdown_text(text: str) -> str:
    """Inline text with Markdown's special characters escaped and whitespace collapsed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def short_author(name: str) -> str:
    """`"LeCun, Yann"` -> `"LeCun, Y."`; a name without a comma is kept as written."""
    if "," not in name:
        return name
    last, _, first = name.partition(",")
    initials = " ".join(f"{part[0]}." for part in re.split(r"[\s\-]+", first.strip()) if part)
    return f"{last.strip()}, {initials}" if initials else last.strip()


def authors_text(authors: tuple[str, ...]) -> str:
    names = [short_author(a) for a in authors]
    if len(names) > MAX_AUTHORS:
        return ", ".join(names[:MAX_AUTHORS]) + ", et al."
    if len(names) >= 2:
        return ", ".join(names[:-1]) + ", & " + names[-1]
    return "".join(names)


def paper_link(paper: Paper) -> str | None:
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    if paper.url:
        return paper.url
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    return None


def reference_line(paper: Paper) -> str:
    """The paper as one Markdown reference: `Authors (Year). Title. *Venue*. <link>`."""
    year = f"({paper.year})" if paper.year else "(n.d.)"
    title = markdown_text(paper.title).rstrip(".")
    parts = []
    if paper.authors:
        parts.append(f"{markdown_text(authors_text(paper.authors))} {year}. {title}.")
    else:
        parts.append(f"{title} {year}.")
    if paper.venue:
        parts.append(f"*{markdown_text(paper.venue)}*.")
    link = paper_link(paper)
    if link:
        parts.append(f"<{link}>")
    return " ".join(parts)
