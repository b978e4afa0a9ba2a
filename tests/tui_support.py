"""Building the real terminal app for tests: a library opened with the `HashingEmbedder`, the
real answer engine and conversation store, and an LLM endpoint that respx mocks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from assistant.app import Litassist
from assistant.settings import Settings
from assistant.store.library import Library
from assistant.tui.app import LitassistApp
from assistant.tui.widgets.answer_view import AnswerView
from tests.conftest import HashingEmbedder
from tests.openai_sse import BASE_URL, MODEL

SIZE = (120, 40)


def make_settings(data_dir: Path, **values: Any) -> Settings:
    defaults: dict[str, Any] = {
        "data_dir": data_dir,
        "openai_base_url": BASE_URL,
        "model": MODEL,
        "answer_mode": "auto",
        "max_retries": 0,
        "theme": "textual-dark",
        # Shown in Settings (and its snapshot): fixed, never written (make_services' export_dir).
        "notes_dir": Path("/litassist-test/notes"),
    }
    return Settings(**{**defaults, **values})


def make_services(
    library_dir: Path, work_dir: Path, config_file: Path | None = None, **values: Any
) -> Litassist:
    """The application layer over `library_dir` (HashingEmbedder); conversations and
    comparisons are kept in `work_dir`, notes exported to `work_dir/notes`."""
    from assistant.settings import save_settings
    from assistant.store.comparisons import ComparisonStore
    from assistant.store.conversations import ConversationStore

    embedder = HashingEmbedder()

    def open_library(settings: Settings, create: bool) -> Library:
        return Library.open(settings.data_dir, embedder, create=create)

    return Litassist(
        make_settings(library_dir, **values),
        open_library=open_library,
        open_conversations=lambda settings: ConversationStore.open(work_dir),
        open_comparisons=lambda settings: ComparisonStore.open(work_dir),
        export_dir=work_dir / "notes",
        save_settings=lambda changed: save_settings(changed, config_file),
    )


def make_app(
    library_dir: Path, tmp_path: Path, *, warm_up: bool = False, **values: Any
) -> LitassistApp:
    """The app over `library_dir`; `warm_up=False` skips preloading the engine after start
    (the first question loads it instead), which most tests do not need."""
    services = make_services(
        library_dir, tmp_path / "work", tmp_path / "config" / "config.toml", **values
    )
    return LitassistApp(services, warm_up=warm_up)


async def settle(app: LitassistApp, pilot: Pilot) -> None:
    """Wait until every worker is done and the screen has caught up."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def ask(app: LitassistApp, pilot: Pilot, question: str) -> AnswerView:
    """Put a question in the chat's input, send it with enter, wait for the answer (typing it
    key by key costs ~70 ms a key; `type_text` does that where typing itself is tested)."""
    box = app.chat.query_one("#question", Input)
    box.focus()
    box.value = question
    await pilot.press("enter")
    await settle(app, pilot)
    return app.chat.turns[-1]


def notifications(app: LitassistApp) -> list[tuple[str, str]]:
    return [(n.severity, n.message) for n in app._notifications]


def footer_keys(app: LitassistApp) -> set[str]:
    """The descriptions of the keys the footer shows now (enabled, visible bindings)."""
    return {
        active.binding.description
        for active in app.active_bindings.values()
        if active.binding.show and active.enabled
    }
