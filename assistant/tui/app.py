"""The litassist terminal app: the App, its key bindings, screens and command palette entries.

The chat is the default screen; library, conversations, settings and help are pushed over it.
The app receives the application layer (`assistant.app.Litassist`, dependency injection) as
`services` and opens the library in a thread worker after the first paint, showing "opening
library…" until it is ready.  Workers report back with the messages of `tui/messages.py`; the
app shows the ones meant for it (errors, notes written) even after their screen has closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen

from assistant.errors import LibraryNotFoundError
from assistant.redact import mask_urls_in
from assistant.terminal_safe import terminal_safe
from assistant.tui.base import failure_message
from assistant.tui.messages import IngestDone, IngestFailed, IngestProgress, LibraryState, Notice
from assistant.tui.screens.chat import ChatScreen

if TYPE_CHECKING:
    from assistant.app import Litassist
    from assistant.tui.screens.library import LibraryScreen

NO_LIBRARY = "no library yet: ctrl+l, then i to ingest papers"
MAX_PROBLEMS_SHOWN = 3  # skipped entries listed after an ingest


class LitassistApp(App[None]):
    TITLE = "litassist"
    CSS_PATH = Path(__file__).parent / "app.tcss"
    BINDINGS = [  # noqa: RUF012  (Textual's class-level declaration)
        Binding("ctrl+n", "new_conversation", "New", tooltip="Start a new conversation"),
        Binding("ctrl+o", "conversations", "Conversations", tooltip="Reopen a past conversation"),
        Binding("ctrl+l", "library", "Library", tooltip="Browse, filter, compare, ingest papers"),
        Binding("ctrl+s", "export", "Export", tooltip="Write the Markdown note and .bib"),
        Binding("ctrl+y", "copy_answer", "Copy", tooltip="Copy the answer and its sources"),
        Binding("f2", "settings", "Settings", tooltip="Endpoint, model, answer mode, k, theme"),
        Binding("f1", "help", "Help", tooltip="This help"),
    ]

    paper_count: reactive[int | None] = reactive(None)
    library_note: reactive[str] = reactive("opening library…")
    activity: reactive[str] = reactive("")
    settings_version: reactive[int] = reactive(0)

    def __init__(self, services: Litassist, *, warm_up: bool = True) -> None:
        super().__init__()
        self.services = services
        self._warm_up = warm_up
        self.chat = ChatScreen()

    def get_default_screen(self) -> Screen:
        return self.chat

    def on_mount(self) -> None:
        self.apply_theme(self.services.settings.theme)
        # After the first paint: the worker's imports (numpy, the store) would compete for the
        # interpreter while the chat is drawn.
        self.call_after_refresh(self.open_library)

    def on_unmount(self) -> None:
        self.chat.stop_answering()
        self.services.close()

    def apply_theme(self, theme: str) -> None:
        if theme in self.available_themes:
            self.theme = theme
        else:
            self.notify(f"Unknown theme {theme!r}; keeping {self.theme}.", severity="warning")

    # ---- the library, in workers ----------------------------------------------------------
    @work(thread=True, group="library", exit_on_error=False)
    def open_library(self) -> None:
        """Open the library, count its papers, then warm up the engine for a fast first answer."""
        try:
            count = self.services.library.count()
        except LibraryNotFoundError:
            self.post_message(LibraryState(None, NO_LIBRARY))
            return
        except Exception as exc:
            self.post_message(LibraryState(None, "library unavailable"))
            self.post_message(Notice(failure_message(exc), timeout=10))
            return
        self.post_message(LibraryState(count))
        if self._warm_up and count:
            self.services.library.warm_up()

    @work(thread=True, group="library", exit_on_error=False)
    def refresh_library_size(self) -> None:
        try:
            count = self.services.library.count()
        except Exception:  # the status line keeps the last count; the screen said what failed
            return
        self.post_message(LibraryState(count))

    def on_library_state(self, message: LibraryState) -> None:
        self.paper_count = message.count
        self.library_note = message.note

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification, from every screen: its text quotes titles, file names and
        server messages, so it is shown escaped (`terminal_safe`) and not read as markup."""
        super().notify(
            terminal_safe(mask_urls_in(message)),
            title=terminal_safe(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def on_notice(self, message: Notice) -> None:
        self.notify(message.message, severity=message.severity, timeout=message.timeout)

    # ---- ingest, reported here: the library screen that started it may have closed ----------
    def _library_screens(self) -> list[LibraryScreen]:
        from assistant.tui.screens.library import LibraryScreen

        return [s for s in self.screen_stack if isinstance(s, LibraryScreen)]

    def on_ingest_progress(self, message: IngestProgress) -> None:
        self.activity = f"ingesting {message.done}/{message.total}…"
        for screen in self._library_screens():
            screen.show_progress(message.done, message.total or 0)

    def on_ingest_failed(self, message: IngestFailed) -> None:
        self.activity = ""
        for screen in self._library_screens():
            screen.ingest_ended(None)
        self.notify(message.message, severity="error", timeout=10)

    def on_ingest_done(self, message: IngestDone) -> None:
        report = message.report
        self.activity = ""
        for screen in self._library_screens():
            screen.ingest_ended(report)
        self.notify(report.summary(), timeout=8)
        if report.problems:
            shown = "\n".join(str(p) for p in report.problems[:MAX_PROBLEMS_SHOWN])
            more = len(report.problems) - MAX_PROBLEMS_SHOWN
            tail = f"\n… and {more} more" if more > 0 else ""
            self.notify(f"Skipped:\n{shown}{tail}", severity="warning", timeout=10)
        self.refresh_library_size()

    def settings_changed(self) -> None:
        """Called after `Litassist.update_settings`: refresh everything that shows settings."""
        self.settings_version += 1
        self.apply_theme(self.services.settings.theme)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Copy and export keys belong to screens that have something to copy or export."""
        if action == "copy_answer":
            return hasattr(self.screen, "copy_answer")
        if action == "export":
            return hasattr(self.screen, "export_note")
        return True

    # ---- navigation -----------------------------------------------------------------------
    def _back_to_chat(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def _open(self, screen: Screen) -> None:
        if type(self.screen) is type(screen):
            return
        self._back_to_chat()
        self.push_screen(screen)

    async def action_new_conversation(self) -> None:
        self._back_to_chat()
        await self.chat.new_conversation()

    def action_conversations(self) -> None:
        from assistant.tui.screens.conversations import ConversationsScreen

        self._open(ConversationsScreen())

    def action_library(self) -> None:
        from assistant.tui.screens.library import LibraryScreen

        self._open(LibraryScreen())

    def action_settings(self) -> None:
        from assistant.tui.screens.settings import SettingsScreen

        self._open(SettingsScreen())

    def action_help(self) -> None:
        from assistant.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_copy_answer(self) -> None:
        copy = getattr(self.screen, "copy_answer", None)
        (copy or self.chat.copy_answer)()

    def action_export(self) -> None:
        export = getattr(self.screen, "export_note", None)
        (export or self.chat.export_note)()

    def action_compare_marked(self) -> None:
        from assistant.tui.screens.library import LibraryScreen

        if isinstance(self.screen, LibraryScreen):
            self.screen.action_compare()
        else:
            self.notify("Mark papers in the library (ctrl+l, space), then press c.")

    def action_ask(self) -> None:
        self._back_to_chat()
        self.chat.query_one("#question").focus()

    # ---- the command palette --------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Ask a question", "Focus the question box (enter sends)", self.action_ask
        )
        yield SystemCommand(
            "Cancel the answer",
            "Stop the running answer, keep what arrived",
            self.chat.action_cancel,
        )
        yield SystemCommand(
            "New conversation",
            "Clear the chat and start over (ctrl+n)",
            self.action_new_conversation,
        )
        yield SystemCommand(
            "Conversations", "Reopen a past conversation (ctrl+o)", self.action_conversations
        )
        yield SystemCommand(
            "Library", "Browse, filter, ingest papers (ctrl+l)", self.action_library
        )
        yield SystemCommand(
            "Compare marked papers",
            "Compare the papers marked in the library",
            self.action_compare_marked,
        )
        yield SystemCommand(
            "Export note",
            "Write the Markdown note and .bib of this conversation or comparison (ctrl+s)",
            self.action_export,
        )
        yield SystemCommand(
            "Copy answer",
            "Copy the current answer with its sources (ctrl+y)",
            self.action_copy_answer,
        )
        yield SystemCommand(
            "Show citations",
            "Choose a citation of the current answer (ctrl+r)",
            self._chat_citations,
        )
        yield SystemCommand(
            "Toggle sources pane",
            "Show or hide the sources beside the chat (ctrl+b)",
            self.chat.action_toggle_sources,
        )
        yield SystemCommand(
            "Settings", "Endpoint, model, answer mode, k, theme (f2)", self.action_settings
        )
        yield SystemCommand("Help", "Screens and keys (f1)", self.action_help)
        yield from super().get_system_commands(screen)

    def _chat_citations(self) -> None:
        self._back_to_chat()
        self.chat.action_citations()
