"""Crossref (`crossref_url`, default https://api.crossref.org): works by DOI and title search.

The contact e-mail goes in `mailto` (and the User-Agent), which routes requests to the polite
pool.  Payloads are Crossref's `{"status": "ok", "message": ...}` objects, returned as sent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from assistant.errors import ApiServerError
from assistant.scholarly.hits import SearchHit
from assistant.scholarly.http import DAY, ApiClient, Service
from assistant.sources.identity import clean_text, normalize_doi

SERVICE = Service("Crossref", "crossref_url", min_interval=0.2, ttl=7 * DAY)
DEFAULT_URL = "https://api.crossref.org"
_SELECT = "DOI,title,author,issued,published,container-title,is-referenced-by-count,URL"


class CrossrefClient:
    def __init__(self, http: ApiClient, *, contact_email: str | None = None):
        self.http = http
        self._params = {"mailto": contact_email}

    def work(self, doi: str) -> dict[str, Any]:
        """The `works/{doi}` payload (its `message` is the record)."""
        payload = self.http.get_json(f"works/{quote(doi, safe='/')}", self._params)
        if not isinstance(payload, dict) or not isinstance(payload.get("message"), dict):
            raise ApiServerError(f"Crossref answered works/{doi} without a record; retry later.")
        return payload

    def title_search(self, title: str, *, limit: int = 5) -> list[SearchHit]:
        payload = self.http.get_json(
            "works",
            {
                "query.bibliographic": title,
                "rows": max(1, min(limit, 100)),
                "select": _SELECT,
                **self._params,
            },
        )
        message = payload.get("message") if isinstance(payload, dict) else None
        items = message.get("items") if isinstance(message, dict) else None
        return [hit for hit in map(work_hit, items or []) if hit][:limit]


def work_hit(item: Any) -> SearchHit | None:
    if not isinstance(item, dict):
        return None
    title = clean_text(_first(item.get("title")))
    if not title:
        return None
    year = None
    for key in ("issued", "published", "published-print", "published-online"):
        parts = (item.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and isinstance(parts[0][0], int):
            year = parts[0][0]
            break
    authors = []
    for author in item.get("author") or []:
        if not isinstance(author, dict):
            continue
        family, given = clean_text(author.get("family")), clean_text(author.get("given"))
        name = (
            f"{family}, {given}" if family and given else family or clean_text(author.get("name"))
        )
        if name:
            authors.append(name)
    return SearchHit(
        source="crossref",
        title=title,
        year=year,
        venue=clean_text(_first(item.get("container-title"))) or None,
        citations=item.get("is-referenced-by-count"),
        authors=tuple(authors),
        doi=normalize_doi(item.get("DOI")),
        url=item.get("URL"),
    )


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        return str(value[0]) if value else None
    return str(value) if value else None
