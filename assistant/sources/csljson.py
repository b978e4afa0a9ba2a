"""CSL-JSON files, as exported by Zotero ("Export Collection..." > CSL JSON) and Better BibTeX.

A JSON list of objects with `title`, `abstract`, `author` (`{family, given}`, with an optional
`non-dropping-particle`, or `{literal}`), `issued` (`{"date-parts": [[2021, 3]]}`,
`{"raw": "2021"}` or `{"literal": ...}`), `container-title` (or `event-title`), `DOI`, `URL`,
`number` (Zotero puts `arXiv:2103.00020` there for preprints) and `id`.

`raw_entry` is the object re-serialised with `json.dumps(..., ensure_ascii=False)`; `citekey`
is the `id` when it looks like a citekey (`smith2021`), not a Zotero item URI or a number.
Each item is cut out and decoded on its own (`jsondoc`): an item that is invalid, nested too
deeply, not an object or without a title is a problem at its line and the others are kept.
A single top-level object is read as a list of one; Crossref and OpenAlex works in the same
file are read by their own readers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from assistant.sources.identity import clean_keywords, make_paper, normalize_arxiv
from assistant.sources.jsondoc import JsonStream
from assistant.sources.markup import strip_markup
from assistant.types import Paper, ParseProblem, ParseResult

FORMAT = "csljson"

_CITEKEY = re.compile(r"^[A-Za-z][\w:.+\-]*$")


def parse_csljson(text: str | Iterable[str], source_file: str) -> ParseResult:
    """Parse a JSON document of CSL items (its text, or blocks of it), each item on its own.

    The same `.json` may hold Crossref or OpenAlex works (API responses saved to a file):
    each item is read by the reader of its shape, so nothing is gutted by a CSL reading.
    """
    return ParseResult.collect(iter_csljson(text, source_file))


def iter_csljson(text: str | Iterable[str], source_file: str) -> Iterator[Paper | ParseProblem]:
    """`parse_csljson` item by item, reading the document as a stream (`jsondoc.JsonStream`)."""
    # Imported here: crossref and openalex import this module's CSL helpers.
    from assistant.sources import crossref, openalex

    stream = JsonStream([text] if isinstance(text, str) else text)
    for record in stream:
        if record.error is not None:
            yield ParseProblem(
                source_file, record.line, f"item {record.index} skipped: {record.error}"
            )
            continue
        item = record.value
        if not isinstance(item, dict):
            yield ParseProblem(source_file, record.line, f"item {record.index} is not an object")
            continue
        if openalex.is_openalex_work(item):
            paper = openalex.work_to_paper(item, source_file, line=record.line)
        elif crossref.is_crossref_work(item) or stream.shape.startswith("message"):
            paper = crossref.work_to_paper(item, source_file, line=record.line)
        else:
            paper = item_to_paper(item, source_file, line=record.line)
        if paper is None:
            yield ParseProblem(
                source_file, record.line, f"item {record.index} has no title, skipped"
            )
        else:
            yield paper
    if stream.error:
        yield ParseProblem(source_file, stream.error_line, stream.error)


def item_to_paper(
    item: dict[str, Any], source_file: str, *, line: int | None = None
) -> Paper | None:
    """One CSL item as a Paper, or None when it has no title.

    CSL rich text (`<i>`, `<b>`, `<sup>`, `<span class="nocase">`) is removed from the
    title and abstract; the item as written stays in `raw_entry`.
    """
    title = strip_markup(_string(item.get("title")))
    if not title:
        return None
    url = _string(item.get("URL") or item.get("url"))
    author_field = item.get("author")
    authors: list[Any] = author_field if isinstance(author_field, list) else []
    editor_field = item.get("editor")
    if not authors and isinstance(editor_field, list):  # an edited book: its editors
        authors = editor_field
    return make_paper(
        title=title,
        abstract=strip_markup(_string(item.get("abstract"))),
        authors=[name for name in map(csl_name, authors) if name],
        year=csl_year(item.get("issued")),
        venue=strip_markup(_string(item.get("container-title") or item.get("event-title"))) or None,
        doi=_string(item.get("DOI") or item.get("doi")),
        arxiv_id=_arxiv_id(item),
        url=url,
        source_file=source_file,
        source_format=FORMAT,
        keywords=clean_keywords([_string(item.get("keyword")) or ""], ",;"),
        item_type=_string(item.get("type")),
        citekey=_citekey(item.get("id")),
        raw_entry=json.dumps(item, ensure_ascii=False),
        line=line,
    )


def csl_name(name: object) -> str | None:
    """`{"family": "Smith", "given": "J."}` -> "Smith, J."; `{"literal": ...}` as is."""
    if isinstance(name, str):
        return name.strip() or None
    if not isinstance(name, dict):
        return None
    if literal := _string(name.get("literal")):
        return literal
    family = " ".join(
        part
        for part in (_string(name.get("non-dropping-particle")), _string(name.get("family")))
        if part
    )
    given = _string(name.get("given"))
    if family and given:
        return f"{family}, {given}"
    return family or given


def csl_year(issued: object) -> int | str | None:
    """The year of a CSL date: `date-parts`, `raw`, `literal`, a plain string/number, or the
    older list of `{year, month, day}` mappings (Better BibTeX and pandoc CSL-YAML)."""
    if isinstance(issued, int | str):
        return issued
    if isinstance(issued, list) and issued:  # CSL-YAML's older `issued: [{year: 2016}]`
        return csl_year(issued[0])
    if not isinstance(issued, dict):
        return None
    if isinstance(issued.get("year"), int | str):  # the same, one date as a mapping
        return issued["year"]
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = parts[0][0]
        if isinstance(first, int | str):
            return first
    return _string(issued.get("raw")) or _string(issued.get("literal"))


def _arxiv_id(item: dict[str, Any]) -> str | None:
    for key in ("number", "archive_location", "note"):
        value = _string(item.get(key))
        if value and "arxiv" in value.lower() and (found := normalize_arxiv(value)):
            return found
    return None


def _citekey(value: object) -> str | None:
    if isinstance(value, str) and "://" not in value and _CITEKEY.match(value.strip()):
        return value.strip()
    return None


def _string(value: object) -> str | None:
    if isinstance(value, list):  # some tools emit container-title as a list
        value = value[0] if value else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return (value.strip() or None) if isinstance(value, str) else None
