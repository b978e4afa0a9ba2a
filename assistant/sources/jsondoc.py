"""JSON documents cut into records before decoding, so one bad record cannot sink its file.

The JSON files litassist reads are lists of records in a few shapes: a top-level list
(CSL-JSON, Crossref `items` saved bare), `{"message": {...}}` (one Crossref work),
`{"message": {"items": [...]}}` (a Crossref list), `{"meta": ..., "results": [...]}` (an
OpenAlex list), `{"items": [...]}`, or one object (an OpenAlex work).  `json_records` scans the
text once with a tokenizer that tracks brackets iteratively (no recursion, so a deeply nested
record does not overflow the stack here), finds each record's span, and only then decodes
each record on its own: a record nested too deeply, with a lone `\\ud800` escape or a syntax
error is one problem at its line, and every other record is still read.  The standard `json`
module cannot do this itself (it decodes a whole document or nothing), hence the scanner.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')
# Keys under which API responses and exports keep their list of records.
LIST_KEYS = ("items", "results", "data", "records")
_MAX_PATH = 3  # record spans are kept for containers at most this deep
_LINES: tuple[str | int, ...] = ("\x00lines",)  # the records of a JSON Lines document


@dataclass
class JsonRecord:
    """One record: its index in its list, 1-based line, source text and decoded value.

    `value` is None and `error` says why when the record could not be decoded.
    """

    index: int
    line: int
    raw: str
    value: Any = None
    error: str | None = None


@dataclass
class JsonDocument:
    records: list[JsonRecord] = field(default_factory=list)
    # A whole-document problem (not JSON, truncated), with its line; records read before it
    # are still in `records`.
    error: str | None = None
    error_line: int | None = None
    shape: str = "list"  # "list", "object" (a single record) or the wrapper key path


@dataclass
class _Frame:
    kind: str  # "{" or "["
    path: tuple[str | int, ...]
    start: int
    key: str | None = None
    index: int = 0
    element_start: int = 0
    has_element: bool = False


def _line_counter(text: str) -> Any:
    state = {"pos": 0, "line": 1}

    def line_at(pos: int) -> int:
        if pos < state["pos"]:
            return text.count("\n", 0, pos) + 1
        state["line"] += text.count("\n", state["pos"], pos)
        state["pos"] = pos
        return state["line"]

    return line_at


def _scan(
    text: str,
) -> tuple[
    dict[tuple[str | int, ...], tuple[int, int]],
    dict[tuple[str | int, ...], list[tuple[int, int]]],
    str | None,
    int,
]:
    """Spans of shallow containers, element spans of shallow arrays, and any syntax error.

    Returns (container spans by path, element spans by array path, error, error offset).
    """
    containers: dict[tuple[str | int, ...], tuple[int, int]] = {}
    elements: dict[tuple[str | int, ...], list[tuple[int, int]]] = {}
    stack: list[_Frame] = []
    deep = 0  # depth beyond _MAX_PATH, only counted
    closed_top = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        char = token[0]
        if closed_top:
            if char != "{":
                return containers, elements, "extra data after the JSON value", match.start()
            # Another top-level object: JSON Lines saved as .json; each object is a record.
            elements.setdefault(_LINES, []).append(containers.pop(()))
            closed_top = False
        if deep:
            if char in "{[":
                deep += 1
            elif char in "}]":
                deep -= 1
            continue
        frame = stack[-1] if stack else None
        if char == '"':
            if frame is not None and frame.kind == "{" and frame.key is None:
                try:
                    frame.key = json.loads(token)
                except ValueError:
                    frame.key = ""
            elif frame is not None and frame.kind == "[":
                frame.has_element = True
            continue
        if char == ":":
            continue
        if char == ",":
            if frame is None:
                return containers, elements, "unexpected ','", match.start()
            if frame.kind == "[":
                elements.setdefault(frame.path, []).append((frame.element_start, match.start()))
                frame.index += 1
                frame.element_start = match.end()
                frame.has_element = False
            else:
                frame.key = None
            continue
        if char in "{[":
            if frame is None:
                path: tuple[str | int, ...] = ()
            elif frame.kind == "[":
                frame.has_element = True
                path = (*frame.path, frame.index)
            else:
                path = (*frame.path, frame.key or "")
            if len(path) >= _MAX_PATH:
                deep = 1
                continue
            stack.append(_Frame(char, path, match.start(), element_start=match.end()))
            continue
        # a closing bracket
        if frame is None or (char == "]") != (frame.kind == "["):
            return containers, elements, f"unexpected '{char}'", match.start()
        stack.pop()
        if frame.kind == "[":
            between = text[frame.element_start : match.start()]
            if frame.has_element or between.strip():
                elements.setdefault(frame.path, []).append((frame.element_start, match.start()))
        containers[frame.path] = (frame.start, match.end())
        if not stack:
            closed_top = True
    if _LINES in elements and () in containers:
        elements[_LINES].append(containers.pop(()))
    if stack or deep:
        return containers, elements, "the file ends inside a JSON value (truncated?)", len(text)
    if not containers and not elements and text.strip():
        return containers, elements, "not a JSON list or object", 0
    return containers, elements, None, 0


def _record_path(
    text: str,
    containers: dict[tuple[str | int, ...], tuple[int, int]],
    elements: dict[tuple[str | int, ...], list[tuple[int, int]]],
) -> tuple[str | int, ...] | None:
    """The array whose elements are the records, or None when the document is one record."""
    if _LINES in elements:
        return _LINES
    top = containers.get(())
    if text.lstrip()[:1] == "[":
        return ()  # a top-level list (when truncated, its complete elements are records)
    candidates = [("message", key) for key in LIST_KEYS] + [(key,) for key in LIST_KEYS]
    for path in candidates:
        span = containers.get(path)
        if (span is not None and text[span[0]] == "[") or (top is None and path in elements):
            return path
    return None


def json_records(text: str) -> JsonDocument:
    """The records of a JSON document, each decoded on its own (see the module docstring)."""
    text = text.lstrip("\ufeff")
    containers, elements, error, error_at = _scan(text)
    line_at = _line_counter(text)
    document = JsonDocument()
    path = _record_path(text, containers, elements)
    spans: list[tuple[int, int]]
    if path is None:
        if ("message",) in containers and text[containers[("message",)][0]] == "{":
            spans = [containers[("message",)]]
            document.shape = "message"
        elif () in containers:
            spans = [containers[()]]
            document.shape = "object"
        else:
            spans = []
    else:
        spans = elements.get(path, [])
        document.shape = "lines" if path == _LINES else ("/".join(map(str, path)) or "list")
    for index, (start, end) in enumerate(spans):
        raw = text[start:end].strip()
        offset = start + (len(text[start:end]) - len(text[start:end].lstrip()))
        record = JsonRecord(index=index, line=line_at(offset), raw=raw)
        document.records.append(record)
        if not raw:
            record.error = "empty element"
            continue
        try:
            record.value = json.loads(raw)
        except RecursionError:
            record.error = "nested too deeply to read"
        except json.JSONDecodeError as exc:
            record.error = f"invalid JSON: {exc.msg}"
            record.line = line_at(offset) + raw.count("\n", 0, exc.pos)
    if error is not None:
        document.error = error
        document.error_line = line_at(error_at) if error_at else 1
    return document


def iter_values(document: JsonDocument) -> Iterator[tuple[JsonRecord, Any]]:
    """The decoded records (value, record); undecodable ones are skipped."""
    for record in document.records:
        if record.error is None:
            yield record, record.value
