"""From a conversation or comparison to files: where they go, what they hold, writing them safely.

    files = target_paths(out, title=item.title, fmt="md", style="pandoc", bib=None)
    texts = render(item, fmt="md", style="pandoc", bibliography=files.bibliography)
    write_files(files, texts, force=False)

Used by `litassist export` and the TUI alike.  Rules:

* a file name built from a title, or given by the user, is made portable and safe
  (`files.safe_filename`: no `..`, `/`, `:`, ...); the folder given is used as given;
* a Markdown note in pandoc style gets its `.bib` beside it (same stem) unless another path is
  given, and its front matter names that file;
* everything is rendered before anything is written, every target is checked before the first
  write, and each file is written atomically: an existing file is never replaced without
  `force`, and a failure leaves no half-written file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import LitassistError
from assistant.export.bibtex import bibtex_for
from assistant.export.json_export import comparison_json, conversation_json
from assistant.export.keys import assign_keys
from assistant.export.markdown import (
    Style,
    cited_papers,
    comparison_note,
    comparison_papers,
    conversation_note,
)
from assistant.files import safe_filename, write_atomic
from assistant.formats import ExportFormat
from assistant.terminal_safe import json_safe, strip_controls, terminal_safe
from assistant.types import Comparison, Conversation, Paper

Format = ExportFormat
MAX_NAME_TRIES = 1000
EXTENSIONS: dict[str, str] = {"md": ".md", "json": ".json", "bibtex": ".bib"}


@dataclass(frozen=True)
class ExportFiles:
    main: Path | None  # None: print to standard output
    bib: Path | None  # the .bib written beside a note

    @property
    def bibliography(self) -> str | None:
        """How the note's front matter names its .bib (relative to the note when possible)."""
        if self.bib is None:
            return None
        if self.main is None:
            return str(self.bib)
        return os.path.relpath(self.bib, self.main.parent)


@dataclass(frozen=True)
class ExportTexts:
    main: str
    bib: str | None
    papers: tuple[Paper, ...]  # the cited papers, in citation order


def _safe_suffix(suffix: str) -> str:
    cleaned = safe_filename(suffix.lstrip("."), max_length=16)
    return f".{cleaned}" if cleaned != "untitled" else ""


def target_paths(
    out: Path | None,
    *,
    title: str,
    fmt: Format,
    style: Style = "footnote",
    bib: Path | None = None,
) -> ExportFiles:
    """Where an export goes: `out` (a file, or a folder to name the file in) or stdout."""
    extension = EXTENSIONS[fmt]
    main: Path | None = None
    if out is not None:
        out = Path(out).expanduser()
        if out.is_dir() or str(out).endswith(("/", os.sep)):
            main = out / f"{safe_filename(title)}{extension}"
        else:
            main = out.parent / f"{safe_filename(out.stem)}{_safe_suffix(out.suffix) or extension}"
    bib_path: Path | None = None
    if bib is not None and fmt != "bibtex":
        bib = Path(bib).expanduser()
        bib_path = bib.parent / f"{safe_filename(bib.stem)}{_safe_suffix(bib.suffix) or '.bib'}"
    elif fmt == "md" and style == "pandoc" and main is not None:
        bib_path = main.with_suffix(".bib")
    if main is not None and bib_path is not None and main.resolve() == bib_path.resolve():
        raise LitassistError(f"The note and its bibliography would both be {main}.")
    return ExportFiles(main, bib_path)


def render(
    item: Conversation | Comparison,
    *,
    fmt: Format,
    style: Style = "footnote",
    tags: Iterable[str] = (),
    context: Sequence[Paper] = (),
    bibliography: str | None = None,
) -> ExportTexts:
    """The export's text (and its .bib), citation keys unique among `context` too.

    Made safe at this edge, whatever the papers and answers hold: a note shows control
    characters as visible escapes (it is read in terminals and viewers), BibTeX drops them (a
    backslash there would start a LaTeX command), JSON escapes them (`terminal_safe`).
    """
    papers = comparison_papers(item) if isinstance(item, Comparison) else cited_papers(item.turns)
    keys = assign_keys(papers, context=context)
    bib = strip_controls(bibtex_for(papers, keys=keys, strings=source_strings(papers)))
    if fmt == "bibtex":
        return ExportTexts(bib, None, tuple(papers))
    if fmt == "json":
        text = comparison_json(item) if isinstance(item, Comparison) else conversation_json(item)
        return ExportTexts(json_safe(text), bib, tuple(papers))
    if isinstance(item, Comparison):
        text = comparison_note(item, style=style, tags=tags, keys=keys, bibliography=bibliography)
    else:
        text = conversation_note(item, style=style, tags=tags, keys=keys, bibliography=bibliography)
    return ExportTexts(terminal_safe(text), bib, tuple(papers))


def write_files(files: ExportFiles, texts: ExportTexts, *, force: bool = False) -> list[Path]:
    """Write the note (or .bib/.json) and, when planned, its .bib; returns the paths written."""
    planned = [(files.bib, texts.bib), (files.main, texts.main)]
    targets = [(path, text) for path, text in planned if path is not None and text is not None]
    if not force:
        for path, _ in targets:
            if path.exists():
                raise LitassistError(f"{path} already exists; use --force to overwrite it.")
    for path, _ in targets:
        if path.exists() and path.is_dir():
            raise LitassistError(f"{path} is a folder; give a file name.")
    written = []
    for path, text in targets:
        written.append(write_atomic(path, text, overwrite=force))
    return written


def free_note_paths(folder: Path, title: str) -> ExportFiles:
    """`folder/<title>.md` and its `.bib` (pandoc style), or `<title>-2`, `-3`, ... when either
    is taken: what the TUI writes, never replacing a file."""
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


def written_message(paths: Sequence[Path]) -> str:
    """`Note written: /notes/x.md (with x.bib)` for the paths an export wrote."""
    notes = [p for p in paths if p.suffix != ".bib"]
    bibs = [p for p in paths if p.suffix == ".bib"]
    main = notes[0] if notes else paths[0]
    extra = f" (with {bibs[0].name})" if notes and bibs else ""
    return f"Note written: {main}{extra}"


def source_strings(papers: Sequence[Paper]) -> dict[str, str]:
    """The `@string` definitions in the BibTeX files these papers came from (files still there).

    Lower-cased macro name -> the definition's exact text; a later file does not override an
    earlier one.  Unreadable or vanished files are skipped: `bibtex_for` then falls back to
    the paper's venue.
    """
    import bibtexparser

    found: dict[str, str] = {}
    files = dict.fromkeys(
        p.source_file for p in papers if p.source_format == "bibtex" and p.source_file
    )
    for name in files:
        try:
            text = Path(name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for block in bibtexparser.parse_string(text, parse_stack=[]).strings:
            if block.raw:
                found.setdefault(block.key.lower(), block.raw)
    return found
