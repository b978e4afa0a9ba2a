"""A small modal asking for a file or folder path (for ingest)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class PathPromptScreen(ModalScreen[str | None]):
    """Dismisses with the path typed (`~` allowed), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(self, title: str = "Ingest papers from a file or folder") -> None:
        super().__init__(classes="modal")
        self.prompt_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.prompt_title, classes="dialog-title")
            yield Input(placeholder="path/to/papers.bib  (BibTeX, RIS, CSL-JSON, JSONL, CSV, …)")
            yield Static("enter ingest · esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
