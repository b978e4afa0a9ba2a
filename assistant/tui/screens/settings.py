"""Settings: endpoint, model, answer mode, k, theme and the notes folder, saved to the config
file.

The API key is never shown or saved here (it stays in the environment); saving validates the
values and writes only those the user changed (a default left alone stays a default, so a later
version's defaults apply), atomically, in a worker, then applies them to the running app.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, Static

from assistant.errors import LitassistError
from assistant.tui.base import LitassistScreen
from assistant.tui.messages import SettingsSaved
from assistant.tui.screens.path_prompt import PathInput

if TYPE_CHECKING:
    from assistant.settings import Settings

MODES = [
    ("auto: the LLM when an endpoint is set, else offline", "auto"),
    ("llm: always the LLM endpoint", "llm"),
    ("extractive: offline, quotes the sources", "extractive"),
]


def form_values(
    endpoint: str, model: str, mode: str, k: str, theme: str, notes_dir: str | None = None
) -> dict[str, Any]:
    """The form's values as settings (empty endpoint clears it; `~` allowed in the folder)."""
    try:
        number = int(k)
    except ValueError as exc:
        raise LitassistError(f"k must be a whole number (1 to 100), not {k!r}.") from exc
    values: dict[str, Any] = {
        "openai_base_url": endpoint.strip() or None,
        "model": model.strip(),
        "answer_mode": mode,
        "k": number,
        "theme": theme,
    }
    if notes_dir is not None and notes_dir.strip():
        values["notes_dir"] = str(Path(notes_dir.strip()).expanduser())
    return values


def changed_values(values: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Only the values that differ from the settings in effect: what to save."""
    current = settings.model_dump()
    return {
        key: value
        for key, value in values.items()
        if str(current.get(key)) != str(value) and current.get(key) != value
    }


def key_status(settings: Settings) -> str:
    key = settings.openai_api_key
    state = "set" if key is not None and key.get_secret_value() else "not set"
    return f"API key: {state} (from OPENAI_API_KEY; never saved here)"


class SettingsScreen(LitassistScreen):
    BINDINGS = [  # noqa: RUF012
        Binding("escape", "back", "Back", tooltip="Leave without saving"),
        Binding("ctrl+s", "save", "Save", tooltip="Save to the config file", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__(id="settings")

    def compose(self) -> ComposeResult:
        settings = self.services.settings
        themes = sorted(self.app.available_themes)
        theme = settings.theme if settings.theme in themes else self.app.theme
        with VerticalScroll(classes="form"):
            yield Static("Settings", classes="screen-title")
            yield Label("LLM endpoint (OpenAI-compatible; empty: offline extractive answers)")
            yield Input(
                settings.openai_base_url or "",
                placeholder="http://localhost:11434/v1",
                id="endpoint",
            )
            yield Static(key_status(settings), classes="hint")
            yield Label("Chat model")
            yield Input(settings.model, id="model")
            yield Label("Answer mode")
            yield Select(MODES, value=settings.answer_mode, allow_blank=False, id="mode")
            yield Label("Passages per question (k)")
            yield Input(str(settings.k), type="integer", id="k")
            yield Label("Theme")
            yield Select([(t, t) for t in themes], value=theme, allow_blank=False, id="theme")
            yield Label("Notes folder (ctrl+s saves notes here)")
            yield PathInput(str(settings.notes_dir), placeholder="~/Documents/litassist")
            yield Static("tab completes the path", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
            yield Static("", id="saved-to", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#endpoint", Input).focus()

    def values(self) -> dict[str, Any]:
        return form_values(
            self.query_one("#endpoint", Input).value,
            self.query_one("#model", Input).value,
            str(self.query_one("#mode", Select).value),
            self.query_one("#k", Input).value,
            str(self.query_one("#theme", Select).value),
            self.query_one(PathInput).value,
        )

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        try:
            values = changed_values(self.values(), self.services.settings)
        except LitassistError as exc:
            self.notify(str(exc), severity="error")
            return
        if not values:
            self.app.notify("Nothing changed; nothing saved.")
            self.app.pop_screen()
            return
        self.save(values)

    @on(Button.Pressed, "#cancel")
    def action_back(self) -> None:
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="settings", exit_on_error=False)
    def save(self, values: dict[str, Any]) -> None:
        with self.reported_to_app():
            self.post_message(SettingsSaved(self.services.update_settings(values)))

    def on_settings_saved(self, message: SettingsSaved) -> None:
        self.litassist.settings_changed()
        self.app.notify(f"Settings saved to {message.saved.path}.")
        self.app.pop_screen()
