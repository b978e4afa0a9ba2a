"""PubMed through NCBI E-utilities (`pubmed_url`, default
https://eutils.ncbi.nlm.nih.gov/entrez/eutils): records by PMID and search.

NCBI allows three requests a second without an API key and asks every tool to send `tool`
and `email`.  `efetch` returns PubMed XML as text (the parsers read it); a search is an
`esearch` for ids then one `esummary` for their titles, dates and journals.
"""

from __future__ import annotations

from typing import Any

from assistant.errors import ApiNotFoundError
from assistant.scholarly.hits import SearchHit
from assistant.scholarly.http import DAY, ApiClient, Service
from assistant.sources.identity import clean_text, normalize_doi, parse_year

SERVICE = Service("PubMed", "pubmed_url", min_interval=0.34, ttl=7 * DAY)
DEFAULT_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
MAX_RESULTS = 200


class PubMedClient:
    def __init__(self, http: ApiClient, *, contact_email: str | None = None):
        self.http = http
        self._params = {"tool": "litassist", "email": contact_email}

    def records(self, pmids: list[str]) -> str:
        """The PubMed XML (`PubmedArticleSet`) of the given ids."""
        xml = self.http.get_text(
            "efetch.fcgi", {"db": "pubmed", "id": ",".join(pmids), "retmode": "xml", **self._params}
        )
        if not any(
            tag in xml for tag in ("<PubmedArticle>", "<PubmedArticle ", "<PubmedBookArticle")
        ):
            raise ApiNotFoundError(f"PubMed has no record {', '.join(pmids)}.")
        return xml

    def search(
        self, query: str, *, limit: int = 25, year_from: int | None = None
    ) -> list[SearchHit]:
        params: dict[str, Any] = {
            "db": "pubmed",
            "term": query,
            "retmax": max(1, min(limit, MAX_RESULTS)),
            "retmode": "json",
            "sort": "relevance",
            **self._params,
        }
        if year_from:
            params.update({"datetype": "pdat", "mindate": str(year_from), "maxdate": "3000"})
        found = self.http.get_json("esearch.fcgi", params)
        ids = [str(i) for i in ((found.get("esearchresult") or {}).get("idlist") or [])][:limit]
        if not ids:
            return []
        summary = self.http.get_json(
            "esummary.fcgi",
            {"db": "pubmed", "id": ",".join(ids), "retmode": "json", **self._params},
        )
        result = summary.get("result") if isinstance(summary, dict) else None
        result = result if isinstance(result, dict) else {}
        return [hit for hit in (summary_hit(result.get(pmid), pmid) for pmid in ids) if hit]


def summary_hit(doc: Any, pmid: str) -> SearchHit | None:
    if not isinstance(doc, dict):
        return None
    title = clean_text(doc.get("title")).rstrip(".")
    if not title:
        return None
    doi = next(
        (
            a.get("value")
            for a in doc.get("articleids") or []
            if isinstance(a, dict) and a.get("idtype") == "doi"
        ),
        None,
    )
    return SearchHit(
        source="pubmed",
        title=title,
        year=parse_year(doc.get("pubdate") or doc.get("epubdate")),
        venue=clean_text(doc.get("fulljournalname") or doc.get("source")) or None,
        authors=tuple(
            clean_text(a.get("name")) for a in doc.get("authors") or [] if isinstance(a, dict)
        ),
        doi=normalize_doi(doi),
        pubmed_id=pmid,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
    )
