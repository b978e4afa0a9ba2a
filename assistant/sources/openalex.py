"""OpenAlex API responses: one work (`/works/W...`) or a list (`{"meta": ..., "results": [...]}`).

Fields: `title` (else `display_name`; OpenAlex keeps HTML such as `<i>` in titles), the
abstract rebuilt from `abstract_inverted_index` (word -> positions), authors from
`authorships[].author.display_name` (else `raw_author_name`), `publication_year`, the venue
from `primary_location.source.display_name` (else the first location with a source, else the
old `host_venue`), the DOI from `doi` or `ids.doi`, the arXiv id from an arxiv.org location
or arXiv's DOI, and the landing page as the URL.

`raw_entry` is the work without its bulky derived lists (referenced and related works,
concepts, counts by year, the inverted index): what identifies and describes the work is kept
for export, and a library of thousands of works does not store megabytes of citation lists.

Pure functions over the decoded payload (`parse_openalex_payload`, `work_to_paper`) and over
the text (`parse_openalex`), so the OpenAlex API client uses the same mapping as the ingest.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.sources.identity import make_paper, normalize_arxiv
from assistant.sources.markup import strip_markup
from assistant.sources.works import parse_work_items, parse_work_text
from assistant.types import Paper, ParseResult

FORMAT = "openalex"

_BULKY = (
    "abstract_inverted_index",
    "referenced_works",
    "related_works",
    "counts_by_year",
    "concepts",
    "topics",
    "mesh",
    "sustainable_development_goals",
    "locations",
)


def is_openalex_work(item: object) -> bool:
    """True for a dict shaped like an OpenAlex work."""
    if not isinstance(item, dict):
        return False
    if "authorships" in item or "abstract_inverted_index" in item:
        return True
    return str(item.get("id", "")).startswith("https://openalex.org/W")


def rebuild_abstract(index: object) -> str:
    """The abstract text from OpenAlex's inverted index (`{"word": [0, 5], ...}`)."""
    if not isinstance(index, dict):
        return ""
    placed: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list):
            continue
        for position in positions:
            if isinstance(position, int) and 0 <= position < 1_000_000:
                placed[position] = str(word)
    return " ".join(placed[position] for position in sorted(placed))


def work_to_paper(
    work: dict[str, Any],
    source_file: str | None = None,
    *,
    line: int | None = None,
) -> Paper | None:
    """One OpenAlex work as a Paper, or None when it has no title."""
    title = strip_markup(_str(work.get("title")) or _str(work.get("display_name")))
    if not title:
        return None
    ids = _mapping(work.get("ids"))
    primary = _mapping(work.get("primary_location"))
    return make_paper(
        title=title,
        abstract=strip_markup(rebuild_abstract(work.get("abstract_inverted_index"))),
        authors=_authors(work.get("authorships")),
        year=work.get("publication_year") or _str(work.get("publication_date")),
        venue=_venue(work, primary),
        doi=_str(work.get("doi")) or _str(ids.get("doi")),
        arxiv_id=_arxiv_id(work),
        url=_str(primary.get("landing_page_url")) or _str(work.get("id")),
        source_file=source_file,
        source_format=FORMAT,
        keywords=_keywords(work.get("keywords")),
        item_type=_str(work.get("type")),
        raw_entry=json.dumps(
            {key: value for key, value in work.items() if key not in _BULKY}, ensure_ascii=False
        ),
        line=line,
    )


def parse_openalex_payload(data: object, source_file: str) -> ParseResult:
    """Papers from a decoded OpenAlex response: a work, a `results` list or a bare list."""
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        items: list[object] = data["results"]
    elif isinstance(data, list):
        items = data
    else:
        items = [data]
    return parse_work_items(items, source_file, work_to_paper)


def parse_openalex(text: str, source_file: str) -> ParseResult:
    """Papers from the text of an OpenAlex response, each work read on its own."""
    return parse_work_text(text, source_file, work_to_paper)


def _authors(authorships: object) -> list[str]:
    if not isinstance(authorships, list):
        return []
    names: list[str] = []
    for authorship in authorships:
        if not isinstance(authorship, dict):
            continue
        author = _mapping(authorship.get("author"))
        name = _str(author.get("display_name")) or _str(authorship.get("raw_author_name"))
        if name:
            names.append(name)
    return names


def _venue(work: dict[str, Any], primary: dict[str, Any]) -> str | None:
    locations = [primary]
    if isinstance(work.get("locations"), list):
        locations.extend(loc for loc in work["locations"] if isinstance(loc, dict))
    for location in locations:
        source = location.get("source")
        if isinstance(source, dict) and (name := _str(source.get("display_name"))):
            return name
    host = work.get("host_venue")  # the API before 2023
    return _str(host.get("display_name")) if isinstance(host, dict) else None


def _arxiv_id(work: dict[str, Any]) -> str | None:
    locations = [work.get("primary_location"), work.get("best_oa_location")]
    if isinstance(work.get("locations"), list):
        locations.extend(work["locations"])
    for location in locations:
        if not isinstance(location, dict):
            continue
        for key in ("landing_page_url", "pdf_url"):
            url = _str(location.get(key))
            if url and "arxiv.org" in url.lower() and (found := normalize_arxiv(url)):
                return found
    return None


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _mapping(value: object) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one (a field of the wrong type)."""
    return value if isinstance(value, dict) else {}


def _keywords(value: object) -> list[str]:
    """`keywords: [{"display_name": ...}]` (the API since 2024), or plain strings."""
    if not isinstance(value, list):
        return []
    names = [item.get("display_name") if isinstance(item, dict) else item for item in value]
    return [name for name in names if isinstance(name, str)]
