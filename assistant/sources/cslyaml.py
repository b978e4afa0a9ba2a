"""CSL-YAML: CSL items in YAML (pandoc's `references:` front matter, Zotero/BBT's export).

Either a YAML list of items or a mapping with a `references` list, optionally between
`---` markers.  Items are read like CSL-JSON (`csljson.item_to_paper`); YAML turns a bare
`issued: 2019-03-01` into a date, which is read as its year.  YAML is parsed with PyYAML's
safe loader (no arbitrary objects).  When the whole document does not parse, each top-level
item (`- id: ...`) is parsed on its own, so one broken item is one problem at its line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import yaml

from assistant.sources.csljson import item_to_paper
from assistant.types import Paper, ParseProblem, ParseResult

FORMAT = "cslyaml"

_ITEM_START = re.compile(r"^(\s*)- ", re.MULTILINE)


def parse_cslyaml(text: str, source_file: str) -> ParseResult:
    """Papers from a CSL-YAML document."""
    text = text.lstrip("\ufeff")
    try:
        documents = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except (yaml.YAMLError, RecursionError, ValueError):
        return _parse_items_one_by_one(text, source_file)
    items: list[Any] = []
    for document in documents:
        items.extend(_items(document))
    starts = _item_lines(text)
    lines = starts if len(starts) == len(items) else [None] * len(items)
    return _to_result(list(zip(lines, items, strict=True)), source_file, [])


def _items(document: Any) -> list[Any]:
    if isinstance(document, dict):
        references = document.get("references")
        if isinstance(references, list):
            return references
        return [document] if "title" in document else []
    return document if isinstance(document, list) else []


def _item_lines(text: str) -> list[int | None]:
    """1-based lines of the top-level list items (the least indented `- `)."""
    matches = list(_ITEM_START.finditer(text))
    if not matches:
        return []
    indent = min(len(m.group(1)) for m in matches)
    return [text.count("\n", 0, m.start()) + 1 for m in matches if len(m.group(1)) == indent]


def _parse_items_one_by_one(text: str, source_file: str) -> ParseResult:
    matches = [m for m in _ITEM_START.finditer(text)]
    if not matches:
        problem = ParseProblem(source_file, None, "not valid YAML")
        return ParseResult((), (problem,))
    indent = min(len(m.group(1)) for m in matches)
    starts = [m.start() for m in matches if len(m.group(1)) == indent]
    pairs: list[tuple[int | None, Any]] = []
    problems: list[ParseProblem] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        chunk = text[start:end]
        line = text.count("\n", 0, start) + 1
        try:
            loaded = yaml.safe_load(_dedent(chunk, indent))
        except (yaml.YAMLError, RecursionError, ValueError) as exc:
            reason = getattr(exc, "problem", None) or "not valid YAML"
            problems.append(ParseProblem(source_file, line, f"item skipped: {reason}"))
            continue
        for item in loaded if isinstance(loaded, list) else []:
            pairs.append((line, item))
    return _to_result(pairs, source_file, problems)


def _dedent(chunk: str, indent: int) -> str:
    return "\n".join(
        line[indent:] if line[:indent].isspace() else line for line in chunk.split("\n")
    )


def _to_result(
    pairs: list[tuple[int | None, Any]], source_file: str, problems: list[ParseProblem]
) -> ParseResult:
    papers: list[Paper] = []
    for index, (line, item) in enumerate(pairs):
        if not isinstance(item, dict):
            problems.append(ParseProblem(source_file, line, f"item {index} is not a mapping"))
            continue
        item = _jsonable(item)
        paper = item_to_paper(item, source_file)
        if paper is None:
            problems.append(ParseProblem(source_file, line, f"item {index} has no title, skipped"))
            continue
        papers.append(_with_format(paper, line))
    return ParseResult(tuple(papers), tuple(problems))


def _jsonable(value: Any) -> Any:
    """YAML's dates as ISO strings, so the item reads like CSL-JSON and can be serialised."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _with_format(paper: Paper, line: int | None) -> Paper:
    return dataclasses.replace(paper, source_format=FORMAT, line=line)
