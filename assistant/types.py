"""The one vocabulary of data types litassist speaks.

Everything that crosses a module boundary is one of these small frozen dataclasses:
parsers produce `Paper` (listed with its bookkeeping as `PaperRow`), the chunker produces
`Chunk`, retrieval produces `Passage` and `PaperHit`, the answer engine produces `Answer`
(with `Source`, `Citation` and `AnswerSentence`), the comparer produces `Comparison`.  No
module defines its own copy, and none spells their fields again: `codec.py` derives each type's
dict and row shapes from these definitions, so a field added here reaches every store, `--json`
and export by itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

AnswerMode = Literal["llm", "extractive"]

# Why a cited sentence is not supported: a closed set a UI can show (and filter on).
UnsupportedReason = Literal[
    "no_citation",  # a claim without a marker
    "unknown_source",  # a marker that points to no retrieved source
    "figure",  # a figure the cited source does not give (value, scale, unit)
    "overclaim",  # stronger than the source: every, only, first, state of the art, ...
    "negation",  # the source says the opposite
    "wrong_paper",  # the claim is about another paper than the one cited
    "not_in_source",  # the cited source does not say it (or adds a detail it does not give)
    "vacuous",  # "The sources propose methods [1][2].": states nothing a source could back
]
REASON_LABELS: dict[str, str] = {
    "no_citation": "no citation",
    "unknown_source": "cites a source that was not retrieved",
    "figure": "a figure the source does not give",
    "overclaim": "a claim stronger than the source",
    "negation": "the source says the opposite",
    "wrong_paper": "the wrong paper cited",
    "not_in_source": "not in the source",
    "vacuous": "says nothing specific the source states",
}


@dataclass(frozen=True)
class Paper:
    """One paper as parsed from a user's file.

    `raw_entry` keeps the original entry text (the BibTeX source for `.bib` files, the JSON
    object for CSL-JSON/JSONL, ...) so BibTeX can later be exported unchanged.
    """

    id: str
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    url: str | None = None
    source_file: str | None = None
    source_format: str | None = None
    citekey: str | None = None
    raw_entry: str | None = None
    line: int | None = None  # 1-based line of the entry in its source file
    keywords: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # the user's own labels (e.g. Zotero tags)
    collections: tuple[str, ...] = ()  # folders of the library it came from
    item_type: str | None = None  # the source's kind of item: "journalArticle", "inproceedings"
    origin: str | None = None  # a stable key in the library it came from: "zotero:<lib>/<item>"

    @property
    def content_hash(self) -> str:
        """Hash of what the chunks and the search indexes are built from."""
        digest = hashlib.sha256()
        for part in (self.title, self.abstract, str(self.year)):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
        return digest.hexdigest()[:32]


@dataclass(frozen=True)
class PaperRow:
    """A paper with its bookkeeping in the library, as `litassist papers` lists it."""

    paper: Paper
    chunks: int
    indexed: bool
    added_at: str
    updated_at: str


@dataclass(frozen=True)
class ParseProblem:
    """A malformed entry: reported with file and line, then skipped."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ParseResult:
    papers: tuple[Paper, ...]
    problems: tuple[ParseProblem, ...] = ()

    @classmethod
    def collect(cls, items: Iterable[Paper | ParseProblem]) -> ParseResult:
        """The papers and problems of a reader's stream (`iter_csv`, `iter_csljson`), in order."""
        papers: list[Paper] = []
        problems: list[ParseProblem] = []
        for item in items:
            if isinstance(item, ParseProblem):
                problems.append(item)
            else:
                papers.append(item)
        return cls(tuple(papers), tuple(problems))


