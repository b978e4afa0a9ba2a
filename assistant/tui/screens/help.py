"""Help: what each screen is for and its keys, generated from the bindings themselves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

INTRO = """\
**litassist** answers questions from your own papers, citing the passages that say it.
Citations like [1] are links: click them, or press **ctrl+r** and use the arrows to see each
source beside the chat, its supporting sentence highlighted in the abstract.
A ⚠ marks a sentence its citations do not support. **ctrl+p** lists every command.
"""


def _key(binding: Binding) -> str:
    keys = []
    for key in binding.key.split(","):
        keys.append({"slash": "/", "space": "space", "escape": "esc"}.get(key, key))
    return " / ".join(keys)


def bindings_table(title: str, bindings: list[BindingType]) -> str:
    rows = [f"### {title}", "", "| key | action |", "| --- | --- |"]
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            rows.append(f"| `{_key(binding)}` | {binding.description} |")
    return "\n".join(rows)


def help_markdown() -> str:
    from assistant.tui.app import LitassistApp
    from assistant.tui.screens.chat import ChatScreen
    from assistant.tui.screens.compare import CompareScreen
    from assistant.tui.screens.conversations import ConversationsScreen
    from assistant.tui.screens.library import LibraryScreen
    from assistant.tui.screens.settings import SettingsScreen

    app_keys: list[BindingType] = [
        *LitassistApp.BINDINGS,
        Binding("ctrl+p", "command_palette", "Command palette"),
        Binding("ctrl+q", "quit", "Quit"),
    ]
    sections = [
        INTRO,
        bindings_table("Everywhere", app_keys),
        bindings_table("Chat", [*ChatScreen.BINDINGS, Binding("enter", "ask", "Ask")]),
        bindings_table("Library", [*LibraryScreen.BINDINGS, Binding("enter", "open", "Abstract")]),
        bindings_table("Compare", CompareScreen.BINDINGS),
        bindings_table("Conversations", ConversationsScreen.BINDINGS),
        bindings_table("Settings", SettingsScreen.BINDINGS),
    ]
    return "\n\n".join(sections)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1", "close", "Close")]  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__(classes="modal")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide help"):
            with VerticalScroll(classes="help-scroll"):
                yield Markdown(help_markdown(), id="help-text")
            yield Static("esc close", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
