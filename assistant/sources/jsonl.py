"""JSON Lines: one JSON object per line (scraper dumps, arXiv/Semantic Scholar exports).

Keys (case-insensitive): `title`; `abstract`, else `summary` or `text`; `authors`/`author`
as a list (of strings or `{"name": ...}` objects) or one string "A and B" / "A; B";
`year` (or `date`/`published`); `venue`/`journal`; `doi`; `arxiv_id`/`arxiv`/`eprint`;
`url`; `id`/`citekey`.  Blank lines are ignored; a line that is not a JSON object or has no
title is reported with its line number and skipped, the rest is kept.  `raw_entry` is the
line as written.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.sources.fields import as_text, first_of, split_authors
from assistant.sources.identity import make_paper
from assistant.types import Paper, ParseProblem, ParseResult

FORMAT = "jsonl"


def parse_jsonl(text: str, source_file: str) -> ParseResult:
    """Parse JSON Lines `text` into papers, one per non-blank line."""
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(ParseProblem(source_file, number, f"invalid JSON: {exc.msg}"))
            continue
        if not isinstance(record, dict):
            problems.append(ParseProblem(source_file, number, "line is not a JSON object"))
            continue
        paper = record_to_paper(record, source_file, line=number, raw=line.strip())
        if paper is None:
            problems.append(ParseProblem(source_file, number, "record has no title, skipped"))
        else:
            papers.append(paper)
    return ParseResult(tuple(papers), tuple(problems))


def record_to_paper(
    record: dict[str, Any], source_file: str, *, line: int, raw: str
) -> Paper | None:
    """One JSON object as a Paper, or None when it has no title."""
    fields = {str(key).strip().lower(): value for key, value in record.items()}
    title = as_text(first_of(fields, "title"))
    if not title:
        return None
    return make_paper(
        title=title,
        abstract=as_text(first_of(fields, "abstract", "summary", "text")),
        authors=_authors(first_of(fields, "authors", "author")),
        year=as_text(first_of(fields, "year", "date", "published")),
        venue=as_text(first_of(fields, "venue", "journal", "booktitle")),
        doi=as_text(first_of(fields, "doi")),
        arxiv_id=as_text(first_of(fields, "arxiv_id", "arxiv", "eprint")),
        url=as_text(first_of(fields, "url", "link")),
        source_file=source_file,
        source_format=FORMAT,
        citekey=_citekey(fields),
        raw_entry=raw,
        line=line,
    )


def _authors(value: object) -> tuple[str, ...]:
    if isinstance(value, list):  # [{"name": "A"}] as in Semantic Scholar dumps
        value = [item.get("name", "") if isinstance(item, dict) else item for item in value]
    return split_authors(value)


def _citekey(fields: dict[str, Any]) -> str | None:
    """`citekey`, else a string `id` (numeric ids are database rows, not citekeys)."""
    value = first_of(fields, "citekey", "citation_key", "id")
    return value.strip() if isinstance(value, str) else None
