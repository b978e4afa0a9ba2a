"""The library table's rows: filtering as you type, sorting by column, and the column widths
for a terminal of any size (pure functions)."""

from __future__ import annotations

import shlex
import unicodedata
from collections.abc import Sequence
from typing import Literal

from anyascii import anyascii

from assistant.labels import LabelSelection
from assistant.terminal_safe import terminal_safe
from assistant.text import authors_short, venue_short
from assistant.types import PaperRow

Column = Literal["title", "year", "authors", "venue", "citekey", "chunks"]
COLUMNS: tuple[Column, ...] = ("title", "year", "authors", "venue", "citekey", "chunks")
LABELS: dict[Column, str] = {
    "title": "Title",
    "year": "Year",
    "authors": "Authors",
    "venue": "Venue",
    "citekey": "Citekey",
    "chunks": "Chunks",
}
MARK_WIDTH = 1
CELL_PADDING = 2  # DataTable's default cell_padding=1 on each side of every column
SCROLLBAR = 2
MIN_TITLE = 24
NARROW = 100  # below this many columns the chunk count (shown in a paper's details) folds away
# (narrow width, wide width) of the columns other than the title, which takes what is left.
_SIDE_WIDTHS: dict[Column, tuple[int, int]] = {
    "year": (4, 4),
    "authors": (14, 24),
    "venue": (10, 24),
    "citekey": (12, 22),
    "chunks": (6, 6),
}


