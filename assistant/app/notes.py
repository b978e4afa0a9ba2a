"""Note use cases: export a conversation or comparison as a cited note (and its `.bib`), JSON or
BibTeX, to standard output or files; the TUI's free-name notes.

Citation keys are made unique against the whole library (its papers are the keys' context) in
both front ends and both modes, so a paper gets the same key in every export.  The rendering and
file-naming rules are the exporters' (`export/exporter.py`); this module decides what to
export and with which context.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import LitassistError
from assistant.formats import CitationStyle, ExportFormat
from assistant.redact import redact
from assistant.types import Comparison, Conversation

if TYPE_CHECKING:
    from assistant.export.exporter import ExportFiles, ExportTexts
    from assistant.types import Paper
    from assistant.wiring import Components

__all__ = ["ExportResult", "NoteUseCases", "SavedNote"]


@dataclass(frozen=True)
class ExportResult:
    """An export: its texts, where they went (`files.main` None: standard output), and the
    files written."""

    texts: ExportTexts
    files: ExportFiles
    written: tuple[Path, ...]


@dataclass(frozen=True)
class SavedNote:
    """A note written under a free name, and the line that says where."""

    paths: tuple[Path, ...]
    message: str


class NoteUseCases:
    """Cited notes and exports.

    Args:
        components: the application's components (the library gives the keys' context).
        export_dir: where `save_note` writes (default: the working folder).
    """

    def __init__(self, components: Components, export_dir: Path | None = None) -> None:
        self._components = components
        self.export_dir = export_dir if export_dir is not None else Path.cwd()

    def context(self) -> list[Paper]:
        """Every paper of the library (embedded or server), so generated keys are unique
        library-wide; empty when there is no readable library (stored snapshots still
        export)."""
        try:
            if self._components.has_library():
                return [row.paper for row in self._components.library().catalog.list_rows()]
            catalog = self._components.open_catalog()
        except LitassistError:
            return []
        try:
            return [row.paper for row in catalog.list_rows()]
        except LitassistError:
            return []
        finally:
            catalog.close()

    def export(
        self,
        item: Conversation | Comparison,
        *,
        fmt: ExportFormat = "md",
        style: CitationStyle = "footnote",
        out: Path | None = None,
        bib: Path | None = None,
        tags: Iterable[str] = (),
        force: bool = False,
    ) -> ExportResult:
        """Render `item` and write it to `out` (a file, or a folder to name it in), or leave it
        for standard output when `out` is None.

        Args:
            fmt: a Markdown note, JSON, or BibTeX of the cited papers.
            style: `footnote` ([^1]) or `pandoc` ([@key], with NOTE.bib beside the note).
            bib: where the cited papers' BibTeX goes (a pandoc note: beside it by default).
            tags: added to the note's front matter.
            force: replace existing files.

        Raises:
            LitassistError: a target exists (without `force`) or cannot be written; nothing
                is left half-written.
        """
        from assistant.export.exporter import render, target_paths, write_files

        files = target_paths(out, title=item.title, fmt=fmt, style=style, bib=bib)
        texts = render(
            item,
            fmt=fmt,
            style=style,
            tags=tags,
            context=self.context(),
            bibliography=files.bibliography,
        )
        texts = self._without_secrets(texts)
        written = write_files(files, texts, force=force)
        return ExportResult(texts, files, tuple(written))

    def _without_secrets(self, texts: ExportTexts) -> ExportTexts:
        """The export with the API key masked, should an answer (even one stored before
        answers were redacted) echo it."""
        key = self._components.settings.openai_api_key
        secrets = (key.get_secret_value(),) if key is not None else ()
        return replace(
            texts,
            main=redact(texts.main, secrets),
            bib=redact(texts.bib, secrets) if texts.bib is not None else None,
        )

    def save_note(self, item: Conversation | Comparison) -> SavedNote:
        """Write `item` as a pandoc-style Markdown note with its `.bib` in `export_dir`, under
        a free name (an existing file is never replaced).

        Raises:
            LitassistError: the folder cannot be created or written.
        """
        from assistant.export.exporter import free_note_paths, render, write_files, written_message

        files = free_note_paths(self.export_dir, item.title)
        texts = render(
            item, fmt="md", style="pandoc", context=self.context(), bibliography=files.bibliography
        )
        texts = self._without_secrets(texts)
        written = write_files(files, texts, force=False)
        return SavedNote(tuple(written), written_message(written))

    def comparison_markdown(self, comparison: Comparison, style: CitationStyle) -> str:
        """The comparison as a Markdown note (what `compare --format md` prints)."""
        return self.export(comparison, fmt="md", style=style).texts.main
