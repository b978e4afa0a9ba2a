"""Scholarly use cases: add papers by identifier, find papers on the scholarly APIs, enrich.

* `add(ids)`: each DOI, arXiv id, PubMed id, OpenAlex id or URL naming one is fetched from the
  service that owns it and turned into a `Paper` by the same reader an exported file of that
  service goes through (`assistant.sources`: Crossref and OpenAlex JSON, arXiv Atom, PubMed
  XML), then stored like an ingested paper (the same paper twice is stored once);
* `find(query, source=...)`: hits with title, year, venue, citation count and whether each is
  already in the library; `add_hits` adds chosen ones;
* `enrich(refs | all)`: fills missing year, authors, venue, DOI and arXiv id by title search
  (OpenAlex, then Crossref) through `scholarly.enrich.plan_enrichment`, which never overwrites a
  value the paper has.  All changes are written together at the end, so a failure half-way
  (the network went) changes nothing; the responses fetched so far are cached, so a retry is
  quick.

Every identifier is parsed before anything is fetched: a typo is reported with nothing done.
With no network each use case raises one `ScholarlyApiError` line and changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from assistant.errors import LitassistError

if TYPE_CHECKING:
    from assistant.app.library import LibraryUseCases
    from assistant.scholarly import FetchedRecord, Scholarly, SearchHit
    from assistant.scholarly.enrich import Enrichment
    from assistant.store.library import Library
    from assistant.types import Paper
    from assistant.wiring import Components

__all__ = ["AddedPaper", "EnrichResult", "FoundPaper", "ScholarlyUseCases"]

SearchSource = Literal["openalex", "arxiv", "semanticscholar", "pubmed"]
ProgressCallback = Callable[[int, int], None]
WRITE_LOCK_WAIT = 2.0


@dataclass(frozen=True)
class AddedPaper:
    """A paper `add` fetched, and what storing it did (`added`, `updated`, `merged`,
    `unchanged`: as `litassist ingest` counts them)."""

    paper: Paper
    outcome: str
    source: str  # the service it came from


@dataclass(frozen=True)
class FoundPaper:
    """A search hit and the library's paper for it, if there is one."""

    hit: SearchHit
    in_library: str | None  # the paper id, or None


@dataclass(frozen=True)
class EnrichResult:
    """What `enrich` found (and, unless a dry run, wrote); papers it looked up for nothing."""

    changes: tuple[Enrichment, ...]
    looked_up: int
    unmatched: tuple[str, ...]  # papers with gaps that no matching record fills
    dry_run: bool

    def summary(self) -> str:
        verb = "would fill" if self.dry_run else "filled"
        return (
            f"Enrich: {verb} gaps of {len(self.changes)} paper(s) of {self.looked_up} looked "
            f"up; nothing found to fill for {len(self.unmatched)}."
        )


