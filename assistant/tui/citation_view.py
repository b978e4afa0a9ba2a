"""How an answer's citations are shown: pure functions over `Answer`, tested without Textual.

- `answer_markdown`: the answer text with each citation marker turned into links
  (`[1, 3]` -> `\\[[1](cite:1), [3](cite:3)\\]`, the same text on screen, each number
  clickable) and a ⚠ after every unsupported sentence;
- `citation_entries`: one entry per cited source for the keyboard-selectable list;
- `source_spans`: the supporting spans of a source inside its paper's abstract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.app.answers import citation_markers
from assistant.badges import source_badge
from assistant.text import authors_short
from assistant.types import Answer, AnswerSentence, Citation, Paper, Source

CITE_SCHEME = "cite:"
UNSUPPORTED_MARK = "⚠"


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


def cited_number(href: str) -> int | None:
    """The source number of a `cite:N` link, None for any other link."""
    if not href.startswith(CITE_SCHEME):
        return None
    tail = href[len(CITE_SCHEME) :]
    return int(tail) if tail.isdigit() else None


def _marker_links(numbers: tuple[int, ...], known: set[int], original: str) -> str:
    if not any(n in known for n in numbers):
        return original
    parts = [f"[{n}]({CITE_SCHEME}{n})" if n in known else str(n) for n in numbers]
    return "\\[" + ", ".join(parts) + "\\]"


def answer_markdown(answer: Answer) -> str:
    """The answer's Markdown with clickable citation markers and unsupported sentences marked."""
    return linked_markdown(answer.text, answer.sources, answer.sentences)


def linked_markdown(
    text: str, sources: Sequence[Source], sentences: Sequence[AnswerSentence]
) -> str:
    """`text` (an answer, a synthesis) with markers of known sources as `cite:N` links and a
    ⚠ after each unsupported sentence."""
    known = {source.number for source in sources}
    markers = citation_markers(text)
    edits = [_Edit(m.start, m.end, _marker_links(m.numbers, known, m.text)) for m in markers]
    for sentence in sentences:
        if sentence.supported or sentence.end < 0 or sentence.end > len(text):
            continue
        at = sentence.end
        for marker in markers:  # never split a marker: mark after it
            if marker.start < at < marker.end:
                at = marker.end
        edits.append(_Edit(at, at, f" {UNSUPPORTED_MARK}"))
    # Walk forward; an insertion sorts before a replacement starting at the same offset.
    edits.sort(key=lambda e: (e.start, e.end != e.start))
    pieces: list[str] = []
    cursor = 0
    for edit in edits:
        if edit.start < cursor:
            continue
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.text)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def paper_byline(paper: Paper) -> str:
    """`2021 · Smith et al. · CVPR`, leaving out what is unknown."""
    parts = [str(paper.year) if paper.year else "", authors_short(paper.authors), paper.venue or ""]
    return " · ".join(p for p in parts if p)


@dataclass(frozen=True)
class CitationEntry:
    """A cited source as the chat lists it under an answer."""

    number: int
    label: str
    supported: bool


def citation_entries(answer: Answer) -> list[CitationEntry]:
    """One entry per cited source, in source order, with its badge: a quote and where it stands
    in the abstract (offline answers), or the check's verdict and score."""
    entries: list[CitationEntry] = []
    for source in answer.cited_sources:
        badge = source_badge(answer, source.number)
        supported = badge.kind != "unsupported"
        who = " ".join(
            p for p in (authors_short(source.paper.authors), str(source.paper.year or "")) if p
        )
        shown = {
            "quote": f"❝ {badge.label}",  # "❝ quoted, abstract sentence 3": no score for a quote
            "unsupported": f"{UNSUPPORTED_MARK} {badge.label}",  # with the check's reason
        }.get(badge.kind, f"✓ {badge.support or 0.0:.2f}")
        lead = f"[{source.number}] {who} — " if who else f"[{source.number}] "
        label = f"{lead}{source.paper.title}  {shown}"
        entries.append(CitationEntry(source.number, label, supported))
    return entries


SpanKind = Literal["supported", "unsupported", "passage"]


@dataclass(frozen=True)
class SourceSpan:
    """A span of the paper's abstract (offsets into it): a cited span that supports what cites
    it or does not, or the whole retrieved passage when no citation carries offsets."""

    start: int
    end: int
    kind: SpanKind


def source_spans(citations: Sequence[Citation], source: Source) -> list[SourceSpan]:
    """The spans of `source` that `citations` (of an answer, a comparison cell, a synthesis)
    point at, in order, clipped to the abstract.

    Falls back to the whole passage when no citation of it carries offsets.
    """
    size = len(source.paper.abstract)
    supported: dict[tuple[int, int], bool] = {}
    for citation in citations:
        if citation.number != source.number:
            continue
        start, end = max(0, citation.start), min(size, citation.end)
        if start < end:
            supported[(start, end)] = supported.get((start, end), False) or citation.supported
    if supported:
        return [
            SourceSpan(s, e, "supported" if ok else "unsupported")
            for (s, e), ok in sorted(supported.items())
        ]
    chunk = source.passage.chunk
    start, end = max(0, chunk.start), min(size, chunk.end)
    return [SourceSpan(start, end, "passage")] if start < end else []
