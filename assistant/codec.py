"""One wire shape per type: the dataclasses of `types.py` <-> JSON-ready dicts and flat rows.

The shapes are derived from the dataclasses, never spelled out: `to_dict` walks
`dataclasses.fields`, `from_dict` decodes each field by its type hint (tuples, nested
dataclasses, datetimes as ISO text, optionals, Literals checked), so a field added to `Paper`
reaches the stores, `--json` and the exports with no edit here or there.  Unknown keys are
ignored (what a reader-friendly view adds, or a newer litassist wrote); a missing field takes its
default; a value of the wrong type raises `CodecError` (a ValueError) naming the field.

Two flavours of the same shape:

- **dicts** (`to_dict`/`from_dict`): nested, for JSON (the conversation and comparison stores,
  `--json`, the JSON export);
- **columns** (`to_columns`/`from_columns`): one scalar per field, containers as JSON text, for
  SQLite columns (the embedded catalog).

The aggregates below (`answer_to_dict`, `comparison_to_dict`, ...) are these derived shapes with
the few deliberate choices of the stored layout: a passage carries its chunk's fields inline, an
answer's text is `answer`, a comparison lists each paper once and refers to it by id.  Their
`*_view` twins add what a reader of the JSON wants and a program can recompute (quotes, titles,
rows of cells); the stores keep the canonical shape, the views are printed and exported.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from assistant.badges import Badge, sentence_badge, source_badge
from assistant.types import (
    Answer,
    Chunk,
    Comparison,
    ComparisonCell,
    Conversation,
    Paper,
    Passage,
    Source,
)

T = TypeVar("T")
Decoder = Callable[[Any], Any]

ANSWER_SCHEMA = 1
COMPARISON_SCHEMA = 1
COMPARISON_KIND = "comparison"
CONVERSATION_KIND = "conversation"


class CodecError(ValueError):
    """A dict or row does not have the shape of the type it is read as."""


# ---- values -----------------------------------------------------------------------------------
def encode(value: Any) -> Any:
    """A value as JSON-ready data: dataclass -> dict, tuple -> list, datetime -> ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    if isinstance(value, tuple | list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def decode(hint: Any, value: Any) -> Any:
    """`value` (JSON-ready data) as the type `hint` describes; raises `CodecError`."""
    return _decoder(hint)(value)


def _fail(expected: str, value: Any) -> typing.NoReturn:
    raise CodecError(f"expected {expected}, got {value!r:.60}")


def _scalar(kind: type) -> Decoder:
    def check(value: Any) -> Any:
        if type(value) is kind:  # the common case first
            return value
        if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if kind is bool and isinstance(value, int) and value in (0, 1):  # SQLite booleans
            return bool(value)
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        _fail(kind.__name__, value)

    return check


def _datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    _fail("an ISO date and time", value)


@functools.cache
def _decoder(hint: Any) -> Decoder:
    """A decoding function per type hint, built once (catalogs decode thousands of rows)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return lambda value: value
    if origin in (typing.Union, types.UnionType):
        options = [_decoder(a) for a in args if a is not type(None)]
        optional = type(None) in args
        if optional and len(options) == 1:  # `X | None`, the common case: one test
            only = options[0]
            return lambda value: None if value is None else only(value)

        def union(value: Any) -> Any:
            if value is None and optional:
                return None
            for option in options[:-1]:
                try:
                    return option(value)
                except CodecError:
                    continue
            return options[-1](value)

        return union
    if origin is typing.Literal:

        def literal(value: Any) -> Any:
            if value not in args:
                _fail(" or ".join(repr(a) for a in args), value)
            return value

        return literal
    if origin in (tuple, list):
        if origin is tuple and args and args[-1] is not Ellipsis:  # a fixed-length tuple
            items = [_decoder(a) for a in args]

            def fixed(value: Any) -> Any:
                if not isinstance(value, list | tuple) or len(value) != len(items):
                    _fail(f"{len(items)} items", value)
                return tuple(item(v) for item, v in zip(items, value, strict=True))

            return fixed
        item = _decoder(args[0]) if args else _decoder(Any)
        make = tuple if origin is tuple else list

        def sequence(value: Any) -> Any:
            if not isinstance(value, list | tuple):
                _fail("a list", value)
            return make(item(v) for v in value)

        return sequence
    if origin is dict:
        key, item = (_decoder(a) for a in (args or (Any, Any)))

        def mapping(value: Any) -> Any:
            if not isinstance(value, Mapping):
                _fail("an object", value)
            return {key(k): item(v) for k, v in value.items()}

        return mapping
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return lambda value: from_dict(hint, value)
    if hint is datetime:
        return _datetime
    if hint in (str, int, float, bool):
        return _scalar(hint)
    raise TypeError(f"the codec cannot decode {hint!r}")  # a new kind of field: teach it here


# ---- dataclasses ------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Field:
    """What decoding needs of one field, worked out once per class (catalogs decode thousands
    of rows: the type hints are not consulted again)."""

    name: str
    hint: Any
    decode: Decoder
    required: bool  # no default: a missing value is an error
    json_column: bool  # stored as JSON text in a column (see `to_columns`)


_PLANS: dict[type, tuple[_Field, ...]] = {}


def _plan(cls: type) -> tuple[_Field, ...]:
    found = _PLANS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = _PLANS[cls] = tuple(
            _Field(
                f.name,
                hints[f.name],
                _decoder(hints[f.name]),
                f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
                column_is_json(hints[f.name]),
            )
            for f in dataclasses.fields(cls)
        )
    return found


def field_names(cls: type) -> tuple[str, ...]:
    """The names of a dataclass's fields, in declaration order."""
    return tuple(f.name for f in _plan(cls))


def field_hints(cls: type) -> dict[str, Any]:
    """Field name -> resolved type hint, in declaration order."""
    return {f.name: f.hint for f in _plan(cls)}


def to_dict(
    obj: Any, *, omit: Iterable[str] = (), rename: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """`obj` (a dataclass instance) as a JSON-ready dict, one key per field.

    `omit` leaves fields out (the caller writes them its own way); `rename` maps a field name to
    the key it is written under.
    """
    skip, names = set(omit), rename or {}
    return {
        names.get(f.name, f.name): encode(getattr(obj, f.name))
        for f in _plan(type(obj))
        if f.name not in skip
    }


_ABSENT = object()


def from_dict(
    cls: type[T], data: Mapping[str, Any], *, rename: Mapping[str, str] | None = None, **given: Any
) -> T:
    """The `cls` instance `to_dict` wrote; `given` supplies fields as values (not decoded).

    Raises `CodecError` for a missing required field or a value of the wrong type.
    """
    if not isinstance(data, Mapping):
        _fail(f"a {cls.__name__} object", data)
    values: dict[str, Any] = {}
    for f in _plan(cls):
        if given and f.name in given:
            values[f.name] = given[f.name]
            continue
        key = rename.get(f.name, f.name) if rename else f.name
        value = data.get(key, _ABSENT)
        if value is _ABSENT or (value is None and not f.required):
            if f.required:
                shown = f"{f.name} (key {key!r})" if key != f.name else f.name
                raise CodecError(f"{cls.__name__}.{shown} is missing")
            continue  # the dataclass's default: data older than the field reads unchanged
        try:
            values[f.name] = f.decode(value)
        except CodecError as exc:
            raise CodecError(f"{cls.__name__}.{f.name}: {exc}") from None
    return cls(**values)


def to_columns(obj: Any) -> dict[str, Any]:
    """`obj` as one SQLite-ready scalar per field: containers and dataclasses as JSON text."""
    row: dict[str, Any] = {}
    for f in _plan(type(obj)):
        value = encode(getattr(obj, f.name))
        if isinstance(value, list | dict):
            value = json.dumps(value, ensure_ascii=False)
        row[f.name] = value
    return row


def _optional(hint: Any) -> tuple[Any, bool]:
    """(`X`, True) for `X | None`, else (`hint`, False)."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]), True  # noqa: UP007
    return hint, False


def column_is_json(hint: Any) -> bool:
    """Whether a field of this type is stored as JSON text in a column."""
    base, _ = _optional(hint)
    origin = typing.get_origin(base) or base
    return origin in (tuple, list, dict) or dataclasses.is_dataclass(origin)


def column_type(hint: Any) -> str:
    """The SQLite type of a field's column: INTEGER, REAL or TEXT, NOT NULL unless optional."""
    base, optional = _optional(hint)
    sql = {int: "INTEGER", bool: "INTEGER", float: "REAL"}.get(base, "TEXT")
    return sql if optional else f"{sql} NOT NULL"


def from_columns(cls: type[T], row: Mapping[str, Any], **given: Any) -> T:
    """The `cls` instance `to_columns` wrote (columns the row lacks take their defaults)."""
    data = dict(row)
    for f in _plan(cls):
        value = data.get(f.name)
        if f.json_column and isinstance(value, str):
            try:
                data[f.name] = json.loads(value)
            except ValueError as exc:
                raise CodecError(f"{cls.__name__}.{f.name}: not JSON ({exc})") from None
    return from_dict(cls, data, **given)


# ---- passages and sources: a chunk's fields inline ---------------------------------------------
_CHUNK_KEYS = {"id": "chunk_id"}


def passage_to_dict(passage: Passage) -> dict[str, Any]:
    """`{chunk_id, index, text, start, end, score, dense_rank, ...}`: one flat object."""
    return {
        **to_dict(passage.chunk, omit=("paper_id",), rename=_CHUNK_KEYS),
        **to_dict(passage, omit=("chunk",)),
    }


def passage_from_dict(data: Mapping[str, Any], paper_id: str) -> Passage:
    chunk = from_dict(Chunk, {"index": 0, **data}, rename=_CHUNK_KEYS, paper_id=paper_id)
    return from_dict(Passage, {"score": 0.0, **data}, chunk=chunk)


def _answer_source(source: Source) -> dict[str, Any]:
    return {
        "number": source.number,
        "paper": to_dict(source.paper),
        "passage": passage_to_dict(source.passage),
    }


def _read_answer_source(data: Mapping[str, Any]) -> Source:
    paper = from_dict(Paper, data["paper"])
    passage = passage_from_dict(data["passage"], paper.id)
    return from_dict(Source, data, paper=paper, passage=passage)


# ---- answers ----------------------------------------------------------------------------------
_ANSWER_KEYS = {"text": "answer"}


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The stored shape of an answer: every field, each source with a snapshot of its paper
    (so a stored answer renders and exports after the paper has left the library)."""
    data = {"schema": ANSWER_SCHEMA, **to_dict(answer, omit=("sources",), rename=_ANSWER_KEYS)}
    data["sources"] = [_answer_source(s) for s in answer.sources]
    return data


def _check_schema(data: Any, what: str, newest: int) -> None:
    if not isinstance(data, Mapping):
        raise CodecError(f"malformed {what} record: not an object")
    schema = data.get("schema", newest)
    if not isinstance(schema, int) or schema > newest:
        raise CodecError(f"{what} written by a newer litassist (schema {schema})")


def answer_from_dict(data: Mapping[str, Any]) -> Answer:
    """The `Answer` written by `answer_to_dict` (or `answer_view`); raises `CodecError`."""
    _check_schema(data, "answer", ANSWER_SCHEMA)
    try:
        sources = tuple(_read_answer_source(s) for s in data.get("sources", ()))
        return from_dict(Answer, data, rename=_ANSWER_KEYS, sources=sources)
    except (KeyError, TypeError, AttributeError, CodecError) as exc:
        raise CodecError(f"malformed answer record: {exc}") from exc


def answer_view(answer: Answer) -> dict[str, Any]:
    """`answer_to_dict` plus what a reader wants: each citation's paper title, year, quoted
    span and passage; whether each source is cited; each sentence's and each cited source's
    badge (badges.py: a quote and where it stands, or the check's verdict, score and reason);
    the unsupported sentences."""
    data = answer_to_dict(answer)
    by_number = {s.number: s for s in answer.sources}
    for citation, shown in zip(answer.citations, data["citations"], strict=True):
        source = by_number.get(citation.number)
        paper = source.paper if source else None
        shown.update(
            title=paper.title if paper else None,
            year=paper.year if paper else None,
            quote=paper.abstract[citation.start : citation.end] if paper else None,
            passage=source.passage.chunk.text if source else None,
        )
    cited = {c.number for c in answer.citations}
    for shown in data["sources"]:
        shown["cited"] = shown["number"] in cited
        if shown["cited"]:
            shown["badge"] = _badge(source_badge(answer, shown["number"]))
    for index, shown in enumerate(data["sentences"]):
        shown["badge"] = _badge(sentence_badge(answer, index))
    data["unsupported_sentences"] = [
        {"text": s.text, "note": s.note, "reason": s.reason} for s in answer.unsupported_sentences
    ]
    return data


def _badge(badge: Badge) -> dict[str, Any]:
    """`{kind, label, support}`: a quote and a remark carry no score (`support` null)."""
    return {"kind": badge.kind, "label": badge.label, "support": badge.support}


# ---- conversations ----------------------------------------------------------------------------
def conversation_view(conversation: Conversation) -> dict[str, Any]:
    """A conversation for readers (the JSON export): its fields, each turn as `answer_view`."""
    return {
        "kind": CONVERSATION_KIND,
        **to_dict(conversation, omit=("turns",)),
        "turns": [answer_view(turn) for turn in conversation.turns],
    }


# ---- comparisons: each paper once, sources refer to it by id ----------------------------------
_SYNTHESIS = {
    "synthesis": "text",
    "synthesis_sentences": "sentences",
    "synthesis_citations": "citations",
    "invalid_markers": "invalid_markers",
}


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """The stored shape of a comparison: each cell once, each paper once, the synthesis and its
    checks grouped under `synthesis`, sources as `{number, paper_id, passage}`."""
    data = {
        "schema": COMPARISON_SCHEMA,
        "kind": COMPARISON_KIND,
        **to_dict(comparison, omit=("papers", "sources", *_SYNTHESIS)),
    }
    data["papers"] = [to_dict(p) for p in comparison.papers]
    data["synthesis"] = {key: encode(getattr(comparison, name)) for name, key in _SYNTHESIS.items()}
    data["sources"] = [
        {"number": s.number, "paper_id": s.paper.id, "passage": passage_to_dict(s.passage)}
        for s in comparison.sources
    ]
    return data


def comparison_from_dict(data: Mapping[str, Any]) -> Comparison:
    """The `Comparison` written by `comparison_to_dict` (or `comparison_view`, or the layout
    before it, which also held every cell a second time under `rows`); raises `CodecError`."""
    _check_schema(data, "comparison", COMPARISON_SCHEMA)
    if data.get("kind", COMPARISON_KIND) != COMPARISON_KIND:
        raise CodecError(f"not a comparison but {data.get('kind')!r}")
    try:
        papers = decode(tuple[Paper, ...], data["papers"])
        by_id = {paper.id: paper for paper in papers}
        sources = tuple(
            from_dict(
                Source,
                s,
                paper=by_id[s["paper_id"]],
                passage=passage_from_dict(s["passage"], s["paper_id"]),
            )
            for s in data.get("sources", ())
        )
        synthesis = data.get("synthesis") or {}
        hints = field_hints(Comparison)
        grouped = {
            name: decode(hints[name], synthesis[key])
            for name, key in _SYNTHESIS.items()
            if key in synthesis
        }
        return from_dict(Comparison, data, papers=papers, sources=sources, **grouped)
    except (KeyError, TypeError, AttributeError, CodecError) as exc:
        raise CodecError(f"malformed comparison record: {exc}") from exc


def _cell_view(cell: ComparisonCell, shown: dict[str, Any], papers: Mapping[str, Paper]) -> None:
    paper = papers.get(cell.paper_id)
    shown["quotes"] = [paper.abstract[c.start : c.end] for c in cell.evidence] if paper else []


def comparison_view(comparison: Comparison) -> dict[str, Any]:
    """`comparison_to_dict` plus what a reader wants: the title, each cell's quoted evidence,
    whether each source is cited, and the table as `rows[i].cells[aspect]`."""
    data = comparison_to_dict(comparison)
    data["title"] = comparison.title
    papers = {paper.id: paper for paper in comparison.papers}
    for cell, shown in zip(comparison.cells, data["cells"], strict=True):
        _cell_view(cell, shown, papers)
    cited = comparison.cited_numbers
    for shown in data["sources"]:
        shown["cited"] = shown["number"] in cited
    data["rows"] = [
        {
            "paper_id": paper.id,
            "title": paper.title,
            "cells": {c["aspect"]: c for c in data["cells"] if c["paper_id"] == paper.id},
        }
        for paper in comparison.papers
    ]
    return data
