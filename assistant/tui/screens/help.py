"""Help: what the app does and every screen's keys, generated from the bindings themselves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = Content.assemble(
    ("litassist", "bold"),
    " answers questions from your own papers, citing the passages that say it. Citations like"
    " [1] are links: click one, or press ",
    ("ctrl+r", "bold $accent"),
    " and move with the arrows to see each source beside the chat, its supporting sentence"
    " highlighted in the abstract. A ⚠ marks a sentence its citations do not support. ",
    ("ctrl+p", "bold $accent"),
    " lists every command.",
)
KEY_NAMES = {"slash": "/", "escape": "esc"}
KEY_WIDTH = 8


def key_label(binding: Binding) -> str:
    return "/".join(KEY_NAMES.get(key, key) for key in binding.key.split(","))


def keys_section(title: str, bindings: list[BindingType]) -> Content:
    """A titled list of `key  what it does` lines (the tooltip when there is one)."""
    lines = [Content.styled(title, "bold $text-primary")]
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            what = binding.tooltip or binding.description
            key = key_label(binding).ljust(KEY_WIDTH)
            lines.append(Content.assemble((key, "bold $accent"), " ", what))
    return Content("\n").join(lines)


def help_sections() -> list[Content]:
    from assistant.tui.app import LitassistApp
    from assistant.tui.screens.chat import ChatScreen
    from assistant.tui.screens.compare import CompareScreen
    from assistant.tui.screens.conversations import ConversationsScreen
    from assistant.tui.screens.library import LibraryScreen
    from assistant.tui.screens.settings import SettingsScreen
    from assistant.tui.widgets.answer_view import CitationList

    everywhere: list[BindingType] = [
        *LitassistApp.BINDINGS,
        Binding("ctrl+p", "command_palette", "Command palette: every action"),
        Binding("ctrl+q", "quit", "Quit"),
    ]
    return [
        keys_section("Everywhere", everywhere),
        keys_section(
            "Chat",
            [
                Binding("enter", "ask", "Ask the question"),
                Binding("up,down", "recall", "Earlier questions, back to what you typed"),
                *ChatScreen.BINDINGS,
                *(b for b in CitationList.BINDINGS if isinstance(b, Binding)),
            ],
        ),
        keys_section(
            "Library", [*LibraryScreen.BINDINGS, Binding("enter", "open", "Read the abstract")]
        ),
        keys_section("Compare", CompareScreen.BINDINGS),
        keys_section(
            "Conversations", [*ConversationsScreen.BINDINGS, Binding("enter", "open", "Reopen")]
        ),
        keys_section("Settings", SettingsScreen.BINDINGS),
    ]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1", "close", "Close")]  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__(classes="modal")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide help"):
            yield Static(INTRO, id="help-intro")
            with Grid(id="help-grid"):
                for section in help_sections():
                    yield Static(section, classes="help-section")
            yield Static("esc close", classes="dialog-hint")

    @property
    def text(self) -> str:
        """Everything the help says, as plain text."""
        return "\n\n".join(str(s.content) for s in self.query(Static))

    def action_close(self) -> None:
        self.dismiss(None)
