"""The five scholarly clients built once from settings-like values, and fetching by identifier.

`ScholarlyConfig` holds what the clients need (base URLs, contact e-mail, OpenAlex key, cache
file); `ScholarlyConfig.from_settings(settings)` reads it from the one settings object.
`Scholarly.open(config)` builds the clients around one shared response cache;
`Scholarly.fetch(identifier)` returns the raw payload for a `ScholarlyId` from the service
that owns it (a DOI from Crossref, then OpenAlex when Crossref does not know it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx

from assistant.errors import ApiNotFoundError
from assistant.scholarly import arxiv, crossref, openalex, pubmed, semanticscholar
from assistant.scholarly.cache import FILENAME as CACHE_FILENAME
from assistant.scholarly.cache import ResponseCache
from assistant.scholarly.hits import SearchHit
from assistant.scholarly.http import ApiClient, Service
from assistant.scholarly.identifiers import ScholarlyId

if TYPE_CHECKING:
    from assistant.settings import Settings

SearchSource = Literal["openalex", "arxiv", "semanticscholar", "pubmed"]
SEARCH_SOURCES: tuple[SearchSource, ...] = ("openalex", "arxiv", "semanticscholar", "pubmed")


@dataclass(frozen=True)
class ScholarlyConfig:
    openalex_url: str = openalex.DEFAULT_URL
    crossref_url: str = crossref.DEFAULT_URL
    arxiv_url: str = arxiv.DEFAULT_URL
    pubmed_url: str = pubmed.DEFAULT_URL
    semanticscholar_url: str = semanticscholar.DEFAULT_URL
    contact_email: str | None = None
    openalex_api_key: str | None = None
    cache_file: Path | None = None  # None: no caching
    connect_timeout: float = 5.0
    deadline: float = 30.0
    max_retries: int = 3

    @classmethod
    def from_settings(cls, settings: Settings) -> ScholarlyConfig:
        key = settings.openalex_api_key
        return cls(
            openalex_url=settings.openalex_url,
            crossref_url=settings.crossref_url,
            arxiv_url=settings.arxiv_url,
            pubmed_url=settings.pubmed_url,
            semanticscholar_url=settings.semanticscholar_url,
            contact_email=settings.contact_email,
            openalex_api_key=key.get_secret_value() if key else None,
            cache_file=settings.data_dir / CACHE_FILENAME,
        )


@dataclass(frozen=True)
class FetchedRecord:
    """A raw payload and the service (and so the format) it came from."""

    identifier: ScholarlyId
    source: Literal["crossref", "openalex", "arxiv", "pubmed"]
    payload: Any  # JSON (dict) for Crossref and OpenAlex, XML text for arXiv and PubMed


class Scholarly:
    def __init__(
        self,
        openalex_client: openalex.OpenAlexClient,
        crossref_client: crossref.CrossrefClient,
        arxiv_client: arxiv.ArxivClient,
        pubmed_client: pubmed.PubMedClient,
        semanticscholar_client: semanticscholar.SemanticScholarClient,
    ) -> None:
        self.openalex = openalex_client
        self.crossref = crossref_client
        self.arxiv = arxiv_client
        self.pubmed = pubmed_client
        self.semanticscholar = semanticscholar_client

    @classmethod
    def open(
        cls, config: ScholarlyConfig, *, client: httpx.Client | None = None, **http: Any
    ) -> Scholarly:
        """The clients for `config`; `client` and `http` (sleep, clocks) are for tests."""
        cache = ResponseCache(config.cache_file) if config.cache_file else None

        def api(service: Service, url: str, **extra: Any) -> ApiClient:
            return ApiClient(
                service,
                url,
                contact_email=config.contact_email,
                cache=cache,
                client=client,
                connect_timeout=config.connect_timeout,
                deadline=config.deadline,
                max_retries=config.max_retries,
                **extra,
                **http,
            )

        email = config.contact_email
        return cls(
            openalex.OpenAlexClient(
                api(openalex.SERVICE, config.openalex_url, secret_params=frozenset({"api_key"})),
                contact_email=email,
                api_key=config.openalex_api_key,
            ),
            crossref.CrossrefClient(
                api(crossref.SERVICE, config.crossref_url), contact_email=email
            ),
            arxiv.ArxivClient(api(arxiv.SERVICE, config.arxiv_url)),
            pubmed.PubMedClient(api(pubmed.SERVICE, config.pubmed_url), contact_email=email),
            semanticscholar.SemanticScholarClient(
                api(semanticscholar.SERVICE, config.semanticscholar_url)
            ),
        )

    def fetch(self, identifier: ScholarlyId) -> FetchedRecord:
        """The full record for `identifier` (raises a `ScholarlyApiError` subclass)."""
        if identifier.kind == "doi":
            try:
                return FetchedRecord(identifier, "crossref", self.crossref.work(identifier.value))
            except ApiNotFoundError:
                # DataCite and other registries' DOIs are not in Crossref; OpenAlex has many.
                work = self.openalex.work_by_doi(identifier.value)
                return FetchedRecord(identifier, "openalex", work)
        if identifier.kind == "arxiv":
            return FetchedRecord(identifier, "arxiv", self.arxiv.entries([identifier.value]))
        if identifier.kind == "pubmed":
            return FetchedRecord(identifier, "pubmed", self.pubmed.records([identifier.value]))
        return FetchedRecord(identifier, "openalex", self.openalex.work(identifier.value))

    def search(
        self,
        query: str,
        *,
        source: SearchSource = "openalex",
        limit: int = 25,
        year_from: int | None = None,
    ) -> list[SearchHit]:
        """`litassist find`: hits from one service, best first."""
        searcher = {
            "openalex": self.openalex.search,
            "arxiv": self.arxiv.search,
            "semanticscholar": self.semanticscholar.search,
            "pubmed": self.pubmed.search,
        }[source]
        return searcher(query, limit=limit, year_from=year_from)

    def title_candidates(self, title: str, *, limit: int = 5) -> list[SearchHit]:
        """Enrichment's candidates: OpenAlex's title search, then Crossref's when OpenAlex
        finds nothing."""
        hits = self.openalex.title_search(title, limit=limit)
        return hits or self.crossref.title_search(title, limit=limit)
