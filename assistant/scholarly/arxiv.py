"""arXiv (`arxiv_url`, default https://export.arxiv.org/api): entries by id and search.

arXiv asks for no more than one request every three seconds, hence the interval.  Fetches
return the Atom feed as text (the parsers read it into `Paper`s); an id arXiv does not know
comes back as a feed whose only entry is an error (`.../api/errors#...`), which is raised here
as `ApiNotFoundError`.  Atom is read with the standard library's ElementTree: Python's expat
refuses entity-expansion bombs, and the feed declares no entities.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from assistant.errors import ApiNotFoundError, ApiServerError
from assistant.scholarly.hits import SearchHit
from assistant.scholarly.http import DAY, ApiClient, Service
from assistant.sources.identity import clean_text, normalize_arxiv, normalize_doi, parse_year

SERVICE = Service("arXiv", "arxiv_url", min_interval=3.0, ttl=7 * DAY)
DEFAULT_URL = "https://export.arxiv.org/api"
MAX_RESULTS = 200
NS = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


class ArxivClient:
    def __init__(self, http: ApiClient):
        self.http = http

    def entries(self, ids: list[str]) -> str:
        """The Atom feed of the given ids (raises `ApiNotFoundError` for an unknown id)."""
        feed = self.http.get_text("query", {"id_list": ",".join(ids), "max_results": len(ids)})
        root = _parse(feed)
        for entry in root.findall("a:entry", NS):
            entry_id = entry.findtext("a:id", "", NS)
            if "/api/errors" in entry_id:
                summary = clean_text(entry.findtext("a:summary", "", NS))
                raise ApiNotFoundError(f"arXiv: {summary or 'unknown id'} ({', '.join(ids)}).")
        if not root.findall("a:entry", NS):
            raise ApiNotFoundError(f"arXiv has no paper {', '.join(ids)}.")
        return feed

    def search(
        self, query: str, *, limit: int = 25, year_from: int | None = None
    ) -> list[SearchHit]:
        # Only words and hyphens: a colon, bracket or quote would change arXiv's query syntax.
        terms = " AND ".join(f"all:{word}" for word in re.findall(r"[\w\-]+", query))
        if year_from:
            terms = f"({terms}) AND submittedDate:[{year_from}01010000 TO 999912312359]"
        feed = self.http.get_text(
            "query",
            {
                "search_query": terms,
                "start": 0,
                "max_results": max(1, min(limit, MAX_RESULTS)),
                "sortBy": "relevance",
            },
        )
        return [hit for hit in map(entry_hit, _parse(feed).findall("a:entry", NS)) if hit][:limit]


def _parse(feed: str) -> ET.Element:
    try:
        return ET.fromstring(feed)
    except ET.ParseError as exc:
        raise ApiServerError(
            f"arXiv sent a feed that is not valid XML ({exc}); retry later."
        ) from exc


def entry_hit(entry: ET.Element) -> SearchHit | None:
    title = clean_text(entry.findtext("a:title", "", NS))
    entry_id = entry.findtext("a:id", "", NS)
    if not title or "/api/errors" in entry_id:
        return None
    arxiv_id = normalize_arxiv(entry_id)
    journal = clean_text(entry.findtext("arxiv:journal_ref", "", NS))
    return SearchHit(
        source="arxiv",
        title=title,
        year=parse_year(entry.findtext("a:published", "", NS)),
        venue=journal or "arXiv",
        authors=tuple(
            clean_text(a.findtext("a:name", "", NS)) for a in entry.findall("a:author", NS)
        ),
        doi=normalize_doi(entry.findtext("arxiv:doi", "", NS)),
        arxiv_id=arxiv_id,
        url=f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
    )
