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
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Markdown, Static

from assistant.errors import LitassistError
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
from assistant.tui.services import written_message
from assistant.tui.widgets.sources_pane import SourcesPane
from assistant.tui.widgets.status_line import StatusLine
from assistant.types import Comparison, Paper

if TYPE_CHECKING:
    from assistant.tui.app import LitassistApp

PAPER_WIDTH = 24
MIN_CELL_WIDTH = 16


class CompareScreen(Screen[None]):
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "back", "Back", tooltip="Back to the library"),
        Binding("ctrl+r", "evidence", "Evidence", tooltip="Go to the evidence of the cell"),
    ]

    def __init__(self, papers: Sequence[Paper]) -> None:
        super().__init__(id="compare")
        self.papers = list(papers)
        self.comparison: Comparison | None = None

    @property
    def litassist(self) -> LitassistApp:
        return self.app  # type: ignore[return-value]

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
        app = self.litassist
        try:
            comparison = app.services.comparer().compare([p.id for p in self.papers])
        except LitassistError as exc:
            app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # a bug must not take the app down
            app.call_from_thread(self._failed, f"unexpected {type(exc).__name__}: {exc}")
            return
        app.call_from_thread(self.show, comparison)
        try:  # stored like `litassist compare` does, so `litassist export` finds it too
            app.services.comparisons().save(comparison)
        except LitassistError as exc:
            message = f"The comparison was not saved: {exc}"
            app.call_from_thread(app.notify, message, severity="warning")

    def export_note(self) -> None:
        """Write the comparison as a Markdown note with its .bib (in a worker)."""
        if self.comparison is None:
            self.notify("The comparison is not ready yet.", severity="warning")
            return
        self._export(self.comparison)

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, comparison: Comparison) -> None:
        try:
            written = self.litassist.services.export_note(comparison)
        except LitassistError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(self.app.notify, written_message(written), timeout=10)

    def _failed(self, message: str) -> None:
        self.litassist.activity = ""
        self.app.notify(message, severity="error", timeout=10)
        if self.is_attached:
            self.query_one(DataTable).loading = False
            self.query_one("#compare-title", Static).update(
                Content.styled(f"✗ The comparison failed: {message}", "$text-error")
            )

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
            year = f" ({paper.year})" if paper.year else ""
            cells = [cell_text(comparison.cell(paper.id, a)) for a in comparison.aspects]
            table.add_row(Text(paper.title + year, style="bold"), *cells, key=paper.id, height=None)
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
