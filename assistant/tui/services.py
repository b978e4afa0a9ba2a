"""What the terminal UI talks to: settings, the library, the answer engine, conversations.

The app receives a `Services` (dependency injection): `Services.from_settings` wires the real
components through `assistant.wiring`; tests pass their own openers (a temporary library with a
fast embedder, an LLM endpoint mocked by respx).  Every method may block on disk, network or
model loading, so the UI calls them from thread workers only, never on the event loop.

Thread safety: opening is serialised by a lock, so two workers never open the library twice;
reads (retrieval, listing) may then run in several workers at once (SQLite in serialized mode,
Chroma's client is thread-safe), and writes (ingest) are one at a time under the library's own
write lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import LitassistError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.conversations import ConversationStore
    from assistant.ingest import IngestReport, ProgressCallback
    from assistant.rag.engine import AnswerEngine
    from assistant.store.library import Library
    from assistant.store.records import PaperRow

LibraryOpener = Callable[[Settings, bool], "Library"]
EngineFactory = Callable[[Settings, "Library"], "AnswerEngine"]
ConversationsOpener = Callable[[Settings], "ConversationStore"]
SettingsSaver = Callable[[dict[str, Any]], Path]


def _open_library(settings: Settings, create: bool) -> Library:
    from assistant.wiring import open_library

    return open_library(settings, create=create)


def _make_engine(settings: Settings, library: Library) -> AnswerEngine:
    from assistant.wiring import make_engine

    return make_engine(settings, library)


def _open_conversations(settings: Settings) -> ConversationStore:
    from assistant.conversations import ConversationStore

    return ConversationStore.open(settings.data_dir)


def _save_settings(values: dict[str, Any]) -> Path:
    from assistant.settings import save_settings

    return save_settings(values)


@dataclass(frozen=True)
class SavedSettings:
    settings: Settings
    path: Path


class Services:
    """The app's one door to the core; build with `Services.from_settings` or inject openers."""

    def __init__(
        self,
        settings: Settings,
        *,
        open_library: LibraryOpener = _open_library,
        make_engine: EngineFactory = _make_engine,
        open_conversations: ConversationsOpener = _open_conversations,
        save_settings: SettingsSaver = _save_settings,
    ) -> None:
        self._settings = settings
        self._open_library = open_library
        self._make_engine = make_engine
        self._open_conversations = open_conversations
        self._save_settings = save_settings
        self._lock = threading.RLock()
        self._write = threading.Lock()
        self._library: Library | None = None
        self._engine: AnswerEngine | None = None
        self._conversations: ConversationStore | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        return cls(settings)

    @property
    def settings(self) -> Settings:
        return self._settings

    # ---- the library ----------------------------------------------------------------------
    def library(self, *, create: bool = False) -> Library:
        """The open library; raises `LibraryNotFoundError` when there is none (and not `create`)."""
        with self._lock:
            if self._library is None:
                self._library = self._open_library(self._settings, create)
            return self._library

    def paper_count(self) -> int:
        return self.library().catalog.count()

    def paper_rows(self) -> list[PaperRow]:
        return self.library().catalog.list_rows()

    def ingest(self, paths: Iterable[Path], progress: ProgressCallback) -> IngestReport:
        """Ingest files into the library (created if missing); one ingest at a time."""
        from assistant.ingest import ingest

        if not self._write.acquire(blocking=False):
            raise LitassistError("An ingest is already running; wait for it to finish.")
        try:
            return ingest(list(paths), self.library(create=True), progress=progress)
        finally:
            self._write.release()

    # ---- answering ------------------------------------------------------------------------
    def engine(self) -> AnswerEngine:
        """The answer engine for the current settings (rebuilt after settings change)."""
        with self._lock:
            if self._engine is None:
                self._engine = self._make_engine(self._settings, self.library())
            return self._engine

    def conversations(self) -> ConversationStore:
        with self._lock:
            if self._conversations is None:
                self._conversations = self._open_conversations(self._settings)
            return self._conversations

    # ---- settings -------------------------------------------------------------------------
    def update_settings(self, values: dict[str, Any]) -> SavedSettings:
        """Validate, save to the config file and apply `values` (a subset of `SAVABLE_KEYS`)."""
        from pydantic import ValidationError

        try:
            updated = Settings(**{**self._settings.model_dump(), **values})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
            raise LitassistError(f"Invalid setting {where}: {first.get('msg')}.") from exc
        try:
            path = self._save_settings(values)
        except OSError as exc:
            raise LitassistError(f"Cannot save the settings: {exc.strerror or exc}.") from exc
        with self._lock:
            self._settings = updated
            self._engine = None
        return SavedSettings(updated, path)

    def close(self) -> None:
        with self._lock:
            if self._library is not None:
                self._library.close()
                self._library = None
            if self._conversations is not None:
                self._conversations.close()
                self._conversations = None
            self._engine = None
