"""The chat: questions at the bottom, answers streaming in above, their sources beside.

Answers come from `app.answers.stream` in a thread worker, which posts each text piece to the
screen as an `AnswerPiece` message, so the screen stays responsive.  `escape` abandons the answer
at once: the view keeps what arrived, marked incomplete, and the next question can be asked
straight away; the worker's cancel event is set, so the engine stops at its next piece, verifies
what arrived and stores it (an endpoint that hangs without sending anything only delays that
bookkeeping, never the UI).  Each finished answer is stored as a turn of the current
conversation (by the application layer), and the turns so far are the history a follow-up
question is answered with.  After an LLM failure, `ctrl+t` asks the same question offline.

Below `NARROW` columns the sources pane folds away (`ctrl+b` brings it back).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Static

from assistant.app.answers import cut_off_by_endpoint, is_llm_failure
from assistant.text import year_text
from assistant.tui.base import LitassistScreen, failure_message
from assistant.tui.messages import AnswerDone, AnswerFailed, AnswerPiece
from assistant.tui.widgets.answer_view import AnswerView
from assistant.tui.widgets.question_input import QuestionInput
from assistant.tui.widgets.sources_pane import SourcesPane
from assistant.tui.widgets.status_line import StatusLine
from assistant.types import Answer, AnswerDelta, AnswerMode

if TYPE_CHECKING:
    from assistant.types import Conversation

WELCOME = (
    "Ask a question about your papers; answers cite their sources as [1], [2]…\n"
    "enter ask · ↑ earlier questions · esc cancel · ctrl+r citations · ctrl+l library · "
    "ctrl+o conversations · ctrl+p all commands · f1 help"
)
NARROW = 100  # below this many columns the sources pane folds away
ABANDONED = "Cancelled; what arrived is kept."
OFFLINE_HINT = "press ctrl+t for the offline answer"


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
        Binding(
            "ctrl+t",
            "offline_answer",
            "Offline answer",
            tooltip="Ask the last question again in offline extractive mode",
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id="chat")
        self.conversation_id: str | None = None
        self.history: list[Answer] = []
        self._cancel: threading.Event | None = None
        self._live_view: AnswerView | None = None
        self._abandoned: set[AnswerView] = set()
        # The cancel events of answer workers still running (abandoned ones included): the
        # app must not wait for them when it exits.
        self.running: set[threading.Event] = set()
        self.failed_question: str | None = None  # the question an LLM failure left unanswered
        self._narrow: bool | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with VerticalScroll(id="transcript"):
                yield Static(WELCOME, id="welcome")
            yield SourcesPane(id="sources")
        yield QuestionInput(
            placeholder="Ask about your papers…  (↑ earlier questions)", id="question"
        )
        yield StatusLine(id="status")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        """Fold the sources pane away below `NARROW` columns (and back above); ctrl+b still
        shows or hides it at any width."""
        narrow = event.size.width < NARROW
        if narrow != self._narrow:
            self._narrow = narrow
            self.set_class(narrow, "-narrow")
            self.query_one(SourcesPane).display = not narrow
            self.query_one(Footer).compact = narrow

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
        if action == "offline_answer":
            return self.failed_question is not None and not self.answering
        return True

    # ---- asking ---------------------------------------------------------------------------
    @on(Input.Submitted, "#question")
    async def _submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        if await self.ask(question):
            event.input.clear()

    async def ask(self, question: str, *, mode: AnswerMode | None = None) -> bool:
        """Start answering `question` (`mode` "extractive": offline whatever the settings);
        False when an answer is still running."""
        if self.answering:
            self.notify("An answer is still streaming; press esc to cancel it.", severity="warning")
            return False
        self.query_one(QuestionInput).remember(question)
        self.failed_question = None
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
        self.running.add(self._cancel)
        self._answer(question, view, self._cancel, tuple(self.history), self.conversation_id, mode)
        return True

    @work(thread=True, group="answer", exit_on_error=False)
    def _answer(
        self,
        question: str,
        view: AnswerView,
        cancel: threading.Event,
        history: tuple[Answer, ...],
        conversation_id: str | None,
        mode: AnswerMode | None,
    ) -> None:
        answers = self.services.answers
        try:
            for item in answers.stream(
                question, conversation=conversation_id, history=history, cancel=cancel, mode=mode
            ):
                if isinstance(item, AnswerDelta):
                    if not cancel.is_set():
                        self.post_message(AnswerPiece(view, item.text))
                else:
                    self.post_message(AnswerDone(view, item))
        except Exception as exc:  # one line in the view, never a crash (tui/base.py `reported`)
            llm = is_llm_failure(exc)
            self.post_message(AnswerFailed(view, failure_message(exc), question if llm else None))
        finally:
            self.running.discard(cancel)  # a set's discard is atomic: no lock needed

    async def on_answer_piece(self, message: AnswerPiece) -> None:
        await message.view.write(message.text)

    async def on_answer_done(self, message: AnswerDone) -> None:
        view, answer = message.view, message.stored.answer
        if view in self._abandoned:  # esc'd earlier: show the verified text, nothing more
            self._abandoned.discard(view)
            if view.is_attached:
                await view.finish(answer)
            return
        self._finished(view)
        if not view.is_attached:  # the chat was cleared meanwhile; the turn is stored anyway
            return
        if answer.conversation_id and answer.conversation_id != self.conversation_id:
            self.conversation_id = answer.conversation_id
        self.history.append(answer)
        await view.finish(answer)
        await self.query_one(SourcesPane).show(answer)
        if message.stored.store_error:
            self.notify(message.stored.store_error, severity="warning")
        if cut_off_by_endpoint(answer):
            self._llm_failed(answer.question, answer.error or "the stream broke off")
        elif answer.mode == "llm":
            self.litassist.llm_failure = ""

    async def on_answer_failed(self, message: AnswerFailed) -> None:
        view = message.view
        if view in self._abandoned:
            self._abandoned.discard(view)
            return
        self._finished(view)
        if view.is_attached:
            await view.fail(message.message)  # said in place; a notification only if not seen
        else:
            self.notify(message.message, severity="error", timeout=8)
        if message.llm_question is not None:
            self._llm_failed(message.llm_question, message.message)

    def _llm_failed(self, question: str, error: str) -> None:
        """The endpoint failed: the status line says so, ctrl+t offers the offline answer."""
        self.failed_question = question
        self.litassist.llm_failure = error
        self.refresh_bindings()
        self.notify(f"The LLM endpoint failed; {OFFLINE_HINT}.", severity="warning", timeout=10)

    def _finished(self, view: AnswerView | None = None) -> None:
        if view is not None and view is not self._live_view:
            return
        self._live_view = None
        self._cancel = None
        self.litassist.activity = ""
        self.refresh_bindings()

    # ---- actions --------------------------------------------------------------------------
    async def action_cancel(self) -> None:
        """Abandon the running answer at once: keep what arrived, free the question box."""
        view = self._live_view
        if self._cancel is None or view is None:
            return
        self._cancel.set()
        self._abandoned.add(view)
        self._finished()
        if view.is_attached:
            await view.abandon(ABANDONED)

    async def action_offline_answer(self) -> None:
        question = self.failed_question
        if question is None:
            self.notify("Nothing to answer offline: no LLM answer failed.", severity="information")
            return
        await self.ask(question, mode="extractive")

    def stop_answering(self) -> None:
        """Ask every running answer to stop (no UI update: used when the app closes)."""
        for cancel in list(self.running):
            cancel.set()

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
        if event.open and event.view.answer is not None:
            source = next((s for s in event.view.answer.sources if s.number == event.number), None)
            if source is not None:
                from assistant.tui.screens.paper_detail import PaperDetailScreen

                self.app.push_screen(PaperDetailScreen(source.paper))

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
        await self.action_cancel()
        self.conversation_id = None
        self.history = []
        transcript = self.query_one("#transcript", VerticalScroll)
        await transcript.remove_children()
        await transcript.mount(Static(WELCOME, id="welcome"))
        await self.query_one(SourcesPane).show(None)
        self.query_one("#question", Input).focus()

    async def load_conversation(self, conversation: Conversation) -> None:
        """Show a stored conversation; follow-ups continue it."""
        await self.action_cancel()
        self.conversation_id = conversation.id
        self.history = list(conversation.turns)
        transcript = self.query_one("#transcript", VerticalScroll)
        await transcript.remove_children()
        await transcript.mount_all([AnswerView(t.question, t) for t in conversation.turns])
        transcript.scroll_end(animate=False)
        last = conversation.turns[-1] if conversation.turns else None
        await self.query_one(SourcesPane).show(last)
        self.query_one("#question", Input).focus()
