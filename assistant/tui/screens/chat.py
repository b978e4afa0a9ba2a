"""The chat: questions at the bottom, answers streaming in above, their sources beside.

Answers come from `app.answers.stream` in a thread worker, which posts each text piece to the
screen as an `AnswerPiece` message, so the screen stays responsive.  `escape` sets the worker's
cancel event: the engine stops, verifies what arrived and returns it marked incomplete.  Each
finished answer is stored as a turn of the current conversation (by the application layer), and
the turns so far are the history a follow-up question is answered with.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Static

from assistant.text import year_text
from assistant.tui.base import LitassistScreen, reported
from assistant.tui.messages import AnswerDone, AnswerFailed, AnswerPiece
from assistant.tui.widgets.answer_view import AnswerView
from assistant.tui.widgets.sources_pane import SourcesPane
from assistant.tui.widgets.status_line import StatusLine
from assistant.types import Answer, AnswerDelta

if TYPE_CHECKING:
    from assistant.types import Conversation

WELCOME = (
    "Ask a question about your papers; answers cite their sources as [1], [2]…\n"
    "enter ask · esc cancel · ctrl+r citations · ctrl+l library · ctrl+o conversations · "
    "ctrl+p all commands · f1 help"
)


def answer_with_references(answer: Answer) -> str:
    """The answer text followed by its cited sources: what `copy` puts on the clipboard."""
    lines = [answer.text.strip()]
    cited = answer.cited_sources
    if cited:
        lines.append("")
        for source in cited:
            paper = source.paper
            doi = f" doi:{paper.doi}" if paper.doi else ""
            lines.append(f"[{source.number}] {paper.title} ({year_text(paper.year)}){doi}")
    return "\n".join(lines)


class ChatScreen(LitassistScreen):
    BINDINGS = [  # noqa: RUF012  (Textual's class-level declaration)
        Binding("escape", "cancel", "Cancel", tooltip="Stop the answer, keep what arrived"),
        Binding("ctrl+r", "citations", "Citations", tooltip="Choose a citation: its source shows"),
        Binding("ctrl+b", "toggle_sources", "Sources", tooltip="Show or hide the sources pane"),
    ]

    def __init__(self) -> None:
        super().__init__(id="chat")
        self.conversation_id: str | None = None
        self.history: list[Answer] = []
        self._cancel: threading.Event | None = None
        self._live_view: AnswerView | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with VerticalScroll(id="transcript"):
                yield Static(WELCOME, id="welcome")
            yield SourcesPane(id="sources")
        yield Input(placeholder="Ask about your papers…", id="question")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#question", Input).focus()

    # ---- state ----------------------------------------------------------------------------
    @property
    def answering(self) -> bool:
        return self._live_view is not None

    @property
    def turns(self) -> list[AnswerView]:
        return list(self.query(AnswerView))

    @property
    def current_answer(self) -> Answer | None:
        """The answer whose sources are shown (the latest finished one by default)."""
        shown = self.query_one(SourcesPane).answer
        if shown is not None:
            return shown
        finished = [t.answer for t in self.turns if t.answer is not None]
        return finished[-1] if finished else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.answering
        return True

    # ---- asking ---------------------------------------------------------------------------
    @on(Input.Submitted, "#question")
    async def _submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        if await self.ask(question):
            event.input.clear()

    async def ask(self, question: str) -> bool:
        """Start answering `question`; False when an answer is still running."""
        if self.answering:
            self.notify("An answer is still streaming; press esc to cancel it.", severity="warning")
            return False
        transcript = self.query_one("#transcript", VerticalScroll)
        for welcome in self.query("#welcome"):
            await welcome.remove()
        view = AnswerView(question)
        await transcript.mount(view)
        transcript.anchor()
        self._cancel = threading.Event()
        self._live_view = view
        self.refresh_bindings()
        self.litassist.activity = "answering…"
        self._answer(question, view, self._cancel, tuple(self.history), self.conversation_id)
        return True

    @work(thread=True, group="answer", exit_on_error=False)
    def _answer(
        self,
        question: str,
        view: AnswerView,
        cancel: threading.Event,
        history: tuple[Answer, ...],
        conversation_id: str | None,
    ) -> None:
        answers = self.services.answers
        with reported(self.post_message, lambda text: AnswerFailed(view, text)):
            for item in answers.stream(
                question, conversation=conversation_id, history=history, cancel=cancel
            ):
                if isinstance(item, AnswerDelta):
                    self.post_message(AnswerPiece(view, item.text))
                else:
                    self.post_message(AnswerDone(view, item))

    async def on_answer_piece(self, message: AnswerPiece) -> None:
        await message.view.write(message.text)

    async def on_answer_done(self, message: AnswerDone) -> None:
        self._finished()
        view, answer = message.view, message.stored.answer
        if not view.is_attached:  # the chat was cleared meanwhile; the turn is stored anyway
            return
        if answer.conversation_id and answer.conversation_id != self.conversation_id:
            self.conversation_id = answer.conversation_id
        self.history.append(answer)
        await view.finish(answer)
        await self.query_one(SourcesPane).show(answer)
        if message.stored.store_error:
            self.notify(message.stored.store_error, severity="warning")
        if answer.error:
            self.notify(answer.error, severity="warning", timeout=4)

    async def on_answer_failed(self, message: AnswerFailed) -> None:
        self._finished()
        if message.view.is_attached:
            await message.view.fail(message.message)
        self.notify(message.message, severity="error", timeout=8)

    def _finished(self) -> None:
        self._live_view = None
        self._cancel = None
        self.litassist.activity = ""
        self.refresh_bindings()

    # ---- actions --------------------------------------------------------------------------
    def action_cancel(self) -> None:
        if self._cancel is not None and self._live_view is not None:
            self._cancel.set()
            if self._live_view.is_attached:
                self._live_view.set_note("cancelling…")

    def stop_answering(self) -> None:
        """Ask a running answer to stop (no UI update: used when the app closes)."""
        if self._cancel is not None:
            self._cancel.set()

    def action_citations(self) -> None:
        finished = [t for t in self.turns if t.answer is not None]
        shown = self.query_one(SourcesPane).answer
        target = next((t for t in finished if t.answer is shown), None) or (
            finished[-1] if finished else None
        )
        if target is None or not target.focus_citations():
            self.notify("No citations to choose from yet.", severity="information")

    def action_toggle_sources(self) -> None:
        pane = self.query_one(SourcesPane)
        pane.display = not pane.display

    @on(AnswerView.CitationChosen)
    async def _citation(self, event: AnswerView.CitationChosen) -> None:
        pane = self.query_one(SourcesPane)
        if event.view.answer is not None and pane.answer is not event.view.answer:
            await pane.show(event.view.answer)
        pane.display = True
        pane.select(event.number, focus=event.focus)

    def copy_answer(self) -> None:
        answer = self.current_answer
        if answer is None:
            self.notify("No answer to copy yet.", severity="warning")
            return
        self.app.copy_to_clipboard(answer_with_references(answer))
        self.notify("Answer copied to the clipboard.")

    def export_note(self) -> None:
        """Write the conversation as a Markdown note with its .bib (in a worker)."""
        if self.conversation_id is None:
            self.notify("Nothing to export yet: ask a question first.", severity="warning")
            return
        self.export_item(self.conversation_id)

    # ---- conversations --------------------------------------------------------------------
    async def new_conversation(self) -> None:
        """Clear the chat; the next question starts a new conversation."""
        self.action_cancel()
        self.conversation_id = None
        self.history = []
        transcript = self.query_one("#transcript", VerticalScroll)
        await transcript.remove_children()
        await transcript.mount(Static(WELCOME, id="welcome"))
        await self.query_one(SourcesPane).show(None)
        self.query_one("#question", Input).focus()

    async def load_conversation(self, conversation: Conversation) -> None:
        """Show a stored conversation; follow-ups continue it."""
        self.action_cancel()
        self.conversation_id = conversation.id
        self.history = list(conversation.turns)
        transcript = self.query_one("#transcript", VerticalScroll)
        await transcript.remove_children()
        await transcript.mount_all([AnswerView(t.question, t) for t in conversation.turns])
        transcript.scroll_end(animate=False)
        last = conversation.turns[-1] if conversation.turns else None
        await self.query_one(SourcesPane).show(last)
        self.query_one("#question", Input).focus()
