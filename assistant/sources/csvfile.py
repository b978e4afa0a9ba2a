"""CSV and TSV tables with a header row: Zotero, Scopus, Web of Science, IEEE Xplore,
Springer Link, PubMed and ASReview exports, and hand-made tables.

The delimiter is sniffed from the header line with `csv.Sniffer` (`,`, tab, `;`), falling
back to `,`.  Column names are matched case-insensitively, first match wins:

* title: `title`, `document title` (IEEE), `item title` (Springer), `article title` (WoS),
  `primary_title` (ASReview), `ti` (WoS tab-delimited);
* authors: `author full names` (Scopus, ids in parentheses dropped), `af` (WoS full names),
  `authors`, `author` (Zotero), `au`, `first_authors` (ASReview), split by `split_names`:
  on ";", else " and ", else a comma list of "Surname Initials" (Scopus' older "Smith J.,
  Doe A.B.", PubMed's "Smith J, Doe A."); Springer writes names run together ("Ana
  GarcíaTom Lee") and they are split where a lower-case letter meets a capital;
* year: `year`, `publication year`, `publication_year`, `py`, `date`;
* venue: `source title` (Scopus), `publication title` (Zotero, IEEE, Springer), `journal`,
  `journal/book` (PubMed), `so`, `venue`, `booktitle`, `conference name`, `secondary_title`;
* abstract: `abstract`, `abstract note` (Zotero), `ab`, `notes_abstract`, `summary`, `text`;
* ids: `doi`, `item doi` (Springer), `di`; `arxiv`/`arxiv_id`/`eprint`; `url`/`link`/
  `pdf link`; `citekey`/`citation key`.

A table is read only when it has a title column and at least one more bibliographic column
(authors, abstract, DOI or venue): a CSV of something else is not turned into papers.
Quoted fields may contain newlines; a row's line is where it starts and its `raw_entry` its
original lines.  The file is read row by row; a malformed row (a field over the size limit,
a stray quote) is a problem at its line and the next rows are still read.
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Iterable, Iterator, Sequence

from assistant.sources.fields import first_of, split_authors
from assistant.sources.identity import make_paper
from assistant.sources.markup import strip_markup
from assistant.types import Paper, ParseProblem, ParseResult

FORMAT = "csv"

TITLE_COLUMNS = (
    "title",
    "document title",
    "item title",
    "article title",
    "primary_title",
    "ti",
)
AUTHOR_COLUMNS = ("author full names", "af", "authors", "author", "au", "first_authors")
YEAR_COLUMNS = ("year", "publication year", "publication_year", "py", "date")
VENUE_COLUMNS = (
    "source title",
    "publication title",
    "journal",
    "journal/book",
    "so",
    "venue",
    "booktitle",
    "conference name",
    "secondary_title",
)
ABSTRACT_COLUMNS = ("abstract", "abstract note", "ab", "notes_abstract", "summary", "text")
DOI_COLUMNS = ("doi", "item doi", "di")
# Keyword columns, all read: Scopus' author and index keywords, IEEE's, WoS `DE`, ASReview's.
KEYWORD_COLUMNS = ("author keywords", "index keywords", "keywords", "de", "ieee terms")
TYPE_COLUMNS = ("document type", "item type", "content type", "type_of_reference", "dt", "pt")
_BIBLIOGRAPHIC = (*AUTHOR_COLUMNS, *ABSTRACT_COLUMNS, *DOI_COLUMNS, *VENUE_COLUMNS)

# Generous, so a long abstract is read (and cut later) rather than failing its row.
csv.field_size_limit(64 * 1024 * 1024)


def normalise_header(header: Sequence[str]) -> list[str]:
    return [name.strip().lstrip("\ufeff").strip().lower() for name in header]


def header_format(header: Sequence[str]) -> str | None:
    """ "csv" when the header names a table of papers (title plus another field), else None."""
    names = set(normalise_header(header))
    if names & set(TITLE_COLUMNS) and names & set(_BIBLIOGRAPHIC):
        return FORMAT
    return None


def sniff_delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=",\t;").delimiter
    except csv.Error:
        return ","


class _Lines:
    """The lines fed to `csv.reader`, kept until the row that used them is taken."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.buffer: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            self.buffer.append(line)
            yield line + "\n"

    def take(self) -> str:
        raw = "\n".join(self.buffer)
        self.buffer = []
        return raw


def parse_csv(text: str | Iterable[str], source_file: str) -> ParseResult:
    """Parse a CSV/TSV table with a header row into papers (a string, or the file's lines)."""
    return ParseResult.collect(iter_csv(text, source_file))


