"""The status line: which answer mode is active (LLM or offline extractive), the library size,
and what is running.  It follows the app's reactive state, so it never asks anything itself."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from textual.content import Content
from textual.widgets import Static

from assistant.tui.base import litassist_app

if TYPE_CHECKING:
    from assistant.settings import Settings


def mode_label(settings: Settings) -> tuple[str, str]:
    """The active answer mode as (text, style)."""
    if settings.effective_mode == "extractive":
        why = "" if settings.answer_mode == "extractive" else " (no LLM endpoint)"
        return f"offline extractive{why}", "$text-warning"
    if not settings.llm_configured:
        return "LLM · no endpoint set", "bold $text-error"
    host = urlsplit(settings.openai_base_url or "").netloc.rpartition("@")[2] or "api.openai.com"
    return f"LLM · {settings.model} @ {host}", "$text-success"


def status_content(
    settings: Settings, paper_count: int | None, library_note: str, activity: str
) -> Content:
    mode, mode_style = mode_label(settings)
    parts: list[str | tuple[str, str]] = [("● ", mode_style), (mode, mode_style), "  │  "]
    if library_note:
        parts.append((library_note, "$text-muted"))
    elif paper_count is not None:
        parts.append(f"{paper_count} paper{'s' if paper_count != 1 else ''}")
    parts.append(f"  │  k={settings.k}")
    if activity:
        parts += ["  │  ", (activity, "bold $accent")]
    return Content.assemble(*parts)


class StatusLine(Static):
    def on_mount(self) -> None:
        app = litassist_app(self)
        for name in ("paper_count", "library_note", "activity", "settings_version"):
            self.watch(app, name, self._changed, init=False)
        self._changed()

    def _changed(self, *_: object) -> None:
        app = litassist_app(self)
        self.update(
            status_content(app.services.settings, app.paper_count, app.library_note, app.activity)
        )