@dataclass(frozen=True)
class Chunk:
    """A slice of a paper's abstract: `abstract[start:end] == text`."""

    id: str
    paper_id: str
    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and what each retriever said of it.

    `dense_score` is the cosine similarity to the query, `lexical_score` the BM25 score;
    either is None when that retriever did not return the chunk.
    """

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_score: float | None = None
    lexical_score: float | None = None


@dataclass(frozen=True)
class PaperHit:
    """Retrieval results grouped per paper: the paper and its best passages, best first."""

    paper: Paper
    score: float
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Source:
    """A passage shown to the answerer as source `[number]`."""

    number: int
    paper: Paper
    passage: Passage


@dataclass(frozen=True)
class Citation:
    """A verified `[number]` marker: which passage it points at and how well it supports.

    `start`/`end` are character offsets into the paper's abstract of the supporting span
    (the best-matching sentence of the cited passage).
    """

    number: int
    paper_id: str
    chunk_id: str
    start: int
    end: int
    support: float
    supported: bool
    sentence: int = -1  # index into `Answer.sentences` of the sentence carrying the marker
    abstract_sentence: int | None = None  # 1-based: which sentence of the abstract start is in


@dataclass(frozen=True)
class AnswerSentence:
    """A sentence of the answer with the sources it cites and how well they support it.

    `start`/`end` are offsets into `Answer.text`; `note` says why a sentence is unsupported
    in words, with what to look at; `reason` is the same as one of `UnsupportedReason`
    (None for a supported sentence).
    """

    text: str
    citations: tuple[int, ...]
    support: float
    supported: bool
    start: int = -1
    end: int = -1
    note: str | None = None
    reason: UnsupportedReason | None = None
    # A sentence of the cited passage, word for word (an offline answer's every sentence): it is
    # shown as a quote with where it stands in its abstract, not with a support score.
    quoted: bool = False


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    mode: AnswerMode
    sources: tuple[Source, ...] = ()
    citations: tuple[Citation, ...] = ()
    sentences: tuple[AnswerSentence, ...] = ()
    invalid_markers: tuple[str, ...] = ()
    standalone_query: str | None = None
    abstained: bool = False
    complete: bool = True
    error: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    conversation_id: str | None = None
    created_at: datetime | None = None
    model: str | None = None  # the chat model that wrote it (None in extractive mode)

    @property
    def unsupported_sentences(self) -> tuple[AnswerSentence, ...]:
        return tuple(s for s in self.sentences if not s.supported)

    @property
    def cited_sources(self) -> tuple[Source, ...]:
        """The sources the answer cites, in source order."""
        cited = {c.number for c in self.citations}
        return tuple(s for s in self.sources if s.number in cited)


@dataclass(frozen=True)
class AnswerDelta:
    """A piece of answer text as it streams in; a final `Answer` always follows."""

    text: str


@dataclass(frozen=True)
class ConversationSummary:
    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    turns: int
    last_question: str | None = None
    first_answer: str | None = None  # its start, for a preview


@dataclass(frozen=True)
class Conversation:
    """A stored conversation: its turns are full `Answer`s, oldest first."""

    id: str
    title: str
    created_at: datetime
    turns: tuple[Answer, ...] = ()


@dataclass(frozen=True)
class ComparisonCell:
    """One cell of a comparison table: what paper `paper_id` says about `aspect`.

    `text` is the statement without citation markers; `citations` are numbers of the
    comparison's sources, always passages of this same paper (a marker pointing at another
    paper's passage is dropped and the cell flagged, see `rag/compare.py`).  `stated` is False
    when the abstract does not cover the aspect: the cell then says "not stated" and claims
    nothing (`supported` stays True).  `evidence` are the verified citations with the supporting
    span in the abstract; `note` says why a cell is unsupported.
    """

    paper_id: str
    aspect: str
    text: str
    citations: tuple[int, ...] = ()
    supported: bool = True
    stated: bool = True
    support: float = 0.0
    note: str | None = None
    evidence: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """Papers side by side: one row per paper, one column per aspect, then a cited synthesis.

    `sources` are the numbered passages (every chunk of every compared paper) that cells and
    synthesis cite; `synthesis_sentences`/`synthesis_citations` are the synthesis as verified,
    like `Answer.sentences`/`Answer.citations`.  `topic` is set for `compare --topic`.
    """

    id: str
    aspects: tuple[str, ...]
    papers: tuple[Paper, ...]
    sources: tuple[Source, ...]
    cells: tuple[ComparisonCell, ...]
    synthesis: str
    mode: AnswerMode
    created_at: datetime
    synthesis_sentences: tuple[AnswerSentence, ...] = ()
    synthesis_citations: tuple[Citation, ...] = ()
    invalid_markers: tuple[str, ...] = ()
    topic: str | None = None
    model: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    name: str | None = None  # "DataDAM vs FYI: dataset distillation" (rag/compare.py)
    shortfall: str | None = None  # why `compare --topic -n N` found fewer than N papers

    @property
    def title(self) -> str:
        if self.name:
            return self.name
        if self.topic:
            return f"Comparison: {self.topic}"
        return f"Comparison of {len(self.papers)} papers"

    def cell(self, paper_id: str, aspect: str) -> ComparisonCell | None:
        for cell in self.cells:
            if cell.paper_id == paper_id and cell.aspect == aspect:
                return cell
        return None

    def row(self, paper_id: str) -> tuple[ComparisonCell, ...]:
        """The cells of one paper, in aspect order."""
        found = (self.cell(paper_id, aspect) for aspect in self.aspects)
        return tuple(cell for cell in found if cell is not None)

    @property
    def cited_numbers(self) -> frozenset[int]:
        numbers = {n for cell in self.cells for n in cell.citations}
        numbers.update(c.number for c in self.synthesis_citations)
        return frozenset(numbers)

    @property
    def cited_sources(self) -> tuple[Source, ...]:
        """The sources cited by a cell or by the synthesis, in source order."""
        cited = self.cited_numbers
        return tuple(s for s in self.sources if s.number in cited)


@dataclass(frozen=True)
class ComparisonSummary:
    """A stored comparison as a list shows it."""

    id: str
    title: str
    created_at: datetime
    papers: int
    aspects: tuple[str, ...]
    mode: AnswerMode
