"""Semantic Scholar's Graph API (`semanticscholar_url`, default https://api.semanticscholar.org):
papers by id and search.

Without an API key all users share one pool and 429s are common, so requests are spaced a
second apart and 429s are retried with backoff.  Ids take the API's prefixes: `DOI:...`,
`ARXIV:...`, `PMID:...`, or a Semantic Scholar paper id.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from assistant.scholarly.hits import SearchHit
from assistant.scholarly.http import DAY, ApiClient, Service
from assistant.sources.identity import clean_text, normalize_arxiv, normalize_doi

SERVICE = Service("Semantic Scholar", "semanticscholar_url", min_interval=1.0, ttl=7 * DAY)
DEFAULT_URL = "https://api.semanticscholar.org"
FIELDS = "title,year,venue,citationCount,externalIds,authors,url,abstract"
MAX_LIMIT = 100


class SemanticScholarClient:
    def __init__(self, http: ApiClient):
        self.http = http

    def paper(self, paper_id: str) -> dict[str, Any]:
        return self.http.get_object(
            f"graph/v1/paper/{quote(paper_id, safe=':/')}", {"fields": FIELDS}
        )

    def search(
        self, query: str, *, limit: int = 25, year_from: int | None = None
    ) -> list[SearchHit]:
        params: dict[str, Any] = {
            "query": query,
            "limit": max(1, min(limit, MAX_LIMIT)),
            "fields": FIELDS,
        }
        if year_from:
            params["year"] = f"{year_from}-"
        payload = self.http.get_json("graph/v1/paper/search", params)
        data = payload.get("data") if isinstance(payload, dict) else None
        return [hit for hit in map(paper_hit, data or []) if hit][:limit]


def paper_hit(paper: Any) -> SearchHit | None:
    if not isinstance(paper, dict):
        return None
    title = clean_text(paper.get("title"))
    if not title:
        return None
    ids = paper.get("externalIds") or {}
    pmid = str(ids.get("PubMed") or "") or None
    return SearchHit(
        source="semanticscholar",
        title=title,
        year=paper.get("year") if isinstance(paper.get("year"), int) else None,
        venue=clean_text(paper.get("venue")) or None,
        citations=paper.get("citationCount"),
        authors=tuple(
            clean_text(a.get("name")) for a in paper.get("authors") or [] if isinstance(a, dict)
        ),
        doi=normalize_doi(ids.get("DOI")),
        arxiv_id=normalize_arxiv(f"arXiv:{ids['ArXiv']}") if ids.get("ArXiv") else None,
        pubmed_id=pmid,
        url=paper.get("url"),
    )
