"""Past conversations: reopen one (its turns become the history of follow-ups) or start anew."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from assistant.terminal_safe import terminal_safe
from assistant.tui.base import LitassistScreen
from assistant.tui.messages import ConversationDeleted, ConversationOpened, ConversationsListed

if TYPE_CHECKING:
    from assistant.types import ConversationSummary


def conversation_option(summary: ConversationSummary) -> Option:
    when = summary.updated_at.strftime("%Y-%m-%d %H:%M")
    turns = f"{summary.turns} turn{'s' if summary.turns != 1 else ''}"
    title = terminal_safe(summary.title)
    label = Content.assemble((title, "bold"), "\n", (f"{when} · {turns}", "$text-muted"))
    if summary.last_question and summary.last_question != summary.title:
        last = terminal_safe(summary.last_question)
        label = Content.assemble(label, ("  · last: " + last, "$text-muted"))
    return Option(label, id=summary.id)


class ConversationsScreen(LitassistScreen):
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "back", "Back", tooltip="Back to the chat"),
        Binding("n", "new", "New conversation", tooltip="Start a new conversation"),
        Binding("d", "delete", "Delete", tooltip="Delete the highlighted conversation"),
    ]

    def __init__(self) -> None:
        super().__init__(id="conversations")
        self.summaries: list[ConversationSummary] = []

    def compose(self) -> ComposeResult:
        yield Static("Conversations · enter reopen · n new · d delete", classes="screen-title")
        yield OptionList(id="conversation-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="conversations", exit_on_error=False)
    def load(self) -> None:
        summaries: list[ConversationSummary] = []
        with self.reported_to_app():
            summaries = self.services.answers.conversations()
        self.post_message(ConversationsListed(summaries))

    def on_conversations_listed(self, message: ConversationsListed) -> None:
        summaries = message.summaries
        self.summaries = summaries
        options = self.query_one(OptionList)
        options.clear_options()
        if not summaries:
            options.add_option(Option("No conversations yet; press n to start one.", disabled=True))
            return
        options.add_options(conversation_option(s) for s in summaries)
        options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.reopen(event.option.id)

    @work(thread=True, exclusive=True, group="conversations", exit_on_error=False)
    def reopen(self, conversation_id: str) -> None:
        with self.reported_to_app():
            conversation = self.services.answers.conversation(conversation_id)
            self.post_message(ConversationOpened(conversation))

    async def on_conversation_opened(self, message: ConversationOpened) -> None:
        chat = self.litassist.chat
        self.app.pop_screen()
        await chat.load_conversation(message.conversation)

    async def action_new(self) -> None:
        self.app.pop_screen()
        await self.litassist.chat.new_conversation()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_delete(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        option = options.get_option_at_index(options.highlighted)
        if option.id:
            self.delete(option.id)

    @work(thread=True, exclusive=True, group="conversations", exit_on_error=False)
    def delete(self, conversation_id: str) -> None:
        with self.reported_to_app():
            self.services.answers.delete_conversation(conversation_id)
            self.post_message(ConversationDeleted(conversation_id))

    def on_conversation_deleted(self, message: ConversationDeleted) -> None:
        conversation_id = message.conversation_id
        chat = self.litassist.chat
        if chat.conversation_id == conversation_id:
            chat.conversation_id = None  # the chat stays; its next question starts a new one
            chat.history = []
        self.notify("Conversation deleted.")
        self.load()
