"""Add papers: search OpenAlex, arXiv, Semantic Scholar or PubMed, mark hits, add them.

Type a topic and press enter (a DOI, arXiv id, PubMed id or OpenAlex id adds that paper
directly); `ctrl+o` changes the service; space marks a hit, `a` adds the marked ones (or the
one under the cursor).  Hits already in the library say so and are never added twice.  The
searches and fetches run in thread workers that post messages back (`messages.HitsFound`,
`PapersAdded`, `ScholarlyFailed`); with no network the failure is one line in the status.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input, Static

from assistant.text import clip
from assistant.tui.base import LitassistScreen, reported
from assistant.tui.messages import HitsFound, PapersAdded, ScholarlyFailed

if TYPE_CHECKING:
    from assistant.app import FoundPaper

SOURCES = ("openalex", "arxiv", "semanticscholar", "pubmed")
SOURCE_LABELS = {
    "openalex": "OpenAlex",
    "arxiv": "arXiv",
    "semanticscholar": "Semantic Scholar",
    "pubmed": "PubMed",
}
LIMIT = 50


def looks_like_identifier(text: str) -> bool:
    """Whether the typed text names one paper (added directly) rather than a topic."""
    from assistant.app.scholarly import is_identifier

    return is_identifier(text)


class AddPapersScreen(LitassistScreen):
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "back", "Back", tooltip="Back to the library"),
        Binding("ctrl+o", "next_source", "Service", tooltip="Search another service"),
        Binding("space", "mark", "Mark", tooltip="Mark or unmark a hit"),
        Binding("a", "add", "Add", tooltip="Add the marked hits (or the one under the cursor)"),
        Binding("slash", "focus_query", "Search", tooltip="Type a topic or an identifier"),
    ]

    def __init__(self) -> None:
        super().__init__(id="add-papers")
        self.source = SOURCES[0]
        self.found: list[FoundPaper] = []
        self.marked: set[int] = set()
        self.added: list[str] = []  # ids of the papers added while the screen was open
        self._adding: list[int] = []  # the hits being added, in order

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="Topic to search, or a DOI / arXiv id / PubMed id / OpenAlex id  (/)",
            id="query",
        )
        yield Static(self._source_line(), id="source")
        table: DataTable[str] = DataTable(id="hits", cursor_type="row", zebra_stripes=True)
        table.add_column("✓", key="mark", width=1)
        table.add_column("Title", key="title", width=60)
        table.add_column("Year", key="year", width=4)
        table.add_column("Venue", key="venue", width=18)
        table.add_column("Cited", key="cited", width=6)
        table.add_column("Library", key="library", width=9)
        yield table
        yield Static("", id="add-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()

    def _source_line(self) -> str:
        return f"Searching {SOURCE_LABELS[self.source]} · ctrl+o another service"

    def _status(self, text: str) -> None:
        self.query_one("#add-status", Static).update(text)

    # ---- searching ----------------------------------------------------------------------------
    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        if looks_like_identifier(text):
            self._status(f"Adding {text}…")
            self._adding = []
            self.add_identifiers([text])
            return
        self._status(f"Searching {SOURCE_LABELS[self.source]} for “{clip(text, 60)}”…")
        self.search(text, self.source)

    @work(thread=True, group="scholarly", exclusive=True, exit_on_error=False)
    def search(self, query: str, source: str) -> None:
        with reported(self.post_message, ScholarlyFailed):
            found = self.services.scholarly.find(query, source=source, limit=LIMIT)  # type: ignore[arg-type]  # one of SOURCES
            self.post_message(HitsFound(found))

    def on_hits_found(self, message: HitsFound) -> None:
        self.found = message.found
        self.marked = set()
        table = self.query_one("#hits", DataTable)
        table.clear()
        for index, item in enumerate(self.found):
            hit = item.hit
            table.add_row(
                " ",
                hit.title,
                str(hit.year or ""),
                clip(hit.venue or "", 18),
                "" if hit.citations is None else str(hit.citations),
                "in library" if item.in_library else "",
                key=str(index),
            )
        known = sum(1 for f in self.found if f.in_library)
        self._status(
            f"{len(self.found)} hits, {known} already in the library · space mark · a add"
            if self.found
            else "No papers found."
        )
        if self.found:
            table.focus()

    # ---- adding -------------------------------------------------------------------------------
    def _chosen(self) -> list[FoundPaper]:
        table = self.query_one("#hits", DataTable)
        indexes = sorted(self.marked) or (
            [table.cursor_row] if 0 <= table.cursor_row < len(self.found) else []
        )
        return [self.found[i] for i in indexes]

    def action_add(self) -> None:
        chosen = [f for f in self._chosen() if not f.in_library]
        if not chosen:
            self._status("Nothing to add: mark hits not yet in the library (space).")
            return
        without_id = [f for f in chosen if f.hit.identifier is None]
        if without_id:
            self._status(f"“{clip(without_id[0].hit.title, 50)}” has no id to fetch it by.")
            return
        self._status(f"Adding {len(chosen)} paper(s)…")
        self._adding = [self.found.index(f) for f in chosen]
        self.add_hits(chosen)

    @work(thread=True, group="scholarly-add", exit_on_error=False)
    def add_hits(self, chosen: list[FoundPaper]) -> None:
        with reported(self.post_message, ScholarlyFailed):
            added = self.services.scholarly.add_hits([f.hit for f in chosen])
            self.post_message(PapersAdded(added))

    @work(thread=True, group="scholarly-add", exit_on_error=False)
    def add_identifiers(self, identifiers: list[str]) -> None:
        with reported(self.post_message, ScholarlyFailed):
            self.post_message(PapersAdded(self.services.scholarly.add(identifiers)))

    def on_papers_added(self, message: PapersAdded) -> None:
        new = [a for a in message.added if a.outcome != "unchanged"]
        self.added += [a.paper.id for a in new]
        table = self.query_one("#hits", DataTable)
        if len(self._adding) == len(message.added):  # added from hits: one paper per hit
            for index, added in zip(self._adding, message.added, strict=True):
                self.found[index] = dataclasses.replace(
                    self.found[index], in_library=added.paper.id
                )
                table.update_cell(str(index), "library", "in library")
                table.update_cell(str(index), "mark", " ")
        self._adding = []
        self.marked = set()
        there = len(message.added) - len(new)
        self._status(f"Added {len(new)} paper(s)" + (f", {there} already there." if there else "."))

    def on_scholarly_failed(self, message: ScholarlyFailed) -> None:
        self._status(message.message)
        self.notify(message.message, severity="error", timeout=8)

    # ---- keys ---------------------------------------------------------------------------------
    def action_mark(self) -> None:
        table = self.query_one("#hits", DataTable)
        row = table.cursor_row
        if not (0 <= row < len(self.found)):
            return
        self.marked.symmetric_difference_update({row})
        table.update_cell(str(row), "mark", "✓" if row in self.marked else " ")
        if row < len(self.found) - 1:
            table.move_cursor(row=row + 1)

    def action_next_source(self) -> None:
        self.source = SOURCES[(SOURCES.index(self.source) + 1) % len(SOURCES)]
        self.query_one("#source", Static).update(self._source_line())

    def action_focus_query(self) -> None:
        self.query_one("#query", Input).focus()

    def action_back(self) -> None:
        self.dismiss()
