"""The library table's rows: filtering as you type and sorting by column (pure functions)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Literal

from assistant.labels import LabelSelection
from assistant.terminal_safe import terminal_safe
from assistant.text import authors_short
from assistant.types import PaperRow

Column = Literal["title", "year", "authors", "venue", "chunks"]
COLUMNS: tuple[Column, ...] = ("title", "year", "authors", "venue", "chunks")


def _haystack(row: PaperRow) -> str:
    paper = row.paper
    fields = [paper.title, " ".join(paper.authors), paper.venue or "", str(paper.year or "")]
    fields += [paper.id, paper.citekey or "", paper.doi or ""]
    return " ".join(fields).casefold()


LABEL_PREFIXES = {"tag:": "tags", "collection:": "collections", "col:": "collections"}


def split_query(query: str) -> tuple[list[str], LabelSelection]:
    """The words typed, and the `tag:NAME` / `collection:NAME` (`col:`) parts as a selection;
    a name with spaces is quoted: `collection:"Chapter 2"`."""
    try:
        parts = shlex.split(query)
    except ValueError:  # an unclosed quote while typing: read as if it were closed
        parts = shlex.split(query + '"')
    words: list[str] = []
    labels: dict[str, list[str]] = {"tags": [], "collections": []}
    for part in parts:
        prefix = next((p for p in LABEL_PREFIXES if part.casefold().startswith(p)), None)
        if prefix and len(part) > len(prefix):
            labels[LABEL_PREFIXES[prefix]].append(part[len(prefix) :])
        else:
            words.append(part.casefold())
    return words, LabelSelection(tuple(labels["collections"]), tuple(labels["tags"]))


def filter_rows(rows: Sequence[PaperRow], query: str) -> list[PaperRow]:
    """Rows whose title, authors, venue, year, id, citekey or DOI contain every word typed,
    in the collections and with the tags named (`assistant.labels` rules, as `--collection`
    and `--tag` of the command line)."""
    words, labels = split_query(query)
    if not words and not labels:
        return list(rows)
    return [
        row
        for row in rows
        if all(w in _haystack(row) for w in words)
        and (not labels or labels.matches(row.paper.collections, row.paper.tags))
    ]


def _key(row: PaperRow, column: Column) -> tuple[bool, object]:
    paper = row.paper
    value: object
    if column == "title":
        value = paper.title.casefold()
    elif column == "year":
        value = paper.year
    elif column == "authors":
        value = authors_short(paper.authors).casefold() or None
    elif column == "venue":
        value = (paper.venue or "").casefold() or None
    else:
        value = row.chunks
    return (value is None, value if value is not None else 0)


def sort_rows(rows: Sequence[PaperRow], column: Column, descending: bool) -> list[PaperRow]:
    """Rows sorted by `column` (stable); papers without a value go last either way."""
    present = [r for r in rows if not _key(r, column)[0]]
    missing = [r for r in rows if _key(r, column)[0]]
    present.sort(key=lambda r: _key(r, column)[1], reverse=descending)  # type: ignore[arg-type, return-value]  # one column's values share a type
    return present + missing


def cells(row: PaperRow, marked: bool) -> tuple[str, str, str, str, str, str]:
    """The table cells of a row: mark, title, year, authors, venue, chunks."""
    paper = row.paper
    return (
        "✓" if marked else " ",
        terminal_safe(paper.title),  # shown, so made safe; filtering and sorting use the stored
        str(paper.year or ""),
        terminal_safe(authors_short(paper.authors)),
        terminal_safe(paper.venue or ""),
        str(row.chunks),
    )
