"""The scholarly APIs: OpenAlex, Crossref, arXiv, PubMed (E-utilities) and Semantic Scholar.

UI-free clients over httpx (`http.ApiClient`: rate limits, backoff on 429/5xx honouring
`Retry-After`, connect timeout and read deadline, a response cache in the data folder, one
typed error line when offline).  They return the services' raw payloads (the parsers turn
those into `Paper`s) and thin `SearchHit`s for lists.

* `parse_identifier(text)` -> `ScholarlyId` (DOI, arXiv, PubMed, OpenAlex, or a URL of one);
* `Scholarly.open(ScholarlyConfig.from_settings(settings))` -> the clients; `.fetch(id)`,
  `.search(query, source=..., limit=..., year_from=...)`, `.title_candidates(title)`;
* `enrich.plan_enrichment(paper, candidates)` -> the gaps a matching record fills (pure).
"""

from assistant.scholarly.clients import (
    SEARCH_SOURCES,
    FetchedRecord,
    Scholarly,
    ScholarlyConfig,
)
from assistant.scholarly.hits import SearchHit
from assistant.scholarly.identifiers import ScholarlyId, parse_identifier

__all__ = [
    "SEARCH_SOURCES",
    "FetchedRecord",
    "Scholarly",
    "ScholarlyConfig",
    "ScholarlyId",
    "SearchHit",
    "parse_identifier",
]
