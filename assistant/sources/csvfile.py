"""CSV and TSV tables with a header row, e.g. Zotero's "Export Collection..." > CSV.

The delimiter is sniffed from the header line with `csv.Sniffer` (`,`, tab, `;`), falling
back to `,`.  Column names are matched case-insensitively:

* title: `title`;  abstract: `abstract`, `abstract note` (Zotero), `summary`, `text`;
* authors: `authors`, `author` (Zotero: "Smith, John; Doe, Jane"), split on ";" or " and ";
* year: `year`, `publication year` (Zotero), `date`;
* venue: `venue`, `journal`, `publication title` (Zotero), `booktitle`, `conference name`;
* ids: `doi`, `arxiv`/`arxiv_id`/`eprint`, `url`/`link`, `citekey`/`citation key`.

Quoted fields may contain newlines; a row's line is where it starts in the file and its
`raw_entry` the original lines of that row.  No title column gives a single problem for the
file; a row without a title gives a problem with its line number.
"""

from __future__ import annotations

import csv
import io

from assistant.sources.fields import first_of, split_authors
from assistant.sources.identity import make_paper
from assistant.types import Paper, ParseProblem, ParseResult

FORMAT = "csv"

TITLE_COLUMNS = ("title",)


def sniff_delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=",\t;").delimiter
    except csv.Error:
        return ","


def parse_csv(text: str, source_file: str) -> ParseResult:
    """Parse a CSV/TSV table with a header row into papers."""
    # Lines with their endings, as `open(newline="")` gives them, so that `line_num` maps to
    # the original text and each row's raw lines can be sliced out.
    lines = io.StringIO(text.lstrip("\ufeff"), newline="").readlines()
    if not lines:
        return ParseResult((), (ParseProblem(source_file, None, "empty CSV file"),))
    reader = csv.reader(lines, delimiter=sniff_delimiter(lines[0]))
    header = [name.strip().lower() for name in next(reader)]
    if not any(name in TITLE_COLUMNS for name in header):
        problem = ParseProblem(source_file, 1, "no 'title' column in the header row")
        return ParseResult((), (problem,))
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    start = reader.line_num
    for row in reader:
        first_line, start = start + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(header, row, strict=False))
        raw = "".join(lines[first_line - 1 : reader.line_num]).rstrip("\r\n")
        paper = _row_to_paper(record, source_file, line=first_line, raw=raw)
        if paper is None:
            problems.append(ParseProblem(source_file, first_line, "row has no title, skipped"))
        else:
            papers.append(paper)
    return ParseResult(tuple(papers), tuple(problems))


def _row_to_paper(record: dict[str, str], source_file: str, *, line: int, raw: str) -> Paper | None:
    title = first_of(record, *TITLE_COLUMNS)
    if not isinstance(title, str):
        return None
    return make_paper(
        title=title,
        abstract=_cell(record, "abstract", "abstract note", "summary", "text"),
        authors=split_authors(_cell(record, "authors", "author")),
        year=_cell(record, "year", "publication year", "date"),
        venue=_cell(
            record, "venue", "journal", "publication title", "booktitle", "conference name"
        ),
        doi=_cell(record, "doi"),
        arxiv_id=_cell(record, "arxiv_id", "arxiv", "arxiv id", "eprint"),
        url=_cell(record, "url", "link"),
        source_file=source_file,
        source_format=FORMAT,
        citekey=_cell(record, "citekey", "citation key"),
        raw_entry=raw,
        line=line,
    )


def _cell(record: dict[str, str], *names: str) -> str | None:
    value = first_of(record, *names)
    return value.strip() if isinstance(value, str) else None
