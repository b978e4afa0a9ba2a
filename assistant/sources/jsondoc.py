"""JSON documents cut into records before decoding, so one bad record cannot sink its file.

The JSON files litassist reads are lists of records in a few shapes: a top-level list
(CSL-JSON, Crossref `items` saved bare), `{"message": {...}}` (one Crossref work),
`{"message": {"items": [...]}}` (a Crossref list), `{"meta": ..., "results": [...]}` (an
OpenAlex list), `{"items": [...]}`, or one object (an OpenAlex work).  `JsonStream` reads the
text in blocks with a tokenizer that tracks brackets iteratively (no recursion, so a deeply
nested record does not overflow the stack here), releases each record as soon as it closes
and drops the text behind it, so a large list is never held whole; each record is then
decoded on its own: a record nested too deeply, with a lone `\\ud800` escape or a syntax
error is one problem at its line, and every other record is still read.  The standard `json`
module cannot do this itself (it decodes a whole document or nothing) and `ijson` reports
neither a record's text nor its line, hence the scanner.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

# A string as one run of plain characters between escapes ("unrolled"): `(?:[^"\\]|\\.)*`
# would keep regex state per character, hundreds of MB for one 4 MB abstract.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]')
# Keys under which API responses and exports keep their list of records.
LIST_KEYS = ("items", "results", "data", "records")
_MAX_PATH = 3  # record spans are kept for containers at most this deep
TRIM_CHARS = 1 << 20  # text no record needs is dropped once this much has piled up


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
    start: int  # absolute offset of the bracket
    key: str | None = None
    index: int = 0
    element_start: int = 0  # absolute offset after the "[" or the last ","
    has_element: bool = False


def _candidate(path: tuple[str | int, ...], top: str) -> bool:
    """Whether an array at `path` holds the records (a top-level list, `items`, `results`...)."""
    if top == "[":
        return path == ()
    return (len(path) == 1 and path[0] in LIST_KEYS) or (
        len(path) == 2 and path[0] == "message" and path[1] in LIST_KEYS
    )


class JsonStream:
    """The records of a JSON document read from text blocks, each released once it closes.

    Iterating yields `JsonRecord`s in order; afterwards `shape`, `error` and `error_line`
    describe the document (see `JsonDocument`).  Only the text of the record being read is
    kept once the records' array is known, so a large file is never held whole; before that
    (the `meta` of an OpenAlex page, a single work) the text read so far is kept.
    """

    def __init__(self, blocks: Iterable[str]) -> None:
        self._blocks = iter(blocks)
        self.shape = "list"
        self.error: str | None = None
        self.error_line: int | None = None
        self._buf = ""
        self._base = 0  # absolute offset of _buf[0]
        self._line_pos = 0  # absolute offset whose line is _line
        self._line = 1
        self._index = 0
        self._record_path: tuple[str | int, ...] | None = None
        self._top_objects: list[tuple[int, int]] = []  # closed top-level objects (JSON Lines)
        self._message: tuple[int, int] | None = None

    # -- positions ------------------------------------------------------------------------

    def _text(self, start: int, end: int) -> str:
        return self._buf[start - self._base : end - self._base]

    def _line_at(self, pos: int) -> int:
        if pos < self._line_pos:
            return self._line - self._text(pos, self._line_pos).count("\n")
        self._line += self._text(self._line_pos, pos).count("\n")
        self._line_pos = pos
        return self._line

    def _trim(self, keep_from: int) -> None:
        if keep_from - self._base > TRIM_CHARS:  # drop what no record needs any more
            self._line_at(keep_from)
            self._buf = self._buf[keep_from - self._base :]
            self._base = keep_from

    # -- records --------------------------------------------------------------------------

    def _record(self, start: int, end: int) -> JsonRecord:
        chunk = self._text(start, end)
        raw = chunk.strip()
        offset = start + (len(chunk) - len(chunk.lstrip()))
        record = JsonRecord(index=self._index, line=self._line_at(offset), raw=raw)
        self._index += 1
        if not raw:
            record.error = "empty element"
            return record
        try:
            record.value = json.loads(raw)
        except RecursionError:
            record.error = "nested too deeply to read"
        except json.JSONDecodeError as exc:
            record.error = f"invalid JSON: {exc.msg}"
            record.line += raw.count("\n", 0, exc.pos)
        return record

    def _needed(self, stack: list[_Frame], pos: int) -> int:
        """The first offset a record still needs; `pos` when nothing is kept for later."""
        if self.shape == "lines":
            return stack[0].start if stack else pos
        if self._record_path is None:
            return self._base  # the document may be a single record: keep it all
        for frame in stack:
            if frame.path == self._record_path:
                return frame.element_start
        return pos

    def _fail(self, message: str, pos: int) -> None:
        self.error = message
        self.error_line = self._line_at(pos) if pos else 1

    def __iter__(self) -> Iterator[JsonRecord]:
        stack: list[_Frame] = []
        deep = 0  # depth beyond _MAX_PATH, only counted
        top = ""  # "[" or "{": the first top-level bracket
        closed_top = False
        pos = 0  # absolute offset scanned up to
        at_end = False
        first = True
        while True:
            block = next(self._blocks, None)
            if block is None:
                at_end = True
            else:
                if first:
                    block = block.lstrip("\ufeff")
                    first = False
                self._buf += block
            end = self._base + len(self._buf)
            scan_from = pos
            for match in _TOKEN.finditer(self._buf, pos - self._base):
                gap = self._buf[scan_from - self._base : match.start()]
                if '"' in gap:  # a string not closed yet: wait for the next block
                    break
                scan_from = match.end() + self._base
                start = match.start() + self._base
                pos = match.end() + self._base
                token = match.group()
                char = token[0]
                if closed_top:
                    if char != "{":
                        self._fail("extra data after the JSON value", start)
                        return
                    closed_top = False  # another top-level object: JSON Lines saved as .json
                    self.shape = "lines"
                    for span in self._top_objects:
                        yield self._record(*span)
                    self._top_objects = []
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
                        self._fail("unexpected ','", start)
                        return
                    if frame.kind == "[":
                        if frame.path == self._record_path:
                            yield self._record(frame.element_start, start)
                        frame.index += 1
                        frame.element_start = pos
                        frame.has_element = False
                    else:
                        frame.key = None
                    continue
                if char in "{[":
                    if frame is None:
                        path: tuple[str | int, ...] = ()
                        top = top or char
                    elif frame.kind == "[":
                        frame.has_element = True
                        path = (*frame.path, frame.index)
                    else:
                        path = (*frame.path, frame.key or "")
                    if len(path) >= _MAX_PATH:
                        deep = 1
                        continue
                    stack.append(_Frame(char, path, start, element_start=pos))
                    if char == "[" and self._record_path is None and _candidate(path, top):
                        self._record_path = path
                        self.shape = "/".join(map(str, path)) or "list"
                    continue
                # a closing bracket
                if frame is None or (char == "]") != (frame.kind == "["):
                    self._fail(f"unexpected '{char}'", start)
                    return
                stack.pop()
                if frame.kind == "[" and frame.path == self._record_path:
                    between = self._text(frame.element_start, start)
                    if frame.has_element or between.strip():
                        yield self._record(frame.element_start, start)
                if frame.path == ("message",) and frame.kind == "{":
                    self._message = (frame.start, pos)
                if not stack:
                    if self.shape == "lines":
                        yield self._record(frame.start, pos)
                    elif top == "{":
                        self._top_objects.append((frame.start, pos))
                    closed_top = True
            self._trim(min(self._needed(stack, pos), scan_from))
            if at_end:
                break
        if self._record_path is None and self.shape != "lines" and top == "{" and not stack:
            if self._message is not None and self._text(*self._message).lstrip()[:1] == "{":
                self.shape = "message"
                yield self._record(*self._message)
            elif self._top_objects:
                self.shape = "object"
                yield self._record(*self._top_objects[0])
        if '"' in self._buf[scan_from - self._base :] or stack or deep:
            self._fail("the file ends inside a JSON value (truncated?)", end)
        elif top == "" and self._buf.strip():
            self._fail("not a JSON list or object", 0)


def json_records(text: str | Iterable[str]) -> JsonDocument:
    """The records of a JSON document (its text, or blocks of it), each decoded on its own."""
    stream = JsonStream([text] if isinstance(text, str) else text)
    document = JsonDocument(records=list(stream))
    document.error, document.error_line, document.shape = (
        stream.error,
        stream.error_line,
        stream.shape,
    )
    return document


def iter_values(document: JsonDocument) -> Iterator[tuple[JsonRecord, Any]]:
    """The decoded records (value, record); undecodable ones are skipped."""
    for record in document.records:
        if record.error is None:
            yield record, record.value
