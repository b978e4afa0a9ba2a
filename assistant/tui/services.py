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
    from assistant.export.exporter import ExportFiles
    from assistant.ingest import IngestReport, ProgressCallback
    from assistant.rag.compare import Comparer
    from assistant.rag.engine import AnswerEngine
    from assistant.store.comparisons import ComparisonStore
    from assistant.store.conversations import ConversationStore
    from assistant.store.library import Library
    from assistant.store.records import PaperRow
    from assistant.types import Comparison, Conversation

LibraryOpener = Callable[[Settings, bool], "Library"]
EngineFactory = Callable[[Settings, "Library"], "AnswerEngine"]
ComparerFactory = Callable[[Settings, "Library"], "Comparer"]
ConversationsOpener = Callable[[Settings], "ConversationStore"]
ComparisonsOpener = Callable[[Settings], "ComparisonStore"]
SettingsSaver = Callable[[dict[str, Any]], Path]


def _open_library(settings: Settings, create: bool) -> Library:
    from assistant.wiring import open_library

    return open_library(settings, create=create)


def _make_engine(settings: Settings, library: Library) -> AnswerEngine:
    from assistant.wiring import make_engine

    return make_engine(settings, library)


def _make_comparer(settings: Settings, library: Library) -> Comparer:
    from assistant.wiring import make_comparer

    return make_comparer(settings, library)


def _open_conversations(settings: Settings) -> ConversationStore:
    from assistant.store.conversations import ConversationStore

    return ConversationStore.open(settings.data_dir)


def _open_comparisons(settings: Settings) -> ComparisonStore:
    from assistant.store.comparisons import ComparisonStore

    return ComparisonStore.open(settings.data_dir)


def _save_settings(values: dict[str, Any]) -> Path:
    from assistant.settings import save_settings

    return save_settings(values)


MAX_NAME_TRIES = 1000


def written_message(paths: list[Path]) -> str:
    """`Note written: /notes/x.md (with x.bib)` for the paths an export wrote."""
    notes = [p for p in paths if p.suffix != ".bib"]
    bibs = [p for p in paths if p.suffix == ".bib"]
    main = notes[0] if notes else paths[0]
    extra = f" (with {bibs[0].name})" if notes and bibs else ""
    return f"Note written: {main}{extra}"


def free_note_paths(folder: Path, title: str) -> ExportFiles:
    """`folder/<title>.md` and `.bib`, or `<title>-2`, `-3`, … when either is taken."""
    from assistant.export.exporter import target_paths

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LitassistError(f"Cannot create {folder}: {exc.strerror or exc}.") from exc
    for attempt in range(1, MAX_NAME_TRIES + 1):
        name = title if attempt == 1 else f"{title} {attempt}"
        files = target_paths(folder, title=name, fmt="md", style="pandoc")
        taken = [p for p in (files.main, files.bib) if p is not None and p.exists()]
        if not taken:
            return files
    raise LitassistError(f"Too many notes named {title!r} in {folder}; move some away.")


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
        make_comparer: ComparerFactory = _make_comparer,
        open_conversations: ConversationsOpener = _open_conversations,
        open_comparisons: ComparisonsOpener = _open_comparisons,
        save_settings: SettingsSaver = _save_settings,
        export_dir: Path | None = None,
    ) -> None:
        self._settings = settings
        self._open_library = open_library
        self._make_engine = make_engine
        self._make_comparer = make_comparer
        self._open_conversations = open_conversations
        self._open_comparisons = open_comparisons
        self._save_settings = save_settings
        self.export_dir = export_dir if export_dir is not None else Path.cwd()
        self._lock = threading.RLock()
        self._write = threading.Lock()
        self._library: Library | None = None
        self._engine: AnswerEngine | None = None
        self._comparer: Comparer | None = None
        self._conversations: ConversationStore | None = None
        self._comparisons: ComparisonStore | None = None

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

    def comparer(self) -> Comparer:
        """The comparer for the current settings (rebuilt after settings change)."""
        with self._lock:
            if self._comparer is None:
                self._comparer = self._make_comparer(self._settings, self.library())
            return self._comparer

    def conversations(self) -> ConversationStore:
        with self._lock:
            if self._conversations is None:
                self._conversations = self._open_conversations(self._settings)
            return self._conversations

    def comparisons(self) -> ComparisonStore:
        with self._lock:
            if self._comparisons is None:
                self._comparisons = self._open_comparisons(self._settings)
            return self._comparisons

    # ---- export ---------------------------------------------------------------------------
    def export_note(self, item: Conversation | Comparison) -> list[Path]:
        """Write `item` as a Markdown note with pandoc citations and its `.bib` beside it, in
        `export_dir`, under a free name (an existing file is never replaced); returns the
        paths written."""
        from assistant.export.exporter import render, write_files

        files = free_note_paths(self.export_dir, item.title)
        try:
            context = [row.paper for row in self.paper_rows()]
        except LitassistError:
            context = []  # no library: the stored snapshots still export
        texts = render(
            item, fmt="md", style="pandoc", context=context, bibliography=files.bibliography
        )
        return write_files(files, texts, force=False)

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
            self._comparer = None
        return SavedSettings(updated, path)

    def close(self) -> None:
        with self._lock:
            if self._library is not None:
                self._library.close()
                self._library = None
            for store in (self._conversations, self._comparisons):
                if store is not None:
                    store.close()
            self._conversations = self._comparisons = None
            self._engine = None
            self._comparer = None
