"""Crossref REST API responses: one work (`{"message": {...}}`) or a list (`message.items`).

A Crossref work is CSL-like with its own habits: `title`, `subtitle` and `container-title`
are lists (the subtitle is joined to the title with ": "), abstracts are JATS XML
(`<jats:p>`, `<jats:italic>`, a leading `<jats:title>Abstract</jats:title>`), titles may
carry HTML (`<i>`, `<sub>`), authors are `{given, family}` or `{name}` for organisations,
and the date is `issued` (else `published-print`, `published-online`, `published`, `created`),
whose `date-parts` can be `[[null]]` for an undated work.

Pure functions over the decoded payload (`parse_crossref_payload`, `work_to_paper`) and over
the text (`parse_crossref`), so the Crossref API client uses the same mapping as the ingest.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.sources.csljson import csl_name, csl_year
from assistant.sources.identity import make_paper, normalize_arxiv
from assistant.sources.markup import strip_markup
from assistant.sources.works import parse_work_items, parse_work_text
from assistant.types import Paper, ParseResult

FORMAT = "crossref"

# Keys only Crossref's works carry (CSL-JSON items from reference managers have none).
_CROSSREF_KEYS = ("reference-count", "is-referenced-by-count", "member", "prefix", "deposited")
_DATE_KEYS = ("issued", "published-print", "published-online", "published", "created")


def is_crossref_work(item: object) -> bool:
    """True for a dict shaped like a Crossref work."""
    if not isinstance(item, dict):
        return False
    return isinstance(item.get("title"), list) and any(key in item for key in _CROSSREF_KEYS)


def work_to_paper(
    work: dict[str, Any], source_file: str | None = None, *, line: int | None = None
) -> Paper | None:
    """One Crossref work as a Paper, or None when it has no title."""
    title = strip_markup(_first(work.get("title")))
    if not title:
        return None
    subtitle = strip_markup(_first(work.get("subtitle")))
    if subtitle and subtitle.casefold() not in title.casefold():
        title = f"{title.rstrip(':')}: {subtitle}"
    doi = _first(work.get("DOI"))
    arxiv_id = None
    for alt in work.get("alternative-id") or []:
        if isinstance(alt, str) and "arxiv" in alt.lower():
            arxiv_id = normalize_arxiv(alt)
    event_field = work.get("event")
    event: dict[str, Any] = event_field if isinstance(event_field, dict) else {}
    return make_paper(
        title=title,
        abstract=strip_markup(_first(work.get("abstract"))),
        authors=[name for name in map(_author, work.get("author") or []) if name],
        year=_year(work),
        venue=strip_markup(_first(work.get("container-title")))
        or _first(event.get("name"))
        or strip_markup(_first(work.get("short-container-title")))
        or None,
        doi=doi,
        arxiv_id=arxiv_id,
        url=_first(work.get("URL")),
        source_file=source_file,
        source_format=FORMAT,
        keywords=[subject for subject in work.get("subject") or [] if isinstance(subject, str)],
        item_type=_first(work.get("type")) or None,
        raw_entry=json.dumps(
            {key: value for key, value in work.items() if key != "reference"}, ensure_ascii=False
        ),
        line=line,
    )


def parse_crossref_payload(data: object, source_file: str) -> ParseResult:
    """Papers from a decoded Crossref response: a work, a work list, or a bare list."""
    message = data.get("message", data) if isinstance(data, dict) else data
    if isinstance(message, dict) and isinstance(message.get("items"), list):
        items: list[object] = message["items"]
    elif isinstance(message, list):
        items = message
    else:
        items = [message]
    return parse_work_items(items, source_file, work_to_paper)


def parse_crossref(text: str, source_file: str) -> ParseResult:
    """Papers from the text of a Crossref response, each work read on its own."""
    return parse_work_text(text, source_file, work_to_paper)


def _author(author: object) -> str | None:
    if isinstance(author, dict) and not author.get("family") and author.get("name"):
        return _first(author.get("name"))  # an organisation
    return csl_name(author)


def _year(work: dict[str, Any]) -> int | str | None:
    for key in _DATE_KEYS:
        year = csl_year(work.get(key))
        if year is not None:
            return year
    return None


def _first(value: object) -> str:
    """The first string of a Crossref list field (or the string itself)."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), None)
    return value.strip() if isinstance(value, str) else ""
