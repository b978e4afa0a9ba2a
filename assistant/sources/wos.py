"""Web of Science plain-text exports (`savedrecs.txt`, `.isi`, `.ciw`; also named `.ris`).

`FN Clarivate Analytics Web of Science` / `VR 1.0` headers, then records from `PT J` to `ER`,
a two-letter tag, one space and the value, continuation lines indented by three spaces
(one author per line under `AU`/`AF`).  Records are cut here (so each keeps its lines and
first line) and each is read by rispy's `WokParser`.  Fields: `TI`, `AB`, authors from `AF`
(full names) else `AU`, plus `CA` group authors, `PY` (else `EA`/`PD`), the venue from `SO`
(else `CT`, the conference), `DI` DOI, and the record's `UT` accession as a Web of Science URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from rispy import WokParser

from assistant.sources.fields import joined_text, stripped_strings
from assistant.sources.identity import make_paper, normalize_arxiv
from assistant.sources.tagged import TaggedRecord
from assistant.types import Paper, ParseProblem, ParseResult

FORMAT = "wos"

_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: |$)")


def split_records(lines: Iterable[str]) -> Iterator[TaggedRecord]:
    """Records from `PT` to `ER` (a record without `ER` ends at the next `PT`)."""
    record: TaggedRecord | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n").rstrip()
        if number == 1:
            line = line.lstrip("\ufeff")
        match = _TAG.match(line)
        tag = match.group(1) if match else None
        if tag == "PT":
            if record is not None:
                yield record
            record = TaggedRecord(line=number)
        if record is None:
            continue
        record.lines.append(line)
        if tag == "ER":
            yield record
            record = None
    if record is not None:
        yield record


def parse_wos(text: str | Iterable[str], source_file: str) -> ParseResult:
    """Papers from Web of Science plain text (a string, or the file's lines)."""
    lines = text.splitlines() if isinstance(text, str) else text
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    for record in split_records(lines):
        body = record.lines if record.lines[-1].startswith("ER") else [*record.lines, "ER"]
        try:
            entries = WokParser().parse_lines(iter(body))
        except Exception:  # rispy raises assorted errors on malformed input
            entries = []
        if len(entries) != 1:
            problems.append(ParseProblem(source_file, record.line, "unreadable record, skipped"))
            continue
        paper = _to_paper(entries[0], record, source_file)
        if paper is None:
            problems.append(ParseProblem(source_file, record.line, "record has no title, skipped"))
        else:
            papers.append(paper)
    return ParseResult(tuple(papers), tuple(problems))


def _to_paper(fields: dict[str, Any], record: TaggedRecord, source_file: str) -> Paper | None:
    title = joined_text(fields, "document_title")
    if not title:
        return None
    authors = stripped_strings(fields, "author_full_name") or stripped_strings(fields, "authors")
    authors += [name for name in stripped_strings(fields, "group_authors") if name not in authors]
    accession = joined_text(fields, "accession_number")
    arxiv = None
    if accession and accession.upper().startswith("ARXIV:"):
        arxiv = normalize_arxiv(accession)
    return make_paper(
        title=title,
        abstract=joined_text(fields, "abstract"),
        authors=authors,
        year=joined_text(fields, "publication_year", "early_access_year", "publication_date"),
        venue=joined_text(fields, "publication_name", "conference_title"),
        doi=joined_text(fields, "doi"),
        arxiv_id=arxiv,
        url=(
            f"https://www.webofscience.com/wos/woscc/full-record/{accession}"
            if accession and not arxiv
            else None
        ),
        source_file=source_file,
        source_format=FORMAT,
        keywords=stripped_strings(fields, "author_keywords")
        + stripped_strings(fields, "keywords_plus"),
        item_type=joined_text(fields, "document_type"),
        raw_entry=record.raw,
        line=record.line,
    )