def iter_csv(text: str | Iterable[str], source_file: str) -> Iterator[Paper | ParseProblem]:
    """`parse_csv` row by row: each paper or problem as soon as its row is read."""
    lines = iter(text.lstrip("\ufeff").splitlines() if isinstance(text, str) else text)
    header_line = next(lines, None)
    while header_line is not None and not header_line.strip():
        header_line = next(lines, None)
    if header_line is None:
        yield ParseProblem(source_file, None, "empty CSV file")
        return
    delimiter = sniff_delimiter(header_line)
    header = normalise_header(next(csv.reader([header_line], delimiter=delimiter), []))
    if header_format(header) is None:
        yield ParseProblem(
            source_file, 1, "no title column (and another bibliographic column) in the header"
        )
        return
    springer = "item title" in header
    pubmed = "journal/book" in header or "first author" in header
    feed = _Lines(lines)
    reader = csv.reader(feed, delimiter=delimiter)
    offset = 1  # the header line
    while True:
        first_line = offset + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            feed.take()
            yield ParseProblem(source_file, first_line, f"malformed row skipped: {exc}")
            continue
        raw = feed.take()
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(header, row, strict=False))
        paper = _row_to_paper(
            record, source_file, line=first_line, raw=raw, springer=springer, pubmed=pubmed
        )
        if paper is None:
            yield ParseProblem(source_file, first_line, "row has no title, skipped")
        else:
            yield paper


def _row_to_paper(
    record: dict[str, str],
    source_file: str,
    *,
    line: int,
    raw: str,
    springer: bool = False,
    pubmed: bool = False,
) -> Paper | None:
    title = strip_markup(_cell(record, *TITLE_COLUMNS))
    if not title:
        return None
    authors = _cell(record, *AUTHOR_COLUMNS)
    if pubmed:  # PubMed ends titles and the author list with a period
        title = title.rstrip(".")
        authors = authors.rstrip(".") if authors else authors
    return make_paper(
        title=title,
        abstract=strip_markup(_cell(record, *ABSTRACT_COLUMNS)),
        authors=split_names(authors, run_together=springer),
        year=_cell(record, *YEAR_COLUMNS),
        venue=strip_markup(_cell(record, *VENUE_COLUMNS)) or None,
        doi=_cell(record, *DOI_COLUMNS),
        arxiv_id=_cell(record, "arxiv_id", "arxiv", "arxiv id", "eprint"),
        url=_cell(record, "url", "link", "pdf link"),
        source_file=source_file,
        source_format=FORMAT,
        keywords=_keywords(record),
        item_type=_cell(record, *TYPE_COLUMNS),
        citekey=_cell(record, "citekey", "citation key"),
        raw_entry=raw,
        line=line,
    )


_SCOPUS_ID = re.compile(r"\s*\(\d+\)\s*$")


def _is_initials_name(part: str) -> bool:
    """ "Smith J", "Doe A.B.", "van der Berg JH", "Çelik Ü": a surname, then 1-4 initials."""
    surname, _, initials = part.rpartition(" ")
    letters = initials.replace(".", "").replace("-", "")
    return (
        any(char.isalpha() for char in surname)
        and 1 <= len(letters) <= 4
        and letters.isalpha()
        and letters.isupper()
    )


def _split_run_together(text: str) -> list[str]:
    """ "Ana GarcíaTom McDonald" -> ["Ana García", "Tom McDonald"] (any script's capitals)."""
    names: list[str] = []
    start = 0
    for index in range(1, len(text) - 1):
        before, char, after = text[index - 1], text[index], text[index + 1]
        if before.islower() and char.isupper() and after.islower():
            word = text[start:index].rsplit(" ", 1)[-1]
            if word in ("Mc", "Mac"):
                continue
            names.append(text[start:index])
            start = index
    names.append(text[start:])
    return [name.strip() for name in names if name.strip()]


def split_names(value: str | None, *, run_together: bool = False) -> tuple[str, ...]:
    """Authors from one table cell (see the module docstring for the conventions)."""
    if not value:
        return ()
    text = value.strip()
    listed = _python_list(text)
    if listed is not None:
        return listed
    if ";" in text or re.search(r"\s+and\s+", text, re.IGNORECASE):
        return tuple(_SCOPUS_ID.sub("", name).strip() for name in split_authors(text))
    text = _SCOPUS_ID.sub("", text).strip()
    parts = [part.strip().rstrip(".").strip() for part in text.split(",") if part.strip()]
    if len(parts) >= 2 and all(_is_initials_name(part) for part in parts):
        return tuple(_restore_period(part, text) for part in parts)
    if run_together and "," not in text:
        return tuple(_split_run_together(text))
    return (text,)


def _python_list(text: str) -> tuple[str, ...] | None:
    """ASReview and pandas write list cells as Python literals: `['Marx, Karl', 'Doe, J']`."""
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        value = ast.literal_eval(text)  # literals only: no code is run
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return tuple(item.strip() for item in value if item.strip())


def _restore_period(part: str, original: str) -> str:
    # Scopus writes "Smith J.", PubMed "Smith J": keep the initials as the file wrote them.
    return f"{part}." if f"{part}." in original else part


def _cell(record: dict[str, str], *names: str) -> str | None:
    value = first_of(record, *names)
    return value.strip() if isinstance(value, str) else None


def _keywords(record: dict[str, str]) -> list[str]:
    words: list[str] = []
    for name in KEYWORD_COLUMNS:
        cell = (record.get(name) or "").strip()
        if cell:
            listed = _python_list(cell)
            words.extend(listed if listed is not None else [cell])
    return words
