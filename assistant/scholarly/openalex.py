"""OpenAlex (`openalex_url`, default https://api.openalex.org): works by id, search, title search.

Single works are free; list and search calls count against a daily allowance that a free API
key (`openalex_api_key`) raises, so the key is sent when configured and left out of cache keys
and messages.  The polite `mailto` parameter carries the contact e-mail.  Payloads are returned
as OpenAlex sends them (a work carries `abstract_inverted_index`, `authorships`, ...).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.scholarly.hits import SearchHit
from assistant.scholarly.http import DAY, ApiClient, Service
from assistant.sources.identity import clean_text, normalize_arxiv, normalize_doi

SERVICE = Service("OpenAlex", "openalex_url", min_interval=0.1, ttl=7 * DAY)
DEFAULT_URL = "https://api.openalex.org"
MAX_PER_PAGE = 200
_SELECT = (
    "id,doi,display_name,publication_year,primary_location,locations,cited_by_count,authorships,ids"
)
_FILTER_UNSAFE = re.compile(r"[,:|!<>]+")  # filter syntax characters, never in a value


class OpenAlexClient:
    def __init__(
        self, http: ApiClient, *, contact_email: str | None = None, api_key: str | None = None
    ):
        self.http = http
        self._params = {"mailto": contact_email, "api_key": api_key}

    def work(self, work_id: str) -> dict[str, Any]:
        """One work: `W2741809807`, `doi:10.7717/peerj.4375` or `pmid:29456894`."""
        return self.http.get_object(f"works/{work_id}", self._params)

    def work_by_doi(self, doi: str) -> dict[str, Any]:
        return self.work(f"doi:{doi}")

    def search(
        self, query: str, *, limit: int = 25, year_from: int | None = None
    ) -> list[SearchHit]:
        """Works matching a topic, best first."""
        filters = [f"from_publication_date:{year_from}-01-01"] if year_from else []
        return self._list({"search": query, "filter": ",".join(filters) or None}, limit)

    def title_search(self, title: str, *, limit: int = 5) -> list[SearchHit]:
        """Works whose title matches `title` (enrichment's candidates)."""
        value = " ".join(_FILTER_UNSAFE.sub(" ", title).split())
        return self._list({"filter": f"title.search:{value}"}, limit)

    def _list(self, params: dict[str, Any], limit: int) -> list[SearchHit]:
        per_page = max(1, min(limit, MAX_PER_PAGE))
        payload = self.http.get_json(
            "works", {**params, "per_page": per_page, "select": _SELECT, **self._params}
        )
        results = payload.get("results") if isinstance(payload, dict) else None
        return [hit for hit in map(work_hit, results or []) if hit][:limit]


def work_hit(work: Any) -> SearchHit | None:
    if not isinstance(work, dict):
        return None
    title = clean_text(work.get("display_name") or work.get("title"))
    if not title:
        return None
    ids = work.get("ids") or {}
    location = work.get("primary_location") or {}
    source = location.get("source") or {}
    urls = [location.get("landing_page_url")] + [
        loc.get("landing_page_url") for loc in work.get("locations") or [] if isinstance(loc, dict)
    ]
    arxiv = next((normalize_arxiv(u) for u in urls if u and "arxiv.org" in u), None)
    pmid = str(ids.get("pmid") or "").rstrip("/").rsplit("/", 1)[-1] or None
    return SearchHit(
        source="openalex",
        title=title,
        year=work.get("publication_year")
        if isinstance(work.get("publication_year"), int)
        else None,
        venue=clean_text(source.get("display_name")) or None,
        citations=work.get("cited_by_count"),
        authors=tuple(
            clean_text((a.get("author") or {}).get("display_name"))
            for a in work.get("authorships") or []
            if isinstance(a, dict) and (a.get("author") or {}).get("display_name")
        ),
        doi=normalize_doi(work.get("doi")),
        arxiv_id=arxiv,
        pubmed_id=pmid if pmid and pmid.isdigit() else None,
        openalex_id=str(work.get("id") or "").rsplit("/", 1)[-1] or None,
        url=location.get("landing_page_url"),
    )
