"""How a `Comparison` is shown: cell texts with their markers, the evidence behind a cell, the
synthesis as linked Markdown.  Pure functions, tested without Textual."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from assistant.app.comparisons import aspect_label
from assistant.terminal_safe import terminal_safe
from assistant.tui.citation_view import UNSUPPORTED_MARK, linked_markdown
from assistant.types import Citation, Comparison, ComparisonCell, Source


def cell_text(cell: ComparisonCell | None) -> Text:
    """A table cell: its statement and markers, "not stated" dim, ⚠ when unsupported.

    Rich `Text` rather than Textual `Content`: the DataTable wraps and measures Rich text for
    rows of automatic height, so styles here are plain Rich ones (no theme variables).
    """
    if cell is None:
        return Text("—", style="dim")
    if not cell.stated:
        return Text(terminal_safe(cell.text) or "not stated", style="italic dim")
    text = Text(terminal_safe(cell.text))
    markers = "".join(f"[{n}]" for n in cell.citations)
    if markers:
        text.append(" ")
        text.append(markers, style="bold")
    if not cell.supported:
        text.append(f" {UNSUPPORTED_MARK}", style="bold yellow")
    return text


@dataclass(frozen=True)
class Evidence:
    """What the evidence pane shows for a cell or a synthesis citation."""

    title: str
    sources: tuple[Source, ...]
    citations: tuple[Citation, ...]
    note: str


def cell_evidence(comparison: Comparison, cell: ComparisonCell) -> Evidence:
    paper = next((p for p in comparison.papers if p.id == cell.paper_id), None)
    title = f"{paper.title if paper else cell.paper_id} · {aspect_label(cell.aspect)}"
    sources = tuple(s for s in comparison.sources if s.number in cell.citations)
    if not cell.stated:
        note = "The abstract does not state this."
    elif not cell.supported:
        note = f"{UNSUPPORTED_MARK} {cell.note or 'The cited passage does not support this.'}"
    else:
        note = f"Supported ({cell.support:.2f})."
    return Evidence(title, sources, cell.evidence, note)


def synthesis_evidence(comparison: Comparison, number: int) -> Evidence | None:
    source = next((s for s in comparison.sources if s.number == number), None)
    if source is None:
        return None
    cites = tuple(c for c in comparison.synthesis_citations if c.number == number)
    supported = any(c.supported for c in cites)
    note = "Supports the synthesis." if supported else f"{UNSUPPORTED_MARK} Weak support."
    return Evidence(f"Synthesis · source [{number}]", (source,), cites, note)


def synthesis_markdown(comparison: Comparison) -> str:
    markdown = linked_markdown(
        comparison.synthesis, comparison.sources, comparison.synthesis_sentences
    )
    return terminal_safe(markdown)


def comparison_summary(comparison: Comparison) -> str:
    """`Comparison of 2 papers · extractive · 7 of 10 cells supported · 1 not stated`."""
    stated = [c for c in comparison.cells if c.stated]
    supported = sum(1 for c in stated if c.supported)
    missing = len(comparison.cells) - len(stated)
    mode = (
        f"LLM · {comparison.model}"
        if comparison.mode == "llm" and comparison.model
        else comparison.mode
    )
    parts = [comparison.title, mode, f"{supported} of {len(stated)} cells supported"]
    if missing:
        parts.append(f"{missing} not stated")
    return terminal_safe(" · ".join(parts))
