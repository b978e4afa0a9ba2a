"""A small modal asking for a file or folder path (to ingest, or where to save a note), with
Tab completion from the file system."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from assistant.tui.path_completion import PathSuggester

INGEST_PLACEHOLDER = "path/to/papers.bib  (BibTeX, RIS, CSL-JSON, JSONL, CSV, …)"


class PathInput(Input):
    """An `Input` whose Tab accepts the path completion shown (instead of moving the focus)."""

    BINDINGS = [Binding("tab", "complete", "Complete the path", show=False)]  # noqa: RUF012

    def __init__(self, value: str = "", placeholder: str = "") -> None:
        super().__init__(value, placeholder=placeholder, suggester=PathSuggester())

    def action_complete(self) -> None:
        self.cursor_position = len(self.value)
        self.action_cursor_right()  # at the end, this accepts the suggestion


class PathPromptScreen(ModalScreen[str | None]):
    """Dismisses with the path typed (`~` allowed), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012

    def __init__(
        self,
        title: str = "Ingest papers from a file or folder",
        *,
        value: str = "",
        hint: str = "tab completes · enter ingest · esc cancel",
        placeholder: str = INGEST_PLACEHOLDER,
    ) -> None:
        super().__init__(classes="modal")
        self.prompt_title = title
        self.value = value
        self.hint = hint
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.prompt_title, classes="dialog-title")
            yield PathInput(self.value, placeholder=self.placeholder)
            yield Static(self.hint, classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
