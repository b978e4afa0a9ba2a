"""The library: every paper in a table; filter as you type, sort by column, read an abstract,
mark papers to compare, ingest a file with a progress bar."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, ProgressBar, Static

from assistant.errors import LibraryNotFoundError
from assistant.labels import LabelSelection
from assistant.tui.base import LitassistScreen, reported
from assistant.tui.library_rows import (
    COLUMNS,
    LABELS,
    NARROW,
    Column,
    cells,
    column_widths,
    filter_rows,
    label_counts,
    sort_rows,
    split_query,
    with_labels,
)
from assistant.tui.messages import (
    IngestDone,
    IngestFailed,
    IngestProgress,
    PapersEnriched,
    PapersLoaded,
    ScholarlyFailed,
)
from assistant.tui.screens.paper_detail import PaperDetailScreen
from assistant.tui.screens.path_prompt import PathPromptScreen
from assistant.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from assistant.app import SyncResult
    from assistant.app.library import IngestReport
    from assistant.types import Paper, PaperRow


@dataclass
class LibraryView:
    """What the library screen keeps between visits (the app holds it): filter, sort, marks."""

    query: str = ""
    sort_column: Column = "year"
    descending: bool = True
    marked: set[str] = field(default_factory=set)


class LibraryScreen(LitassistScreen):
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "back", "Back", tooltip="In the filter: clear it; else back to the chat"),
        Binding("down", "into_table", "Table", show=False, tooltip="From the filter to the table"),
        Binding("slash", "focus_filter", "Filter", tooltip="Filter as you type"),
        Binding("l", "pick_labels", "Labels", tooltip="Filter by Zotero collections and tags"),
        Binding("space", "mark", "Mark", tooltip="Mark or unmark for comparing"),
        Binding("c", "compare", "Compare marked", tooltip="Compare the marked papers"),
        Binding("s", "sort", "Sort", tooltip="Sort by the next column (or click a header)"),
        Binding("r", "reverse", "Reverse", tooltip="Reverse the order"),
        Binding("i", "ingest", "Ingest", tooltip="Ingest a file or folder"),
        Binding("a", "add_papers", "Add papers", tooltip="Search the scholarly APIs and add"),
        Binding("e", "enrich", "Enrich", tooltip="Fill gaps of the marked papers from OpenAlex"),
    ]

    def __init__(self, view: LibraryView | None = None) -> None:
        super().__init__(id="library")
        self.view = view if view is not None else LibraryView()
        self.rows: list[PaperRow] = []
        self.shown: list[PaperRow] = []
        self.loaded = False
        self._widths: dict[Column, int] = {}

    # The view's fields, by their old names (the screen's state is the view the app keeps).
    @property
    def marked(self) -> set[str]:
        return self.view.marked

    @property
    def sort_column(self) -> Column:
        return self.view.sort_column

    @property
    def descending(self) -> bool:
        return self.view.descending

    def compose(self) -> ComposeResult:
        yield Input(
            self.view.query,
            placeholder="Filter by title, author, venue, year, tag:NAME, collection:NAME…  (/)",
            id="filter",
        )
        yield Static("Loading the library…", id="library-summary")
        yield DataTable(id="papers", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="ingest-row"):
            yield ProgressBar(id="ingest-progress", show_eta=False)
            yield Static("", id="ingest-label")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ingest-row").display = False
        self._set_columns(self.size.width or self.app.size.width)
        self.query_one(DataTable).focus()
        self.load()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(Footer).compact = event.size.width < NARROW
        if column_widths(event.size.width) != self._widths:
            self._set_columns(event.size.width)
            self.refresh_table()

    def _set_columns(self, width: int) -> None:
        """(Re)build the columns for a screen `width` wide: the title takes the free width."""
        self._widths = column_widths(width)
        table: DataTable[str] = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("✓", key="mark", width=1)
        for column, size in self._widths.items():
            table.add_column(LABELS[column], key=column, width=size)

    @property
    def columns(self) -> list[Column]:
        return [c for c in COLUMNS if c in self._widths]

    # ---- loading --------------------------------------------------------------------------
    @work(thread=True, group="library-rows", exclusive=True, exit_on_error=False)
    def load(self) -> None:
        rows: list[PaperRow] = []
        # No library: an empty table, which says how to add papers.
        with self.reported_to_app(), contextlib.suppress(LibraryNotFoundError):
            rows = self.services.library.papers()
        self.post_message(PapersLoaded(rows))

    def on_papers_loaded(self, message: PapersLoaded) -> None:
        rows = message.rows
        self.rows = rows
        self.loaded = True
        known = {r.paper.id for r in rows}
        self.view.marked &= known
        self.refresh_table()

    def refresh_table(self) -> None:
        """Show the rows passing the filter, sorted; keeps the cursor on the same paper."""
        table = self.query_one(DataTable)
        current = self.cursor_paper
        query = self.query_one("#filter", Input).value
        self.view.query = query
        self.shown = sort_rows(filter_rows(self.rows, query), self.sort_column, self.descending)
        table.clear()
        columns = self.columns
        for row in self.shown:
            table.add_row(*cells(row, row.paper.id in self.marked, columns), key=row.paper.id)
        if current is not None:
            for index, row in enumerate(self.shown):
                if row.paper.id == current.id:
                    table.move_cursor(row=index, animate=False)
                    break
        self._summary()

    def _summary(self) -> None:
        query = self.query_one("#filter", Input).value.strip()
        if not self.rows:
            text = "The library is empty: press i to ingest a file (BibTeX, RIS, CSL-JSON, …)."
        elif not self.shown:
            text = (
                f"No paper matches “{query}” (of {len(self.rows)}); "
                "esc clears the filter, accents and case do not matter."
            )
        else:
            arrow = "↓" if self.descending else "↑"
            text = (
                f"{len(self.shown)} of {len(self.rows)} papers · {len(self.marked)} marked · "
                f"sorted by {self.sort_column} {arrow}"
            )
        self.query_one("#library-summary", Static).update(text)

    # ---- the table ------------------------------------------------------------------------
    @property
    def cursor_paper(self) -> Paper | None:
        table = self.query_one(DataTable)
        if not self.shown or not (0 <= table.cursor_row < len(self.shown)):
            return None
        return self.shown[table.cursor_row].paper

    @property
    def marked_papers(self) -> list[Paper]:
        return [r.paper for r in self.rows if r.paper.id in self.marked]

    @on(Input.Changed, "#filter")
    def _filter(self) -> None:
        self.refresh_table()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        if key in COLUMNS:
            self.sort_by(key)

    def sort_by(self, column: Column) -> None:
        if column == self.sort_column:
            self.view.descending = not self.view.descending
        else:
            self.view.sort_column = column
            self.view.descending = column in ("year", "chunks")
        self.refresh_table()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        paper = self.cursor_paper
        if paper is not None:
            self.app.push_screen(PaperDetailScreen(paper))

    # ---- actions --------------------------------------------------------------------------
    def action_back(self) -> None:
        """esc in the filter clears it (then goes to the table); esc in the table leaves, the
        filter kept for the next visit."""
        box = self.query_one("#filter", Input)
        if box.has_focus:
            if box.value:
                box.clear()
            else:
                self.query_one(DataTable).focus()
            return
        self.app.pop_screen()

    def action_into_table(self) -> None:
        """Down in the filter moves into the table (the table handles its own Down)."""
        table = self.query_one(DataTable)
        if self.query_one("#filter", Input).has_focus and self.shown:
            table.focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_pick_labels(self) -> None:
        from assistant.tui.screens.label_picker import LabelPickerScreen

        collections, tags = label_counts(self.rows)
        _, chosen = split_query(self.query_one("#filter", Input).value)
        self.app.push_screen(LabelPickerScreen(collections, tags, chosen), self._labels_picked)

    def _labels_picked(self, labels: LabelSelection | None) -> None:
        if labels is not None:
            box = self.query_one("#filter", Input)
            box.value = with_labels(box.value, labels)  # the table follows (Input.Changed)

    def action_mark(self) -> None:
        paper = self.cursor_paper
        if paper is None:
            return
        self.marked.symmetric_difference_update({paper.id})
        table = self.query_one(DataTable)
        table.update_cell(paper.id, "mark", "✓" if paper.id in self.marked else " ")
        if table.cursor_row < len(self.shown) - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self._summary()

    def action_sort(self) -> None:
        following = COLUMNS[(COLUMNS.index(self.sort_column) + 1) % len(COLUMNS)]
        self.sort_by(following)

    def action_reverse(self) -> None:
        self.sort_by(self.sort_column)

    def action_compare(self) -> None:
        papers = self.marked_papers
        if len(papers) < 2:
            self.notify("Mark at least two papers (space) to compare them.", severity="warning")
            return
        from assistant.tui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(papers))

    def action_ingest(self) -> None:
        self.app.push_screen(PathPromptScreen(), self._ingest_path)

    def _ingest_path(self, value: str | None) -> None:
        if value:
            path = Path(value).expanduser()
            bar = self.query_one(ProgressBar)
            bar.update(total=None, progress=0)
            self.query_one("#ingest-label", Static).update(f"reading {path.name}…")
            self.query_one("#ingest-row").display = True
            self.litassist.activity = f"ingesting {path.name}…"
            self.ingest(path)

    # ---- ingest ---------------------------------------------------------------------------
    @work(thread=True, group="ingest", exit_on_error=False)
    def ingest(self, path: Path) -> None:
        """Ingest in a worker; its messages go to the app, which shows the progress and the
        result wherever the user is by then (this screen may have closed)."""
        post = self.app.post_message

        def progress(done: int, total: int) -> None:
            post(IngestProgress(done, total))

        with reported(post, IngestFailed):
            if self.services.zotero.is_database(path):  # ~/Zotero/zotero.sqlite: a sync
                post(IngestDone(self.services.zotero.sync(path, progress=progress)))
                return
            post(IngestDone(self.services.library.ingest([path], progress)))

    def show_progress(self, done: int, total: int) -> None:
        """`done` of `total` papers stored (the total grows while the file is still read)."""
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#ingest-label", Static).update(f"{done} of {total} papers stored")

    def ingest_ended(self, report: IngestReport | SyncResult | None) -> None:
        """Hide the progress bar; after a finished ingest, reload the table."""
        self.query_one("#ingest-row").display = False
        if report is not None:
            self.load()

    # ---- the scholarly APIs -----------------------------------------------------------------
    def action_add_papers(self) -> None:
        from assistant.tui.screens.add_papers import AddPapersScreen

        def added(_: None) -> None:
            self.load()  # papers were perhaps added: show them

        self.app.push_screen(AddPapersScreen(), added)

    def action_enrich(self) -> None:
        papers = self.marked_papers or ([self.cursor_paper] if self.cursor_paper else [])
        if not papers:
            return
        self.litassist.activity = f"enriching {len(papers)} paper(s)…"
        self.enrich([p.id for p in papers])

    @work(thread=True, group="enrich", exit_on_error=False)
    def enrich(self, paper_ids: list[str]) -> None:
        with reported(self.post_message, ScholarlyFailed):
            result = self.services.scholarly.enrich(paper_ids)
            self.post_message(PapersEnriched(result))

    def on_scholarly_failed(self, message: ScholarlyFailed) -> None:
        self.litassist.activity = ""
        self.notify(message.message, severity="error", timeout=8)

    def on_papers_enriched(self, message: PapersEnriched) -> None:
        result = message.result
        lines = [change.describe() for change in result.changes[:5]]
        self.notify("\n".join([result.summary(), *lines]), timeout=10)
        self.litassist.activity = ""
        if result.changes:
            self.load()