def column_widths(width: int) -> dict[Column, int]:
    """The width of each shown column for a table `width` cells wide: the title takes the free
    width, the others grow from their narrow to their wide width as room allows (and stop
    there: a long venue reads no better at 40 characters than at 24)."""
    shown = [c for c in COLUMNS if c != "chunks" or width >= NARROW]
    side = [c for c in shown if c != "title"]
    room = width - SCROLLBAR - MARK_WIDTH - CELL_PADDING * (len(shown) + 1)
    widths: dict[Column, int] = {c: _SIDE_WIDTHS[c][0] for c in side}
    # Grow the side columns together, one cell at a time, until each is at its wide width or
    # the title would get less than half the room.
    target_title = max(MIN_TITLE, room // 2)
    spare = room - target_title - sum(widths.values())
    growing = [c for c in side if widths[c] < _SIDE_WIDTHS[c][1]]
    while spare > 0 and growing:
        for column in list(growing):
            if spare <= 0:
                break
            widths[column] += 1
            spare -= 1
            if widths[column] >= _SIDE_WIDTHS[column][1]:
                growing.remove(column)
    return {"title": max(MIN_TITLE, room - sum(widths.values())), **widths}


def fold(text: str) -> str:
    """`text` for matching: case-folded, accents and special letters made plain ASCII
    ("Łukasz" -> "lukasz", "Müller" -> "muller"); NFKD alone leaves letters such as Ł and ø,
    which is why anyascii transliterates."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return anyascii(plain).casefold()


def _haystack(row: PaperRow) -> str:
    paper = row.paper
    fields = [paper.title, " ".join(paper.authors), paper.venue or "", str(paper.year or "")]
    fields += [paper.id, paper.citekey or "", paper.doi or ""]
    return fold(" ".join(fields))


LABEL_PREFIXES = {"tag:": "tags", "collection:": "collections", "col:": "collections"}


def _parts(query: str) -> list[str]:
    try:
        return shlex.split(query)
    except ValueError:  # an unclosed quote while typing: read as if it were closed
        return shlex.split(query + '"')


def _label_part(part: str) -> tuple[str, str] | None:
    """("tags" or "collections", name) for a `tag:NAME` / `collection:NAME` part."""
    prefix = next((p for p in LABEL_PREFIXES if part.casefold().startswith(p)), None)
    if prefix and len(part) > len(prefix):
        return LABEL_PREFIXES[prefix], part[len(prefix) :]
    return None


def split_query(query: str) -> tuple[list[str], LabelSelection]:
    """The words typed, and the `tag:NAME` / `collection:NAME` (`col:`) parts as a selection;
    a name with spaces is quoted: `collection:"Chapter 2"`."""
    words: list[str] = []
    labels: dict[str, list[str]] = {"tags": [], "collections": []}
    for part in _parts(query):
        label = _label_part(part)
        if label:
            labels[label[0]].append(label[1])
        else:
            words.append(part.casefold())
    return words, LabelSelection(tuple(labels["collections"]), tuple(labels["tags"]))


def label_counts(rows: Sequence[PaperRow]) -> tuple[dict[str, int], dict[str, int]]:
    """Every collection path (with its parents: choosing "Thesis" keeps "Thesis/Chapter 2"
    too) and every tag of the library, each with the number of papers it would keep."""
    collections: dict[str, int] = {}
    tags: dict[str, int] = {}
    for row in rows:
        paths = {"/".join(path.split("/")[: n + 1]) for path in row.paper.collections
                 for n in range(path.count("/") + 1)}  # fmt: skip
        for path in paths:
            collections[path] = collections.get(path, 0) + 1
        for tag in {t for t in row.paper.tags if t}:
            tags[tag] = tags.get(tag, 0) + 1
    return dict(sorted(collections.items(), key=lambda kv: kv[0].casefold())), dict(
        sorted(tags.items(), key=lambda kv: kv[0].casefold())
    )


def with_labels(query: str, labels: LabelSelection) -> str:
    """`query` with its `tag:` / `collection:` parts replaced by `labels` and the words typed
    kept as typed: how the label picker writes the filter back."""
    kept = [part for part in _parts(query) if not _label_part(part)]
    parts = [f"collection:{_quoted(c)}" for c in labels.collections]
    parts += [f"tag:{_quoted(t)}" for t in labels.tags]
    return " ".join([*parts, *(_quoted(word) for word in kept)])


def _quoted(text: str) -> str:
    """`text` as one shell-like word: bare, in double quotes (as the placeholder shows them),
    or shlex-quoted when it holds a double quote or a backslash itself."""
    if not any(ch.isspace() or ch in "'\"\\" for ch in text):
        return text
    return f'"{text}"' if not any(ch in '"\\' for ch in text) else shlex.quote(text)


def filter_rows(rows: Sequence[PaperRow], query: str) -> list[PaperRow]:
    """Rows whose title, authors, venue, year, id, citekey or DOI contain every word typed,
    ignoring case and accents, in the collections and with the tags named (`assistant.labels`
    rules, as `--collection` and `--tag` of the command line)."""
    typed, labels = split_query(query)
    words = [fold(w) for w in typed]
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
        value = fold(paper.title)
    elif column == "year":
        value = paper.year
    elif column == "authors":
        value = fold(authors_short(paper.authors)) or None
    elif column == "venue":
        value = fold(venue_short(paper.venue)) or None
    elif column == "citekey":
        value = (paper.citekey or "").casefold() or None
    else:
        value = row.chunks
    return (value is None, value if value is not None else 0)


def sort_rows(rows: Sequence[PaperRow], column: Column, descending: bool) -> list[PaperRow]:
    """Rows sorted by `column` (stable); papers without a value go last either way."""
    present = [r for r in rows if not _key(r, column)[0]]
    missing = [r for r in rows if _key(r, column)[0]]
    present.sort(key=lambda r: _key(r, column)[1], reverse=descending)  # type: ignore[arg-type, return-value]  # one column's values share a type
    return present + missing


def cell(row: PaperRow, column: Column) -> str:
    """The text of one cell: the venue shortened, the authors by the one author-list rule."""
    paper = row.paper
    if column == "title":
        return terminal_safe(
            paper.title
        )  # shown, so made safe; filtering and sorting use the stored
    if column == "year":
        return str(paper.year or "")
    if column == "authors":
        return terminal_safe(authors_short(paper.authors))
    if column == "venue":
        return terminal_safe(venue_short(paper.venue))
    if column == "citekey":
        return terminal_safe(paper.citekey or "")
    return str(row.chunks)


def cells(row: PaperRow, marked: bool, columns: Sequence[Column] = COLUMNS) -> list[str]:
    """The table cells of a row: the mark, then `columns`."""
    return ["✓" if marked else " ", *(cell(row, c) for c in columns)]
