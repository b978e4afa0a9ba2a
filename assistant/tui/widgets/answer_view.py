"""One turn of the chat: the question, the answer streaming in as Markdown, then its citations.

While the answer streams, text is appended through Textual's `MarkdownStream` (batched appends,
no full re-render per token).  When the final verified `Answer` arrives the Markdown is rendered
once more with clickable citation markers and ⚠ after unsupported sentences, and the cited
sources are listed in an `OptionList` so they can be chosen from the keyboard.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.markdown import MarkdownStream
from textual.widgets.option_list import Option

from assistant.terminal_safe import terminal_safe
from assistant.tui.citation_view import (
    UNSUPPORTED_MARK,
    answer_markdown,
    citation_entries,
    cited_number,
)
from assistant.types import Answer


def _shorten(text: str, width: int = 90) -> str:
    text = terminal_safe(" ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def answer_notes(answer: Answer) -> Content:
    """The lines under an answer: the query searched for a follow-up, cut off or cancelled,
    unsupported sentences and why, mode, counts."""
    lines: list[Content] = []
    if answer.standalone_query and answer.standalone_query != answer.question:
        lines.append(Content.styled(f"searched as: {answer.standalone_query}", "$text-muted"))
    if not answer.complete:
        error = terminal_safe(answer.error or "Incomplete answer.")
        lines.append(Content.styled(f"⏹ {error}", "$text-warning"))
    # An abstention says why in its own text, and the sources pane lists the nearest papers:
    # nothing to repeat here.
    unsupported = answer.unsupported_sentences
    if unsupported and not answer.abstained:
        count = f"{len(unsupported)} of {len(answer.sentences)} sentences unsupported"
        lines.append(Content.styled(f"{UNSUPPORTED_MARK} {count}:", "bold $text-warning"))
        for sentence in unsupported:
            why = f" ({terminal_safe(sentence.note)})" if sentence.note else ""
            lines.append(Content.styled(f"   “{_shorten(sentence.text)}”{why}", "$text-warning"))
    if answer.invalid_markers:
        markers = terminal_safe(", ".join(answer.invalid_markers))
        lines.append(
            Content.styled(
                f"{UNSUPPORTED_MARK} markers citing no source: {markers}", "$text-warning"
            )
        )
    facts = ["LLM · " + answer.model if answer.mode == "llm" and answer.model else answer.mode]
    facts.append(f"{len(answer.cited_sources)} of {len(answer.sources)} sources cited")
    lines.append(Content.styled(" · ".join(facts), "$text-muted"))
    return Content("\n").join(lines)


MOVE = Binding.Group("Choose", compact=True)


class CitationList(OptionList):
    """The cited sources under an answer: citation mode, with its keys in the footer."""

    BINDINGS = [  # noqa: RUF012  (Textual's class-level declaration)
        Binding("up", "cursor_up", "Previous", key_display="↑", group=MOVE),
        Binding("down", "cursor_down", "Next", key_display="↓", group=MOVE),
        Binding("enter", "select", "Open paper", tooltip="In the citations: open the paper"),
        Binding("escape", "leave", "Back to question", tooltip="In the citations: back to asking"),
    ]

    def action_leave(self) -> None:
        self.screen.query_one("#question").focus()


class AnswerView(Vertical):
    """A question and its answer; `write` streams text in, `finish` shows the verified answer."""

    class CitationChosen(Message):
        """A citation of this answer was highlighted (`focus=False`), clicked (`focus=True`:
        its source gets the focus) or chosen with enter (`open=True`: its paper opens)."""

        def __init__(
            self, view: AnswerView, number: int, focus: bool, *, open: bool = False
        ) -> None:
            super().__init__()
            self.view = view
            self.number = number
            self.focus = focus
            self.open = open

    def __init__(self, question: str, answer: Answer | None = None) -> None:
        super().__init__(classes="turn")
        self.question = question
        self.answer: Answer | None = None
        self._initial = answer
        self._stream: MarkdownStream | None = None
        self._streamed: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(("› ", "bold $accent"), terminal_safe(self.question)),
            classes="question",
        )
        yield Markdown(open_links=False, classes="answer-text")
        yield Static("answering…", classes="answer-notes")
        yield CitationList(classes="citations")

    async def on_mount(self) -> None:
        self.query_one(OptionList).display = False
        if self._initial is not None:
            await self.finish(self._initial)

    @property
    def streamed_text(self) -> str:
        return "".join(self._streamed)

    @property
    def pieces(self) -> int:
        """How many streamed pieces arrived."""
        return len(self._streamed)

    @property
    def markdown_source(self) -> str:
        return self.query_one(Markdown).source

    @property
    def notes(self) -> str:
        return str(self.query_one(".answer-notes", Static).content)

    @property
    def running(self) -> bool:
        return self.answer is None

    async def write(self, text: str) -> None:
        """Append a piece of streamed answer text."""
        if not self.is_attached:
            return
        if self._stream is None:
            self._stream = Markdown.get_stream(self.query_one(Markdown))
        self._streamed.append(text)
        await self._stream.write(terminal_safe(text))  # a split sequence too: see terminal_safe

    async def _stop_stream(self) -> None:
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None

    def set_note(self, note: str) -> None:
        self.query_one(".answer-notes", Static).update(
            Content.styled(terminal_safe(note), "$text-muted")
        )

    async def finish(self, answer: Answer) -> None:
        """Show the verified answer: linked citations, marks, notes and the citation list."""
        await self._stop_stream()
        self.answer = answer
        self.add_class("-incomplete" if not answer.complete else "-complete")
        await self.query_one(Markdown).update(terminal_safe(answer_markdown(answer)))
        self.query_one(".answer-notes", Static).update(answer_notes(answer))
        options = self.query_one(OptionList)
        options.clear_options()
        entries = citation_entries(answer)
        options.add_options(
            Option(
                Content.styled(terminal_safe(e.label), "" if e.supported else "$text-warning"),
                id=str(e.number),
            )
            for e in entries
        )
        options.display = bool(entries)

    async def abandon(self, note: str) -> None:
        """The user stopped waiting: keep what streamed, say so (a later `finish` may still
        show the verified answer, when the worker gets its reply)."""
        await self._stop_stream()
        self.add_class("-incomplete")
        self.set_note(f"⏹ {note}")

    async def fail(self, message: str) -> None:
        """The answer could not be produced: keep what streamed, say why."""
        await self._stop_stream()
        self.add_class("-failed")
        self.query_one(".answer-notes", Static).update(
            Content.styled(f"✗ {terminal_safe(message)}", "$text-error")
        )

    def focus_citations(self) -> bool:
        options = self.query_one(OptionList)
        if not options.display or not options.option_count:
            return False
        options.focus()
        if options.highlighted is None:
            options.highlighted = 0
        return True

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id and event.option_list.has_focus:
            self.post_message(self.CitationChosen(self, int(event.option.id), focus=False))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            number = int(event.option.id)
            self.post_message(self.CitationChosen(self, number, focus=False, open=True))

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        number = cited_number(event.href)
        if number is not None:
            self.post_message(self.CitationChosen(self, number, focus=True))
