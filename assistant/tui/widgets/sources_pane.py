"""The sources beside the chat (and under a comparison): each cited paper with the supporting
passage highlighted inside its abstract; choosing a citation selects its card here."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from assistant.terminal_safe import safe_offsets, terminal_safe
from assistant.tui.citation_view import SourceSpan, paper_byline, source_spans
from assistant.types import Answer, Citation, Source

SPAN_STYLES = {
    "supported": "bold $text-success on $success-muted",
    "unsupported": "bold $text-warning on $warning-muted",
    "passage": "underline",
}
SELECTED_STYLE = "reverse"


def card_content(source: Source, spans: list[SourceSpan], selected: bool) -> Content:
    """The card text: number and title, byline, the abstract with the cited spans styled."""
    paper = source.paper
    text = paper.abstract or "(no abstract)"
    abstract = Content(terminal_safe(text))  # spans are offsets into the stored text: mapped
    shown = safe_offsets(text)
    for span in spans:
        style = SPAN_STYLES[span.kind]
        if selected and span.kind != "passage":
            style = f"{style} {SELECTED_STYLE}"
        abstract = abstract.stylize(style, shown[span.start], shown[span.end])
    parts: list[Content | str | tuple[str, str]] = [
        (f"[{source.number}] ", "bold $accent"),
        (terminal_safe(paper.title), "bold"),
    ]
    byline = terminal_safe(paper_byline(paper))
    if byline:
        parts += ["\n", (byline, "$text-muted")]
    parts += ["\n", abstract]
    return Content.assemble(*parts)


class SourceCard(Static, can_focus=True):
    """One cited source."""

    selected: reactive[bool] = reactive(False)

    def __init__(self, source: Source, citations: Sequence[Citation]) -> None:
        super().__init__(classes="source-card")
        self.source = source
        self.spans = source_spans(citations, source)

    def on_mount(self) -> None:
        self.update(card_content(self.source, self.spans, self.selected))

    def watch_selected(self, selected: bool) -> None:
        self.set_class(selected, "-selected")
        if self.is_mounted:
            self.update(card_content(self.source, self.spans, selected))


class SourcesPane(VerticalScroll):
    """Shows cited sources (of an answer, or of a comparison cell); `select(number)` brings one
    into view."""

    def __init__(
        self, placeholder: str = "Sources of the current answer appear here.", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.answer: Answer | None = None
        self.placeholder = placeholder
        self._replacing = asyncio.Lock()  # one replacement at a time: they await DOM changes

    def compose(self) -> ComposeResult:
        yield Static(self.placeholder, classes="sources-title")

    async def show(self, answer: Answer | None) -> None:
        """Replace the cards with the cited sources of `answer` (the placeholder for None)."""
        self.answer = answer
        if answer is None:
            await self.show_sources((), (), self.placeholder)
            return
        cited = answer.cited_sources
        title = f"Sources · {len(cited)} cited of {len(answer.sources)} retrieved"
        note = "" if cited else "This answer cites no source."
        await self.show_sources(cited, answer.citations, title, note)

    async def show_sources(
        self,
        sources: Sequence[Source],
        citations: Sequence[Citation],
        title: str,
        note: str = "",
    ) -> None:
        """Replace the cards: one per source, `citations`' spans highlighted in its abstract."""
        widgets: list[Static] = [Static(terminal_safe(title), classes="sources-title")]
        if note:
            widgets.append(Static(terminal_safe(note), classes="sources-note"))
        widgets += [SourceCard(source, citations) for source in sources]
        async with self._replacing:
            await self.remove_children()
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
