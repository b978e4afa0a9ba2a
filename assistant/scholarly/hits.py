"""A search result as a list shows it: the thin typed hit every search client returns.

Turning a full payload into a `Paper` is the parsers' job (`assistant/sources/`); a hit keeps
only what `litassist find` prints and what enrichment compares (title, authors, year, venue,
citation count, identifiers).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.scholarly.identifiers import ScholarlyId


@dataclass(frozen=True)
class SearchHit:
    source: str  # "openalex", "crossref", "arxiv", "pubmed", "semanticscholar"
    title: str
    year: int | None = None
    venue: str | None = None
    citations: int | None = None  # None when the service does not count them (arXiv, PubMed)
    authors: tuple[str, ...] = ()  # "Last, First" where the service splits names
    doi: str | None = None
    arxiv_id: str | None = None
    pubmed_id: str | None = None
    openalex_id: str | None = None
    url: str | None = None

    @property
    def identifier(self) -> ScholarlyId | None:
        """The best id to fetch the full record with (`litassist find --add`)."""
        if self.doi:
            return ScholarlyId("doi", self.doi)
        if self.arxiv_id:
            return ScholarlyId("arxiv", self.arxiv_id)
        if self.pubmed_id:
            return ScholarlyId("pubmed", self.pubmed_id)
        if self.openalex_id:
            return ScholarlyId("openalex", self.openalex_id)
        return None
