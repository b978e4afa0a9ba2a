"""Compare: the marked papers side by side, one row per paper and one column per aspect, each
cell with its citations; the synthesis below; moving through the table shows a cell's evidence
(its passage highlighted in the paper's abstract) beside the synthesis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Markdown, Static

from assistant.terminal_safe import terminal_safe
from assistant.text import year_text
from assistant.tui.base import LitassistScreen, reported
from assistant.tui.citation_view import cited_number
from assistant.tui.comparison_view import (
    Evidence,
    aspect_label,
    cell_evidence,
    cell_text,
    comparison_summary,
    synthesis_evidence,
    synthesis_markdown,
)
from assistant.tui.messages import ComparisonFailed, ComparisonMade
from assistant.tui.widgets.sources_pane import SourcesPane
from assistant.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from assistant.types import Comparison, Paper

PAPER_WIDTH = 24
MIN_CELL_WIDTH = 16


class CompareScreen(LitassistScreen):
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "back", "Back", tooltip="Back to the library"),
        Binding("ctrl+r", "evidence", "Evidence", tooltip="Go to the evidence of the cell"),
    ]

    def __init__(self, papers: Sequence[Paper]) -> None:
        super().__init__(id="compare")
        self.papers = list(papers)
        self.comparison: Comparison | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"Comparing {len(self.papers)} papers…", id="compare-title")
        yield DataTable(id="comparison-table", cursor_type="cell", zebra_stripes=True)
        with Horizontal(id="compare-bottom"):
            with VerticalScroll(id="synthesis-box"):
                yield Static("Synthesis", classes="sources-title")
                yield Markdown(open_links=False, id="synthesis")
            yield SourcesPane(
                "Move through the table to see the evidence of each cell.", id="evidence"
            )
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.loading = True
        table.focus()
        self.litassist.activity = f"comparing {len(self.papers)} papers…"
        self.run_comparison()

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def run_comparison(self) -> None:
        """Compare the papers and store the comparison, as `litassist compare` does (so
        `litassist export --last-comparison` finds it too)."""

        def failed(text: str) -> ComparisonFailed:
            self.notify_app(text, timeout=10)  # shown even if the screen was left meanwhile
            return ComparisonFailed(text)

        with reported(self.post_message, failed):
            made = self.services.comparisons.compare([p.id for p in self.papers])
            if made.store_error:
                self.notify_app(made.store_error, "warning")
            self.post_message(ComparisonMade(made))

    def on_unmount(self) -> None:
        self.litassist.activity = ""  # left before the comparison came: it is stored anyway

    async def on_comparison_made(self, message: ComparisonMade) -> None:
        await self.show(message.made.comparison)

    def on_comparison_failed(self, message: ComparisonFailed) -> None:
        self.litassist.activity = ""
        self.query_one(DataTable).loading = False
        self.query_one("#compare-title", Static).update(
            Content.styled(f"✗ The comparison failed: {message.message}", "$text-error")
        )

    def export_note(self) -> None:
        """Write the comparison as a Markdown note with its .bib (in a worker)."""
        if self.comparison is None:
            self.notify("The comparison is not ready yet.", severity="warning")
            return
        self.export_item(self.comparison)

    async def show(self, comparison: Comparison) -> None:
        self.litassist.activity = ""
        if not self.is_attached:
            return
        self.comparison = comparison
        self.query_one("#compare-title", Static).update(comparison_summary(comparison))
        table = self.query_one(DataTable)
        table.clear(columns=True)
        width = max(
            MIN_CELL_WIDTH,
            (self.size.width - PAPER_WIDTH - 4) // max(1, len(comparison.aspects)) - 2,
        )
        table.add_column("Paper", key="paper", width=PAPER_WIDTH)
        for name in comparison.aspects:
            table.add_column(aspect_label(name), key=name, width=width)
        for paper in comparison.papers:
            label = terminal_safe(f"{paper.title} ({year_text(paper.year)})")
            cells = [cell_text(comparison.cell(paper.id, a)) for a in comparison.aspects]
            table.add_row(Text(label, style="bold"), *cells, key=paper.id, height=None)
        table.loading = False
        await self.query_one("#synthesis", Markdown).update(synthesis_markdown(comparison))
        table.move_cursor(row=0, column=1)  # its CellHighlighted shows the first cell's evidence

    async def _show_evidence(self, evidence: Evidence, *, focus_number: int | None = None) -> None:
        pane = self.query_one(SourcesPane)
        await pane.show_sources(evidence.sources, evidence.citations, evidence.title, evidence.note)
        if focus_number is not None:
            pane.select(focus_number, focus=True)

    async def _show_cell(self, coordinate: Coordinate) -> None:
        comparison = self.comparison
        if comparison is None or not (0 <= coordinate.row < len(comparison.papers)):
            return
        if coordinate.column == 0:
            return
        paper = comparison.papers[coordinate.row]
        cell = comparison.cell(paper.id, comparison.aspects[coordinate.column - 1])
        if cell is not None:
            await self._show_evidence(cell_evidence(comparison, cell))

    @on(DataTable.CellHighlighted)
    async def _cell(self, event: DataTable.CellHighlighted) -> None:
        await self._show_cell(event.coordinate)

    @on(Markdown.LinkClicked, "#synthesis")
    async def _synthesis_link(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        number = cited_number(event.href)
        if number is None or self.comparison is None:
            return
        evidence = synthesis_evidence(self.comparison, number)
        if evidence is not None:
            await self._show_evidence(evidence, focus_number=number)

    def action_evidence(self) -> None:
        pane = self.query_one(SourcesPane)
        if pane.cards:
            pane.cards[0].focus()

    def action_back(self) -> None:
        self.app.pop_screen()
