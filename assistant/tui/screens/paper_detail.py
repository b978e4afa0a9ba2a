"""A modal showing one paper: its details and the whole abstract."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from assistant.terminal_safe import terminal_safe
from assistant.types import Paper


def paper_details(paper: Paper) -> Content:
    rows: list[tuple[str, str | None]] = [
        ("authors", "; ".join(paper.authors) or None),
        ("year", str(paper.year) if paper.year else None),
        ("venue", paper.venue),
        ("DOI", paper.doi),
        ("arXiv", paper.arxiv_id),
        ("URL", paper.url),
        ("citekey", paper.citekey),
        ("id", paper.id),
    ]
    parts: list[str | tuple[str, str]] = []
    for label, value in rows:
        if value:
            parts += [(f"{label:>8}  ", "$text-muted"), terminal_safe(value), "\n"]
    return Content.assemble(*parts).rstrip()


class PaperDetailScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "close", "Close")]  # noqa: RUF012

    def __init__(self, paper: Paper) -> None:
        super().__init__(classes="modal")
        self.paper = paper

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            title = terminal_safe(self.paper.title)
            yield Static(Content.styled(title, "bold"), classes="dialog-title")
            yield Static(paper_details(self.paper), classes="paper-details")
            with VerticalScroll(classes="abstract"):
                abstract = terminal_safe(self.paper.abstract or "(no abstract)")
                yield Static(abstract, id="abstract", markup=False)
            yield Static("esc close", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
