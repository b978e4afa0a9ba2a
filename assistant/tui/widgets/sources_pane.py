"""The sources beside the chat: each paper cited by the current answer, its supporting passage
highlighted inside the abstract; choosing a citation in the answer selects its card here."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from assistant.tui.citation_view import SourceSpan, paper_byline, source_spans
from assistant.types import Answer, Source

SPAN_STYLES = {
    "supported": "bold $text-success on $success-muted",
    "unsupported": "bold $text-warning on $warning-muted",
    "passage": "underline",
}
SELECTED_STYLE = "reverse"


def card_content(source: Source, spans: list[SourceSpan], selected: bool) -> Content:
    """The card text: number and title, byline, the abstract with the cited spans styled."""
    paper = source.paper
    abstract = Content(paper.abstract or "(no abstract)")
    for span in spans:
        style = SPAN_STYLES[span.kind]
        if selected and span.kind != "passage":
            style = f"{style} {SELECTED_STYLE}"
        abstract = abstract.stylize(style, span.start, span.end)
    parts: list[Content | str | tuple[str, str]] = [
        (f"[{source.number}] ", "bold $accent"),
        (paper.title, "bold"),
    ]
    byline = paper_byline(paper)
    if byline:
        parts += ["\n", (byline, "$text-muted")]
    parts += ["\n", abstract]
    return Content.assemble(*parts)


class SourceCard(Static, can_focus=True):
    """One cited source."""

    selected: reactive[bool] = reactive(False)

    def __init__(self, answer: Answer, source: Source) -> None:
        super().__init__(classes="source-card", id=f"source-{source.number}")
        self.source = source
        self.spans = source_spans(answer, source)

    def on_mount(self) -> None:
        self.update(card_content(self.source, self.spans, self.selected))

    def watch_selected(self, selected: bool) -> None:
        self.set_class(selected, "-selected")
        if self.is_mounted:
            self.update(card_content(self.source, self.spans, selected))


class SourcesPane(VerticalScroll):
    """Shows the cited sources of one answer; `select(number)` brings one into view."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.answer: Answer | None = None

    def compose(self) -> ComposeResult:
        yield Static("Sources of the current answer appear here.", classes="sources-title")

    async def show(self, answer: Answer | None, note: str = "") -> None:
        """Replace the cards with the cited sources of `answer` (or a note when there is none)."""
        self.answer = answer
        await self.remove_children()
        if answer is None:
            await self.mount(Static(note or "No answer yet.", classes="sources-title"))
            return
        cited = answer.cited_sources
        title = f"Sources · {len(cited)} cited of {len(answer.sources)} retrieved"
        widgets: list[Static] = [Static(title, classes="sources-title")]
        if not cited:
            widgets.append(Static("This answer cites no source.", classes="sources-empty"))
        widgets += [SourceCard(answer, source) for source in cited]
        await self.mount_all(widgets)
        self.scroll_home(animate=False)

    @property
    def cards(self) -> list[SourceCard]:
        return list(self.query(SourceCard))

    def card(self, number: int) -> SourceCard | None:
        for card in self.cards:
            if card.source.number == number:
                return card
        return None

    def select(self, number: int, *, focus: bool = False) -> bool:
        """Select the card of source `number`, scroll it into view, optionally focus it."""
        target = self.card(number)
        if target is None:
            return False
        for card in self.cards:
            card.selected = card is target
        self.scroll_to_widget(target, animate=False, top=True)
        if focus:
            target.focus()
        return True

    @property
    def selected_number(self) -> int | None:
        for card in self.cards:
            if card.selected:
                return card.source.number
        return None
