"""JSON Lines: one JSON object per line (scraper dumps, arXiv/Semantic Scholar exports).

Keys (case-insensitive): `title`; `abstract`, else `summary` or `text`; `authors`/`author`
as a list (of strings or `{"name": ...}` objects) or one string "A and B" / "A; B";
`year` (or `date`/`published`); `venue`/`journal`; `doi`; `arxiv_id`/`arxiv`/`eprint`;
`url`; `id`/`citekey`.  Blank lines are ignored; a line that is not a JSON object or has no
title is reported with its line number and skipped, the rest is kept (one line nested too
deeply is one problem).  The file is read line by line.  `raw_entry` is the
line as written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from assistant.sources.fields import as_text, first_of, split_authors
from assistant.sources.identity import make_paper
from assistant.types import Paper, ParseProblem, ParseResult

FORMAT = "jsonl"


def parse_jsonl(text: str | Iterable[str], source_file: str) -> ParseResult:
    """Parse JSON Lines into papers, one per non-blank line (a string, or the file's lines)."""
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    lines = text.lstrip("\ufeff").splitlines() if isinstance(text, str) else text
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(ParseProblem(source_file, number, f"invalid JSON: {exc.msg}"))
            continue
        except RecursionError:
            problems.append(ParseProblem(source_file, number, "JSON nested too deeply to read"))
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
        keywords=_keywords(first_of(fields, "keywords", "keyword", "tags")),
        item_type=as_text(first_of(fields, "type", "item_type")),
        citekey=_citekey(fields),
        raw_entry=raw,
        line=line,
    )


def _authors(value: object) -> tuple[str, ...]:
    if isinstance(value, list):  # [{"name": "A"}] as in Semantic Scholar dumps
        names = [item.get("name") if isinstance(item, dict) else item for item in value]
        # `{"name": null}` is no author (not one called "None").
        value = [name for name in names if isinstance(name, str | int | float) and name != ""]
    return split_authors(value)


def _citekey(fields: dict[str, Any]) -> str | None:
    """`citekey`, else a string `id` (numeric ids are database rows, not citekeys)."""
    value = first_of(fields, "citekey", "citation_key", "id")
    return value.strip() if isinstance(value, str) else None


def _keywords(value: object) -> list[str]:
    """A list of keywords, or one string of them separated by ";"."""
    if isinstance(value, list):
        return [str(item) for item in value if isinstance(item, str | int | float)]
    return [value] if isinstance(value, str) else []