class ScholarlyUseCases:
    def __init__(self, components: Components, library: LibraryUseCases) -> None:
        self._components = components
        self._library = library

    def _apis(self) -> Scholarly:
        return self._components.scholarly()

    # ---- add ----------------------------------------------------------------------------------
    def add(self, identifiers: Iterable[str]) -> list[AddedPaper]:
        """Fetch and store the papers named by `identifiers`, in order.

        Raises:
            UnknownIdentifierError: one of them is not an identifier (nothing fetched).
            ScholarlyApiError: a service failed (offline, 404, 429 after retries; nothing
                stored).
            LitassistError: the library cannot be written.
        """
        from assistant.scholarly import parse_identifier

        ids = [parse_identifier(text) for text in identifiers]
        if not ids:
            raise LitassistError("Name at least one DOI, arXiv id, PubMed id or OpenAlex id.")
        apis = self._apis()
        fetched: list[tuple[Paper, str]] = []
        for identifier in ids:
            record = apis.fetch(identifier)
            papers = record_papers(record)
            if not papers:
                raise LitassistError(
                    f"{record.source} returned no usable record for {identifier} (no title); "
                    "nothing was added."
                )
            fetched.extend((paper, record.source) for paper in papers[:1])
        stored = self._store([paper for paper, _ in fetched])
        return [
            AddedPaper(paper, outcome, source)
            for (paper, outcome), (_, source) in zip(stored, fetched, strict=True)
        ]

    # ---- find ---------------------------------------------------------------------------------
    def find(
        self,
        query: str,
        *,
        source: SearchSource = "openalex",
        limit: int = 25,
        year_from: int | None = None,
    ) -> list[FoundPaper]:
        """Search one service; each hit says whether the library has it already.

        Raises:
            LitassistError: an empty query. ScholarlyApiError: the service failed.
        """
        if not query.strip():
            raise LitassistError("The query is empty.")
        hits = self._apis().search(query, source=source, limit=limit, year_from=year_from)
        return [FoundPaper(hit, pid) for hit, pid in zip(hits, self._known(hits), strict=True)]

    def add_hits(self, hits: Sequence[SearchHit]) -> list[AddedPaper]:
        """Add search hits (fetching each full record by its best identifier).

        Raises:
            LitassistError: a hit has no identifier to fetch it by.
            ScholarlyApiError: a service failed (nothing stored).
        """
        for hit in hits:
            if hit.identifier is None:
                raise LitassistError(
                    f"'{hit.title}' has no DOI, arXiv, PubMed or OpenAlex id to fetch it by."
                )
        return self.add(_id_texts(hits))

    def _known(self, hits: Sequence[SearchHit]) -> list[str | None]:
        """The library's paper id for each hit (same DOI, arXiv id or title), or None."""
        from assistant.errors import LibraryNotFoundError
        from assistant.sources.identity import make_paper, title_hash

        try:
            catalog = self._components.library().catalog
        except LibraryNotFoundError:
            return [None] * len(hits)
        known: list[str | None] = []
        for hit in hits:
            probe = make_paper(title=hit.title, doi=hit.doi, arxiv_id=hit.arxiv_id, url=hit.url)
            same = catalog.find_same(probe, title_hash(probe.title))
            known.append(same.id if same is not None else None)
        return known

    # ---- enrich -------------------------------------------------------------------------------
    def enrich(
        self,
        refs: Sequence[str] = (),
        *,
        every: bool = False,
        dry_run: bool = False,
        progress: ProgressCallback | None = None,
    ) -> EnrichResult:
        """Fill the gaps of some papers (`refs`) or of every paper with gaps (`every`).

        Raises:
            LitassistError: neither or both of `refs` and `every`; an unknown paper.
            ScholarlyApiError: a service failed (nothing written).
        """
        from assistant.scholarly.enrich import missing_fields, plan_enrichment

        if bool(refs) == every:
            raise LitassistError("Name the papers to enrich, or use --all (not both).")
        if every:
            papers = [row.paper for row in self._library.papers()]
        else:
            papers = self._library.resolve(refs)
        wanting = [p for p in papers if missing_fields(p)]
        apis = self._apis()
        changes: list[Enrichment] = []
        unmatched: list[str] = []
        for done, paper in enumerate(wanting, start=1):
            plan = plan_enrichment(paper, apis.title_candidates(paper.title))
            if plan is None:
                unmatched.append(paper.id)
            else:
                changes.append(plan)
            if progress:
                progress(done, len(wanting))
        if changes and not dry_run:
            by_id = {p.id: p for p in wanting}
            self._write([c.apply(by_id[c.paper_id]) for c in changes])
        return EnrichResult(tuple(changes), len(wanting), tuple(unmatched), dry_run)

    # ---- storing ------------------------------------------------------------------------------
    def _store(self, papers: Sequence[Paper]) -> list[tuple[Paper, str]]:
        """Store fetched papers as ingest does (deduplicated against the library)."""
        from assistant.ingest import Outcome, cut_abstract, plan_paper
        from assistant.sources.identity import title_hash

        library = self._components.library(create=True)
        limit = self._components.settings.max_abstract_chars
        results: list[tuple[Paper, str]] = []
        to_write: dict[str, Paper] = {}
        with library.write_lock(wait=WRITE_LOCK_WAIT):
            for incoming in papers:
                incoming, _ = cut_abstract(incoming, limit)
                key = title_hash(incoming.title)
                existing = to_write.get(incoming.id) or library.catalog.find_same(incoming, key)
                outcome, stored = plan_paper(existing, incoming)
                results.append((stored, outcome.value))
                if outcome is not Outcome.UNCHANGED:
                    to_write[stored.id] = stored
            _write_papers(library, list(to_write.values()))
        return results

    def _write(self, papers: Sequence[Paper]) -> None:
        library = self._components.library()
        with library.write_lock(wait=WRITE_LOCK_WAIT):
            _write_papers(library, papers)


def _write_papers(library: Library, papers: Sequence[Paper]) -> None:
    from assistant.rag.chunking import chunk_paper
    from assistant.sources.identity import title_hash

    if not papers:
        return
    library.write([(p, chunk_paper(p)) for p in papers], [title_hash(p.title) for p in papers])
    library.lexical()


def is_identifier(text: str) -> bool:
    """Whether `text` names one paper (a DOI, arXiv, PubMed or OpenAlex id, or a URL of one)
    rather than a topic to search for; a bare number counts only with its `pmid:` prefix, so
    a topic such as "2024" is searched."""
    from assistant.errors import UnknownIdentifierError
    from assistant.scholarly import parse_identifier

    stripped = text.strip()
    if not stripped or " " in stripped or stripped.isdigit():
        return False
    try:
        parse_identifier(stripped)
    except UnknownIdentifierError:
        return False
    return True


def _id_texts(hits: Sequence[SearchHit]) -> list[str]:
    texts: list[str] = []
    for hit in hits:
        identifier = hit.identifier
        assert identifier is not None  # checked by the caller
        prefix = {"doi": "doi:", "arxiv": "arXiv:", "pubmed": "pmid:", "openalex": ""}
        texts.append(prefix[identifier.kind] + identifier.value)
    return texts


def record_papers(record: FetchedRecord) -> list[Paper]:
    """The papers in a fetched payload, read by the parser of the service's format, with the
    service and identifier as their origin."""
    from assistant.sources.arxiv_atom import parse_arxiv_atom
    from assistant.sources.crossref import parse_crossref_payload
    from assistant.sources.openalex import parse_openalex_payload
    from assistant.sources.pubmed_xml import parse_pubmed_xml

    where = f"{record.source}:{record.identifier.value}"
    if record.source == "crossref":
        result = parse_crossref_payload(record.payload, where)
    elif record.source == "openalex":
        result = parse_openalex_payload(record.payload, where)
    elif record.source == "arxiv":
        result = parse_arxiv_atom(str(record.payload), where)
    else:
        result = parse_pubmed_xml(str(record.payload), where)
    return [dataclasses.replace(p, origin=where, line=None) for p in result.papers]
