"""Works from a scholarly API (Crossref, OpenAlex) read into Papers one at a time.

Both APIs answer with one work or a list of works, saved to a file or decoded from a
response.  Each reader maps a single work (`work_to_paper`); the walk over the list is the
same for both and lives here: a work that could not be decoded, is not an object or has no
title is one problem at its line, and every other work is still read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from assistant.sources.jsondoc import json_records
from assistant.types import Paper, ParseProblem, ParseResult


class WorkToPaper(Protocol):
    """A reader's mapping of one decoded work (None: the work has no title)."""

    def __call__(
        self, work: dict[str, Any], source_file: str, /, *, line: int | None = None
    ) -> Paper | None: ...


def parse_work_items(
    items: Iterable[object], source_file: str, work_to_paper: WorkToPaper
) -> ParseResult:
    """Papers from already decoded works (an API response), one problem per bad work."""
    reader = _WorkReader(source_file, work_to_paper)
    for index, item in enumerate(items):
        reader.add(item, index, None)
    return reader.result()


def parse_work_text(text: str, source_file: str, work_to_paper: WorkToPaper) -> ParseResult:
    """Papers from the text of a response, each work decoded on its own (`jsondoc`)."""
    document = json_records(text)
    reader = _WorkReader(source_file, work_to_paper)
    for record in document.records:
        if record.error is not None:
            reader.problems.append(
                ParseProblem(
                    source_file, record.line, f"work {record.index} skipped: {record.error}"
                )
            )
            continue
        reader.add(record.value, record.index, record.line)
    if document.error:
        reader.problems.append(ParseProblem(source_file, document.error_line, document.error))
    return reader.result()


class _WorkReader:
    """The papers and problems of one response, gathered in order."""

    def __init__(self, source_file: str, work_to_paper: WorkToPaper) -> None:
        self.source_file = source_file
        self.work_to_paper = work_to_paper
        self.papers: list[Paper] = []
        self.problems: list[ParseProblem] = []

    def add(self, item: object, index: int, line: int | None) -> None:
        if not isinstance(item, dict):
            self.problems.append(
                ParseProblem(self.source_file, line, f"work {index} is not an object, skipped")
            )
            return
        paper = self.work_to_paper(item, self.source_file, line=line)
        if paper is None:
            self.problems.append(
                ParseProblem(self.source_file, line, f"work {index} has no title, skipped")
            )
        else:
            self.papers.append(paper)

    def result(self) -> ParseResult:
        return ParseResult(tuple(self.papers), tuple(self.problems))
