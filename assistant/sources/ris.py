"""RIS files (Zotero, Mendeley, EndNote, publisher downloads), fields read with rispy.

The text is cut into records (`TY  -` ... `ER  -`) here, so each paper keeps its original
lines as `raw_entry` and the line of its `TY` tag; each record is then parsed by
`rispy.loads`.  A record rispy cannot parse, or that has no title, is reported and skipped.

Quirks handled: title in TI or T1 (else ST, the short title); abstract in AB or N2; authors
in AU and/or A1; year in PY, Y1 or DA (`2021/03/04/`); venue in JF, JO, T2 (Zotero), JA or
J2; DOI in DO (also as a URL); several UR lines (or one `;`-separated); the arXiv id from an
arxiv.org URL, a `10.48550/arXiv.*` DOI or an `arXiv:` note; CRLF; a final record without
`ER  -`; a BOM; `TY - ` with one space (vendor output).  The file is read line by line; a
record is parsed as soon as it ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import rispy

from assistant.sources.fields import joined_text, stripped_strings
from assistant.sources.identity import make_paper, normalize_arxiv
from assistant.types import Paper, ParseProblem, ParseResult

FORMAT = "ris"

# Two spaces before the dash is the standard; some vendors write one (`TY - JOUR`).
_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: |$)")


@dataclass(frozen=True)
class RisRecord:
    """One record's original lines and the 1-based line of its `TY` tag."""

    line: int
    lines: tuple[str, ...]

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)


def split_records(text: str | Iterable[str]) -> Iterator[RisRecord]:
    """Records from `TY  -` to `ER  -`; lines outside records are ignored.

    Lines are normalised to the standard `XX  - ` tag so rispy reads one-space vendor files.
    """
    current: list[str] = []
    start = 0
    lines = text.lstrip("\ufeff").splitlines() if isinstance(text, str) else text
    for number, raw in enumerate(lines, start=1):
        line = _standard_tag(raw.rstrip().lstrip("\ufeff") if number == 1 else raw.rstrip())
        tag = _tag(line)
        if tag == "TY":
            if current:  # a record without `ER  -`: keep what was read
                yield RisRecord(start, tuple(current))
            current, start = [line], number
        elif current:
            current.append(line)
            if tag == "ER":
                yield RisRecord(start, tuple(current))
                current = []
    if current:
        yield RisRecord(start, tuple(current))


def _standard_tag(line: str) -> str:
    if len(line) >= 4 and line[2:4] == " -" and line[4:5] in ("", " ") and _TAG.match(line):
        return f"{line[:2]}  -{line[4:]}"
    return line


def _tag(line: str) -> str | None:
    match = _TAG.match(line)
    return match.group(1) if match else None


def parse_ris(text: str | Iterable[str], source_file: str) -> ParseResult:
    """Parse RIS `text` into papers; unparsable or untitled records become problems."""
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    for record in split_records(text):
        fields = _load_record(record)
        if fields is None:
            problems.append(
                ParseProblem(source_file, record.line, "unreadable RIS record, skipped")
            )
            continue
        paper = _to_paper(fields, record, source_file)
        if paper is None:
            problems.append(ParseProblem(source_file, record.line, "record has no title, skipped"))
        else:
            papers.append(paper)
    return ParseResult(tuple(papers), tuple(problems))


def _load_record(record: RisRecord) -> dict[str, Any] | None:
    text = record.raw
    if _tag(record.lines[-1]) != "ER":
        text += "\nER  - "  # rispy drops a record that is not closed
    try:
        entries = rispy.loads(text)
    except Exception:  # rispy raises assorted errors on malformed input
        return None
    return entries[0] if len(entries) == 1 else None


def _arxiv_id(fields: dict[str, Any], urls: list[str]) -> str | None:
    for url in urls:
        if "arxiv.org" in url.lower() and (found := normalize_arxiv(url)):
            return found
    for note in stripped_strings(fields, "notes", "note", "accession_number", "number"):
        if "arxiv" in note.lower() and (found := normalize_arxiv(note)):
            return found
    return None


def _to_paper(fields: dict[str, Any], record: RisRecord, source_file: str) -> Paper | None:
    # ST (short title) only when the record has no other: better than dropping the record.
    title = joined_text(fields, "title", "primary_title", "short_title")
    if not title:
        return None
    urls = stripped_strings(fields, "urls")
    return make_paper(
        title=title,
        abstract=joined_text(fields, "abstract", "notes_abstract"),
        authors=list(dict.fromkeys(stripped_strings(fields, "authors", "first_authors"))),
        year=joined_text(fields, "year", "publication_year", "date"),
        venue=joined_text(
            fields,
            "alternate_title3",  # JF
            "journal_name",  # JO
            "secondary_title",  # T2
            "alternate_title2",  # JA
            "alternate_title1",  # J2
        ),
        doi=joined_text(fields, "doi"),
        arxiv_id=_arxiv_id(fields, urls),
        url=urls[0] if urls else None,
        source_file=source_file,
        source_format=FORMAT,
        keywords=stripped_strings(fields, "keywords"),
        item_type=joined_text(fields, "type_of_reference"),
        raw_entry=record.raw,
        line=record.line,
    )
