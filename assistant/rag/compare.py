"""Comparisons: papers side by side, one cell per paper and aspect, then a cited synthesis.

    comparer = Comparer(retriever, embedder, llm=llm_or_none, prompts=prompts)
    comparison = comparer.compare(["doi:10...", "arxiv:2101..."], mode="extractive")
    comparison = comparer.compare_topic("dataset distillation", n=5)

The sources are every passage of every compared paper, numbered [1]..[m] in paper order.
Cells come from the LLM (compare_llm.py: one structured request) or, offline, from each
paper's best-matching sentence per aspect (compare_extractive.py).  Either way each cell then
goes through the citation verifier (citations.py) against *its own paper's* sources only: a
marker pointing at another paper's passage is dropped and the cell flagged, so a cell can never
cite a paper that is not its row.  The synthesis (the model's, or compare_synthesis.py's
offline one) is verified against all sources, like an answer.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from assistant.errors import LitassistError, PaperNotFoundError
from assistant.rag import compare_extractive, compare_llm
from assistant.rag.aspects import DEFAULT_ASPECTS
from assistant.rag.aspects import aspect as aspect_spec
from assistant.rag.citations import CheckScope, verify
from assistant.rag.compare_synthesis import extractive_synthesis
from assistant.rag.embeddings import Embedder
from assistant.rag.llm import LLMClient, LLMNotConfiguredError
from assistant.rag.prompts import PromptLibrary
from assistant.rag.relevance import assess
from assistant.rag.retriever import HybridRetriever, SearchFilters
from assistant.rag.scoring import LibraryTermWeights, TermWeights
from assistant.rag.vector_cache import CachingEmbedder
from assistant.text import short_title
from assistant.types import (
    AnswerMode,
    Comparison,
    ComparisonCell,
    Paper,
    Passage,
    Source,
)

NOT_STATED = "not stated"
MIN_PAPERS = 2
MAX_PAPERS = 12  # a wider table is unreadable in a terminal and strains a model's context
DEFAULT_TOPIC_PAPERS = 5


def new_comparison_id() -> str:
    return uuid.uuid4().hex[:12]


TITLE_NAME_CHARS = 32  # a paper's short name longer than this is cut for a comparison's title
TITLE_CHARS = 72  # a title of papers' names longer than this gives way to the topic


def _title_name(paper: Paper) -> tuple[str, bool]:
    """A paper's short name for a comparison's title, and whether it had to be cut."""
    name = short_title(paper.title)
    if len(name) <= TITLE_NAME_CHARS:
        return name, False
    return name[:TITLE_NAME_CHARS].rsplit(" ", 1)[0] + "…", True


def comparison_title(papers: Sequence[Paper], topic: str | None = None) -> str:
    """ "DataDAM vs FYI: dataset distillation"; "DataDAM, FYI et al." for three or more papers;
    the topic alone ("Dataset distillation (4 papers)") when the names would be cut or long."""
    named = [_title_name(p) for p in papers]
    shown = named[:2]
    if len(named) == 2:
        head = f"{named[0][0]} vs {named[1][0]}"
    elif len(named) > 2:
        head = f"{named[0][0]}, {named[1][0]} et al."
    else:
        head = named[0][0] if named else "Comparison"
    if not topic:
        return head
    if any(cut for _, cut in shown) or len(head) + len(topic) + 2 > TITLE_CHARS:
        return f"{topic[0].upper()}{topic[1:]} ({len(papers)} papers)"
    return f"{head}: {topic}"


def cite_all(text: str, numbers: Sequence[int]) -> str:
    """`text` with `[n][m]` before its final punctuation (what the verifier reads)."""
    if not numbers:
        return text
    markers = "".join(f"[{n}]" for n in numbers)
    stripped = text.rstrip()
    end = len(stripped)
    while end and stripped[end - 1] in ".!?;:":
        end -= 1
    return f"{stripped[:end]} {markers}{stripped[end:] or '.'}"


class Comparer:
    def __init__(
        self,
        retriever: HybridRetriever,
        embedder: Embedder,
        *,
        llm: LLMClient | None,
        prompts: PromptLibrary,
        mode: AnswerMode = "extractive",
        term_weights: TermWeights | None = None,
    ) -> None:
        self.retriever = retriever
        self.embedder = CachingEmbedder(embedder, memo=retriever.library.sentence_vectors())
        self.llm = llm
        self.prompts = prompts
        self.mode: AnswerMode = mode
        self._weights = LibraryTermWeights(retriever.library, term_weights)

    # ---- public ---------------------------------------------------------------------------
    def compare(
        self,
        paper_ids: Sequence[str],
        aspects: Sequence[str] = DEFAULT_ASPECTS,
        *,
        mode: AnswerMode | None = None,
        topic: str | None = None,
        shortfall: str | None = None,
    ) -> Comparison:
        """Compare these papers (library ids, in row order) on `aspects`.

        `shortfall` says why a topic comparison has fewer papers than asked for.
        """
        started = time.perf_counter()
        mode = mode or self.mode
        if mode == "llm" and self.llm is None:
            raise LLMNotConfiguredError(
                "No LLM endpoint configured; set OPENAI_BASE_URL (and OPENAI_API_KEY if it "
                "needs one), or compare with --mode extractive."
            )
        aspects = tuple(dict.fromkeys(aspects)) or DEFAULT_ASPECTS
        papers = self._papers(paper_ids)
        sources = self._sources(papers)
        weights = self._term_weights()
        extra: dict[str, str] = {}
        if mode == "llm":
            assert self.llm is not None
            blocks = compare_llm.paper_blocks(papers, sources)
            table = compare_llm.request_table(self.llm, self.prompts, blocks, aspects)
            cells = [
                self._cell(paper, name, cell.stated, cell.text, cell.numbers, sources, weights)
                for paper in papers
                for name in aspects
                for cell in (table.cells[(paper.id, name)],)
            ]
            synthesis = table.synthesis
            synthesis_checks: CheckScope = "all"  # the model's own words: every check
            extra["attempts"] = str(table.attempts)
            extra["structured_output"] = "yes" if table.structured else "no (parsed from text)"
        else:
            cells = self._extractive_cells(papers, aspects, sources, weights)
            synthesis = extractive_synthesis(papers, aspects, cells)
            synthesis_checks = "grounding"  # our framing around quotes of verified cells
            extra["synthesis"] = "computed from the table"
        checked = verify(
            synthesis, sources, embedder=self.embedder, weights=weights, checks=synthesis_checks
        )
        extra["elapsed_ms"] = f"{(time.perf_counter() - started) * 1000:.0f}"
        return Comparison(
            id=new_comparison_id(),
            aspects=aspects,
            papers=tuple(papers),
            sources=tuple(sources),
            cells=tuple(cells),
            synthesis=synthesis,
            mode=mode,
            created_at=datetime.now(UTC),
            synthesis_sentences=checked.sentences,
            synthesis_citations=checked.citations,
            invalid_markers=checked.invalid_markers,
            topic=topic,
            model=self.llm.model if mode == "llm" and self.llm else None,
            extra=extra,
            name=comparison_title(papers, topic),
            shortfall=shortfall,
        )

    def compare_topic(
        self,
        topic: str,
        n: int = DEFAULT_TOPIC_PAPERS,
        aspects: Sequence[str] = DEFAULT_ASPECTS,
        *,
        mode: AnswerMode | None = None,
        filters: SearchFilters | None = None,
    ) -> Comparison:
        """Compare the `n` papers retrieval finds most relevant to `topic`.

        Fewer than `n` when fewer are relevant enough; the comparison's `shortfall` says so.
        """
        papers, shortfall = self.topic_papers(topic, n, filters=filters)
        return self.compare(
            [p.id for p in papers],
            aspects,
            mode=mode,
            topic=" ".join(topic.split()),
            shortfall=shortfall,
        )

    def papers_for_topic(
        self, topic: str, n: int = DEFAULT_TOPIC_PAPERS, *, filters: SearchFilters | None = None
    ) -> list[Paper]:
        """The papers a topic comparison would use; refuses a topic the library does not cover."""
        return self.topic_papers(topic, n, filters=filters)[0]

    def topic_papers(
        self, topic: str, n: int = DEFAULT_TOPIC_PAPERS, *, filters: SearchFilters | None = None
    ) -> tuple[list[Paper], str | None]:
        """The papers for a topic comparison, and why there are fewer than `n` (else None)."""
        topic = " ".join(topic.split())
        if not topic:
            raise LitassistError("The topic is empty.")
        if not MIN_PAPERS <= n <= MAX_PAPERS:
            raise LitassistError(
                f"Compare between {MIN_PAPERS} and {MAX_PAPERS} papers; {n} asked."
            )
        hits = self.retriever.search(topic, n, filters=filters)
        if not hits:
            raise LitassistError(f"No papers match {topic!r}; add papers with `litassist ingest`.")
        sources = [Source(i, hit.paper, hit.passages[0]) for i, hit in enumerate(hits, start=1)]
        relevance = assess(topic, sources, self._term_weights())
        if not relevance.relevant:
            raise LitassistError(
                f'The library has no papers on {topic!r} (closest: "{hits[0].paper.title}", '
                f"relevance {relevance.score:.2f} < {relevance.threshold:.2f}); rephrase the "
                "topic or name the papers to compare."
            )
        # Papers far less relevant than the best one would only pad the table.
        kept = [
            hit.paper
            for hit, score in zip(hits, relevance.per_source, strict=True)
            if score >= relevance.threshold
        ]
        if len(kept) < MIN_PAPERS:
            raise LitassistError(
                f"Only one paper in the library is about {topic!r} "
                f'("{kept[0].title}"); there is nothing to compare it with.'
            )
        shortfall = None
        if len(hits) < n:
            shortfall = (
                f"Compared {len(kept)} papers, not {n}: the library has only {len(hits)} "
                f"papers matching {topic!r}"
                + (" (or the filters leave only those)." if filters else ".")
            )
        elif len(kept) < n:
            shortfall = (
                f"Compared {len(kept)} papers, not {n}: the other {len(hits) - len(kept)} "
                f"papers found for {topic!r} are not relevant enough to it (relevance below "
                f"{relevance.threshold:.2f}); rephrase the topic or name the papers to compare."
            )
        return kept, shortfall

    # ---- steps ----------------------------------------------------------------------------
    def _papers(self, paper_ids: Sequence[str]) -> list[Paper]:
        ids = list(dict.fromkeys(paper_ids))
        if len(ids) < MIN_PAPERS:
            raise LitassistError(f"A comparison needs at least {MIN_PAPERS} different papers.")
        if len(ids) > MAX_PAPERS:
            raise LitassistError(f"Compare at most {MAX_PAPERS} papers at once; {len(ids)} given.")
        found = self.retriever.library.catalog.get_many(ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise PaperNotFoundError(
                f"No paper with id {missing[0]!r} in the library; see `litassist papers`."
            )
        return [found[i] for i in ids]

    def _sources(self, papers: Sequence[Paper]) -> list[Source]:
        chunks = self.retriever.library.catalog.chunks_of([p.id for p in papers])
        by_paper: dict[str, list] = {}
        for chunk in chunks:
            by_paper.setdefault(chunk.paper_id, []).append(chunk)
        sources: list[Source] = []
        for paper in papers:
            for chunk in sorted(by_paper.get(paper.id, []), key=lambda c: c.index):
                sources.append(Source(len(sources) + 1, paper, Passage(chunk, 0.0)))
        return sources

    def _term_weights(self) -> TermWeights:
        return self._weights.current()

    def _extractive_cells(
        self,
        papers: Sequence[Paper],
        aspects: Sequence[str],
        sources: Sequence[Source],
        weights: TermWeights,
    ) -> list[ComparisonCell]:
        specs = [aspect_spec(name) for name in aspects]
        per_paper = {
            paper.id: compare_extractive.paper_sentences(
                [s for s in sources if s.paper.id == paper.id]
            )
            for paper in papers
        }
        # One batch for every paper (the caching embedder then answers each paper's call):
        # the local model pads per batch, so one sorted batch is much faster than one per paper.
        self.embedder.embed_documents(
            [a.query for a in specs] + [s.span.text for found in per_paper.values() for s in found]
        )
        cells: list[ComparisonCell] = []
        for paper in papers:
            sentences = per_paper[paper.id]
            scores = compare_extractive.score_matrix(specs, sentences, embedder=self.embedder)
            for pick in compare_extractive.pick_sentences(specs, sentences, scores):
                if pick.sentence is None:
                    cells.append(self._cell(paper, pick.aspect, False, "", (), sources, weights))
                else:
                    number = (pick.sentence.source.number,)
                    text = pick.sentence.span.text
                    cells.append(
                        self._cell(paper, pick.aspect, True, text, number, sources, weights)
                    )
        return cells

    def _cell(
        self,
        paper: Paper,
        aspect: str,
        stated: bool,
        text: str,
        numbers: Sequence[int],
        sources: Sequence[Source],
        weights: TermWeights,
    ) -> ComparisonCell:
        """A cell checked against its own paper's sources; foreign citations are dropped."""
        if not stated or not text.strip():
            return ComparisonCell(paper.id, aspect, NOT_STATED, stated=False, supported=True)
        by_number = {s.number: s for s in sources}
        own = [s for s in sources if s.paper.id == paper.id]
        own_numbers = {s.number for s in own}
        kept = [n for n in numbers if n in own_numbers]
        foreign = [n for n in numbers if n in by_number and n not in own_numbers]
        unknown = [n for n in numbers if n not in by_number]
        checked = verify(cite_all(text, kept), own, embedder=self.embedder, weights=weights)
        problems: list[str] = []
        if foreign:
            whose = by_number[foreign[0]].paper.title
            listed = ", ".join(f"[{n}]" for n in foreign)
            problems.append(f'cited {listed} of another paper ("{whose}"); dropped')
        if unknown:
            problems.append(f"cited {', '.join(f'[{n}]' for n in unknown)}, not a source; dropped")
        claims = [s for s in checked.sentences if s.citations or not s.supported]
        problems.extend(s.note for s in claims if not s.supported and s.note)
        supported = not problems and all(s.supported for s in checked.sentences)
        if not kept:
            supported = False
            if not problems:
                problems.append("no citation")
        support = min((s.support for s in claims if s.citations), default=0.0)
        return ComparisonCell(
            paper_id=paper.id,
            aspect=aspect,
            text=text,
            citations=tuple(kept),
            supported=supported,
            stated=True,
            support=round(support, 4),
            note="; ".join(problems) or None,
            evidence=checked.citations,
        )
