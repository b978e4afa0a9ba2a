"""The application layer: every use case of litassist, once, under both front ends.

    app = Litassist(settings)
    app.library.ingest([Path("papers.bib")])
    for item in app.answers.stream("What is DataDAM?"):
        ...  # AnswerDelta pieces, then the StoredAnswer
    app.comparisons.compare(["datadam", "fyi"])
    app.notes.export(app.answers.conversation(), fmt="md", out=Path("notes/"))
    app.close()

The CLI parses arguments and prints what these return; the TUI calls them from thread workers
and renders the results.  Neither reaches past this layer into the store or retrieval (checked
by the import contracts in `pyproject.toml`).  One module per family of use cases:

- `library`: ingest, papers, resolve, remove, search, doctor/repair, warm-up;
- `answers`: ask (streamed or whole) and store the turn; conversations;
- `comparisons`: compare and save; stored comparisons;
- `notes`: export notes, `.bib`, JSON; the TUI's free-name notes;
- `scholarly`: add papers by DOI/arXiv/PubMed/OpenAlex id, find them on the APIs, enrich;
- `zotero`: sync the library with the user's Zotero (database, else its local API).

A new use case goes into the family it belongs to (or a new module and attribute here); its
collaborators come from `assistant.wiring.Components`, which builds each part once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.app.answers import AnswerUseCases, StoredAnswer
from assistant.app.comparisons import ComparisonUseCases, SavedComparison
from assistant.app.library import DoctorResult, LibraryUseCases, Scope
from assistant.app.notes import ExportResult, NoteUseCases, SavedNote
from assistant.app.scholarly import AddedPaper, EnrichResult, FoundPaper, ScholarlyUseCases
from assistant.app.zotero import SyncResult, ZoteroUseCases
from assistant.errors import LitassistError
from assistant.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from assistant.wiring import Components

__all__ = [
    "AddedPaper",
    "DoctorResult",
    "EnrichResult",
    "ExportResult",
    "FoundPaper",
    "Litassist",
    "SavedComparison",
    "SavedNote",
    "SavedSettings",
    "Scope",
    "StoredAnswer",
    "SyncResult",
]


@dataclass(frozen=True)
class SavedSettings:
    """Settings saved to the config file and now in effect."""

    settings: Settings
    path: Path


class Litassist:
    """The application: the settings, the components built from them, and the use cases.

    Args:
        settings: the effective settings (config file, environment, flags).
        components: the parts to run on; default `Components(settings, **parts)`.
        export_dir: where the TUI's notes go (default: the working folder).
        save_settings: `(values) -> path` writing the config file; default: the settings'
            `config_file`.
        **parts: passed to `Components` (`open_library`, `open_conversations`,
            `open_comparisons`, `openai_client`): how tests inject a temporary library with a
            fast embedder, or an endpoint mocked by respx.

    Thread-safe as its components are: the TUI's workers share one instance.  Close it (or use
    `with`) to close the library and stores.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        components: Components | None = None,
        export_dir: Path | None = None,
        save_settings: Callable[[dict[str, Any]], Path] | None = None,
        **parts: Any,
    ) -> None:
        if components is None:
            from assistant.wiring import Components

            components = Components(settings, **parts)
        self.components = components
        self._save_settings = save_settings
        self.library = LibraryUseCases(components)
        self.answers = AnswerUseCases(components, self.library)
        self.comparisons = ComparisonUseCases(components, self.library)
        self.notes = NoteUseCases(components, export_dir)
        self.zotero = ZoteroUseCases(components)
        self.scholarly = ScholarlyUseCases(components, self.library)

    @property
    def settings(self) -> Settings:
        return self.components.settings

    def update_settings(self, values: dict[str, Any]) -> SavedSettings:
        """Validate, save to the config file and apply `values` (a subset of `SAVABLE_KEYS`).

        Raises:
            LitassistError: an invalid value, or the config file cannot be written.
        """
        from pydantic import ValidationError

        from assistant.settings import save_settings

        try:
            updated = Settings(**{**self.settings.model_dump(), **values})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
            raise LitassistError(f"Invalid setting {where}: {first.get('msg')}.") from exc
        try:
            if self._save_settings is not None:
                path = self._save_settings(values)
            else:
                path = save_settings(values, self.settings.config_file)
        except OSError as exc:
            raise LitassistError(f"Cannot save the settings: {exc.strerror or exc}.") from exc
        except ValueError as exc:  # a key that cannot be saved
            raise LitassistError(f"Cannot save the settings: {exc}.") from exc
        self.components.reconfigure(updated)
        return SavedSettings(updated, path)

    def close(self) -> None:
        """Close the library and the stores (they reopen when used again)."""
        self.components.close()

    def __enter__(self) -> Litassist:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
