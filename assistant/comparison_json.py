"""`Comparison` <-> plain dict (JSON-ready): `compare --format json`, the comparison store, export.

Like `answer_json`, the dict is self-contained: it carries a snapshot of every compared paper
and the text of every source passage, so a stored comparison renders and exports after its
papers have left the library.  Rows (`rows[i].cells[aspect]`) and each cell's `quotes` (the
supporting sentences) are written for readers of the JSON; `cells` and `sources` are what is
read back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from assistant.answer_json import (
    _passage_from_dict,  # shared with answers: one passage layout in every JSON we write
    _passage_to_dict,
    paper_from_dict,
    paper_to_dict,
)
from assistant.types import AnswerSentence, Citation, Comparison, ComparisonCell, Source

SCHEMA = 1
KIND = "comparison"


def citation_to_dict(citation: Citation) -> dict[str, Any]:
    return {
        "number": citation.number,
        "paper_id": citation.paper_id,
        "chunk_id": citation.chunk_id,
        "start": citation.start,
        "end": citation.end,
        "support": citation.support,
        "supported": citation.supported,
        "sentence": citation.sentence,
    }


def citation_from_dict(data: Mapping[str, Any]) -> Citation:
    return Citation(
        number=int(data["number"]),
        paper_id=data["paper_id"],
        chunk_id=data["chunk_id"],
        start=int(data["start"]),
        end=int(data["end"]),
        support=float(data["support"]),
        supported=bool(data["supported"]),
        sentence=int(data.get("sentence", -1)),
    )


def _sentence_to_dict(sentence: AnswerSentence) -> dict[str, Any]:
    return {
        "text": sentence.text,
        "citations": list(sentence.citations),
        "support": sentence.support,
        "supported": sentence.supported,
        "start": sentence.start,
        "end": sentence.end,
        "note": sentence.note,
    }


def _sentence_from_dict(data: Mapping[str, Any]) -> AnswerSentence:
    return AnswerSentence(
        text=data["text"],
        citations=tuple(int(n) for n in data.get("citations", ())),
        support=float(data.get("support", 0.0)),
        supported=bool(data.get("supported", False)),
        start=int(data.get("start", -1)),
        end=int(data.get("end", -1)),
        note=data.get("note"),
    )


def _cell_to_dict(cell: ComparisonCell, papers: Mapping[str, Any]) -> dict[str, Any]:
    paper = papers.get(cell.paper_id)
    quotes = [paper.abstract[c.start : c.end] for c in cell.evidence] if paper else []
    return {
        "paper_id": cell.paper_id,
        "aspect": cell.aspect,
        "text": cell.text,
        "stated": cell.stated,
        "citations": list(cell.citations),
        "supported": cell.supported,
        "support": cell.support,
        "note": cell.note,
        "quotes": quotes,
        "evidence": [citation_to_dict(c) for c in cell.evidence],
    }


def _cell_from_dict(data: Mapping[str, Any]) -> ComparisonCell:
    return ComparisonCell(
        paper_id=data["paper_id"],
        aspect=data["aspect"],
        text=data["text"],
        citations=tuple(int(n) for n in data.get("citations", ())),
        supported=bool(data.get("supported", True)),
        stated=bool(data.get("stated", True)),
        support=float(data.get("support", 0.0)),
        note=data.get("note"),
        evidence=tuple(citation_from_dict(c) for c in data.get("evidence", ())),
    )


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    papers = {paper.id: paper for paper in comparison.papers}
    cells = [_cell_to_dict(cell, papers) for cell in comparison.cells]
    cited = comparison.cited_numbers
    return {
        "schema": SCHEMA,
        "kind": KIND,
        "id": comparison.id,
        "title": comparison.title,
        "shortfall": comparison.shortfall,
        "topic": comparison.topic,
        "mode": comparison.mode,
        "model": comparison.model,
        "created_at": comparison.created_at.isoformat(),
        "aspects": list(comparison.aspects),
        "papers": [paper_to_dict(paper) for paper in comparison.papers],
        "rows": [
            {
                "paper_id": paper.id,
                "title": paper.title,
                "cells": {c["aspect"]: c for c in cells if c["paper_id"] == paper.id},
            }
            for paper in comparison.papers
        ],
        "cells": cells,
        "synthesis": {
            "text": comparison.synthesis,
            "sentences": [_sentence_to_dict(s) for s in comparison.synthesis_sentences],
            "citations": [citation_to_dict(c) for c in comparison.synthesis_citations],
            "invalid_markers": list(comparison.invalid_markers),
        },
        "sources": [
            {
                "number": source.number,
                "paper_id": source.paper.id,
                "cited": source.number in cited,
                "passage": _passage_to_dict(source.passage),
            }
            for source in comparison.sources
        ],
        "extra": dict(comparison.extra),
    }


def comparison_from_dict(data: Mapping[str, Any]) -> Comparison:
    """The `Comparison` written by `comparison_to_dict`; raises ValueError when malformed."""
    try:
        schema = int(data.get("schema", SCHEMA))
        if schema > SCHEMA:
            raise ValueError(f"comparison written by a newer litassist (schema {schema})")
        if data.get("kind", KIND) != KIND:
            raise ValueError(f"not a comparison but {data.get('kind')!r}")
        papers = tuple(paper_from_dict(p) for p in data["papers"])
        by_id = {paper.id: paper for paper in papers}
        sources = tuple(
            Source(
                int(s["number"]),
                by_id[s["paper_id"]],
                _passage_from_dict(s["passage"], s["paper_id"]),
            )
            for s in data.get("sources", ())
        )
        synthesis = data.get("synthesis") or {}
        return Comparison(
            id=data["id"],
            aspects=tuple(data["aspects"]),
            papers=papers,
            sources=sources,
            cells=tuple(_cell_from_dict(c) for c in data["cells"]),
            synthesis=synthesis.get("text", ""),
            mode=data["mode"],
            created_at=datetime.fromisoformat(data["created_at"]),
            synthesis_sentences=tuple(
                _sentence_from_dict(s) for s in synthesis.get("sentences", ())
            ),
            synthesis_citations=tuple(
                citation_from_dict(c) for c in synthesis.get("citations", ())
            ),
            invalid_markers=tuple(synthesis.get("invalid_markers", ())),
            topic=data.get("topic"),
            model=data.get("model"),
            extra={str(k): str(v) for k, v in (data.get("extra") or {}).items()},
            name=data.get("title"),
            shortfall=data.get("shortfall"),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed comparison record: {exc}") from exc
