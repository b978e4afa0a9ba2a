"""Line-tagged export formats cut into records: MEDLINE/nbib, EndNote `.enw`, RefWorks.

Each of these writes one field per line behind a short tag (`TI  - `, `%T `, `T1 `),
continues long values on indented or untagged lines, and separates records with a blank
line or a start tag.  `split_tagged` reads an iterable of lines (a file is read line by
line, never whole) and yields each record's fields with its first line and original text;
`parse_tagged` maps each record with its format's `record_to_paper` and reports a record
without a title at its line.

MEDLINE and the EndNote/RefWorks tagged formats have no maintained Python reader (the
`nbib` package on PyPI has had no release since 2021 and reads MEDLINE only), and each takes
a dozen lines here, so they are hand-written; RIS and Web of Science go through rispy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from assistant.types import Paper, ParseProblem, ParseResult


@dataclass
class TaggedRecord:
    line: int  # 1-based line of the record's first tag
    fields: list[tuple[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)

    def values(self, *tags: str) -> list[str]:
        """Every value of the first of `tags` that occurs (in file order)."""
        for tag in tags:
            found = [value for name, value in self.fields if name == tag and value]
            if found:
                return found
        return []

    def first(self, *tags: str) -> str | None:
        values = self.values(*tags)
        return values[0] if values else None


@dataclass(frozen=True)
class TaggedDialect:
    """How one tagged format writes a field line.

    `tag_line` matches a tagged line with groups (tag, value); `start` is the tag that opens
    a record; `end` a tag that closes one (None: records end at a blank line or the next
    start tag); a line that is neither tagged nor blank continues the previous value.
    """

    tag_line: re.Pattern[str]
    start: str
    end: str | None = None


MEDLINE = TaggedDialect(re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,3}- ?(.*)$"), start="PMID")
ENDNOTE = TaggedDialect(re.compile(r"^%([0-9A-Z@!#$&()*+^~>\[\]|?])(?: (.*))?$"), start="0")
REFWORKS = TaggedDialect(re.compile(r"^([A-Z][A-Z0-9]) (.*)$"), start="RT")


def split_tagged(lines: Iterable[str], dialect: TaggedDialect) -> Iterator[TaggedRecord]:
    """Records of a tagged file; text before the first start tag is ignored."""
    record: TaggedRecord | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n").rstrip()
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            if record is not None and dialect.end is None and record.fields:
                yield record
                record = None
            continue
        match = dialect.tag_line.match(line)
        if match and match.group(1) == dialect.start:
            if record is not None and record.fields:
                yield record
            record = TaggedRecord(line=number)
        if record is None:
            continue
        record.lines.append(line)
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if dialect.end is not None and tag == dialect.end:
                yield record
                record = None
                continue
            record.fields.append((tag, value))
        elif record.fields:  # a continuation line
            tag, value = record.fields[-1]
            record.fields[-1] = (tag, f"{value} {line.strip()}".strip())
    if record is not None and record.fields:
        yield record


def parse_tagged(
    text: str | Iterable[str],
    source_file: str,
    dialect: TaggedDialect,
    record_to_paper: Callable[[TaggedRecord, str], Paper | None],
) -> ParseResult:
    """Papers from tagged text (a string, or the file's lines), one problem per untitled record."""
    lines = text.splitlines() if isinstance(text, str) else text
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    for record in split_tagged(lines, dialect):
        paper = record_to_paper(record, source_file)
        if paper is None:
            problems.append(ParseProblem(source_file, record.line, "record has no title, skipped"))
        else:
            papers.append(paper)
    return ParseResult(tuple(papers), tuple(problems))
