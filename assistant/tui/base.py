"""What the screens share: the typed app, one error boundary for workers, the export worker."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Literal

from textual import work
from textual.dom import DOMNode
from textual.screen import Screen

from assistant.errors import LibraryNotFoundError, LitassistError
from assistant.tui.messages import NoteProposed, Notice

if TYPE_CHECKING:
    from textual.message import Message

    from assistant.app import Litassist
    from assistant.tui.app import LitassistApp
    from assistant.types import Comparison, Conversation


def litassist_app(node: DOMNode) -> LitassistApp:
    """`node.app`, typed: the running `LitassistApp`."""
    from assistant.tui.app import LitassistApp

    app = node.app
    if not isinstance(app, LitassistApp):  # only in a test mounting a widget in another app
        raise TypeError(f"{type(node).__name__} runs inside a LitassistApp, not {type(app)}")
    return app


# The one instruction for an empty data folder, in the status line and wherever a question or
# a command meets it (the CLI's `litassist ingest FILE` advice is for the CLI).
NO_LIBRARY = "no library yet: ctrl+l, then i to ingest papers"


def failure_message(exc: Exception) -> str:
    """One line for a failed worker: what a `LitassistError` says, else the bug named."""
    if isinstance(exc, LibraryNotFoundError):
        return NO_LIBRARY[0].upper() + NO_LIBRARY[1:] + "."
    if isinstance(exc, LitassistError):
        return str(exc)
    return f"unexpected {type(exc).__name__}: {exc}"


@contextmanager
def reported(post: Callable[[Message], object], fail: Callable[[str], Message]) -> Iterator[None]:
    """Run a worker's body; an exception becomes one `fail(message)` posted, never a crash.

    A bug must not take the app down: it is reported in one line like any error.
    """
    try:
        yield
    except Exception as exc:
        post(fail(failure_message(exc)))


class LitassistScreen(Screen[None]):
    """A screen of the litassist app: typed access to the app and its application layer."""

    @property
    def litassist(self) -> LitassistApp:
        return litassist_app(self)

    @property
    def services(self) -> Litassist:
        """The application layer (what every worker of the screen calls)."""
        return self.litassist.services

    def notify_app(
        self,
        message: str,
        severity: Literal["information", "warning", "error"] = "error",
        *,
        timeout: float = 8,
    ) -> None:
        """Have the app notify (safe from a worker; shown even if this screen has closed)."""
        self.app.post_message(Notice(message, severity, timeout))

    def reported_to_app(self, *, timeout: float = 8) -> AbstractContextManager[None]:
        """`reported`, the error shown as a notification by the app."""
        return reported(self.app.post_message, lambda text: Notice(text, timeout=timeout))

    @work(thread=True, group="export", exit_on_error=False)
    def export_item(self, item: Conversation | Comparison | str) -> None:
        """Propose where `item` (or the stored conversation with this id) goes as a note: a
        free name in the notes folder, which the user may change before it is written."""
        with self.reported_to_app(timeout=10):
            if isinstance(item, str):
                item = self.services.answers.conversation(item)
            proposed = self.services.notes.proposed_note_path(item)
            self.post_message(NoteProposed(item, proposed))

    def on_note_proposed(self, message: NoteProposed) -> None:
        from assistant.tui.screens.path_prompt import PathPromptScreen

        item = message.item

        def chosen(value: str | None) -> None:
            if value:
                self.save_item(item, value)

        self.app.push_screen(
            PathPromptScreen(
                "Save the note (Markdown with pandoc citations, its .bib beside it) as",
                value=str(message.path),
                hint="tab completes · enter save · esc cancel · the folder is a setting (f2)",
                placeholder="notes/topic.md",
            ),
            chosen,
        )

    @work(thread=True, group="export", exit_on_error=False)
    def save_item(self, item: Conversation | Comparison, path: str) -> None:
        """Write the note at `path`; the app says where, or why not."""
        with self.reported_to_app(timeout=10):
            saved = self.services.notes.save_note(item, os.path.expanduser(path))
            self.notify_app(saved.message, "information", timeout=10)
