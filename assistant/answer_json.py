"""`Answer` <-> plain dict (JSON-ready), used by `ask --json`, the conversation store and export.

The dict is self-contained: each source carries a snapshot of its paper's metadata, so a stored
answer still renders, and exports, after the paper has left the library.  Derived fields (the
quote of each citation, the unsupported sentences) are written for readers of the JSON and
ignored when reading back.  `SCHEMA` is bumped if the layout ever changes incompatibly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from assistant.types import Answer, AnswerSentence, Chunk, Citation, Paper, Passage, Source

SCHEMA = 1

_PAPER_FIELDS = (
    "id", "title", "abstract", "authors", "year", "venue", "doi", "arxiv_id", "url",
    "source_file", "source_format", "citekey", "raw_entry", "line",
)  # fmt: skip


def paper_to_dict(paper: Paper) -> dict[str, Any]:
    data = {name: getattr(paper, name) for name in _PAPER_FIELDS}
    data["authors"] = list(paper.authors)
    return data


def paper_from_dict(data: Mapping[str, Any]) -> Paper:
    values = {name: data.get(name) for name in _PAPER_FIELDS if name in data}
    values["authors"] = tuple(data.get("authors") or ())
    values["abstract"] = data.get("abstract") or ""
    return Paper(**values)


def _passage_to_dict(passage: Passage) -> dict[str, Any]:
    chunk = passage.chunk
    return {
        "chunk_id": chunk.id,
        "index": chunk.index,
        "text": chunk.text,
        "start": chunk.start,
        "end": chunk.end,
        "score": passage.score,
        "dense_rank": passage.dense_rank,
        "lexical_rank": passage.lexical_rank,
        "dense_score": passage.dense_score,
        "lexical_score": passage.lexical_score,
    }


def _passage_from_dict(data: Mapping[str, Any], paper_id: str) -> Passage:
    chunk = Chunk(
        id=data["chunk_id"],
        paper_id=paper_id,
        index=int(data.get("index", 0)),
        text=data["text"],
        start=int(data["start"]),
        end=int(data["end"]),
    )
    return Passage(
        chunk=chunk,
        score=float(data.get("score", 0.0)),
        dense_rank=data.get("dense_rank"),
        lexical_rank=data.get("lexical_rank"),
        dense_score=data.get("dense_score"),
        lexical_score=data.get("lexical_score"),
    )


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    papers = {source.number: source.paper for source in answer.sources}
    citations = []
    for citation in answer.citations:
        paper = papers.get(citation.number)
        source = next((s for s in answer.sources if s.number == citation.number), None)
        citations.append(
            {
                "number": citation.number,
                "paper_id": citation.paper_id,
                "title": paper.title if paper else None,
                "year": paper.year if paper else None,
                "chunk_id": citation.chunk_id,
                "quote": paper.abstract[citation.start : citation.end] if paper else None,
                "passage": source.passage.chunk.text if source else None,
                "start": citation.start,
                "end": citation.end,
                "support": citation.support,
                "supported": citation.supported,
                "sentence": citation.sentence,
            }
        )
    return {
        "schema": SCHEMA,
        "question": answer.question,
        "standalone_query": answer.standalone_query,
        "mode": answer.mode,
        "model": answer.model,
        "answer": answer.text,
        "abstained": answer.abstained,
        "complete": answer.complete,
        "error": answer.error,
        "conversation_id": answer.conversation_id,
        "created_at": answer.created_at.isoformat() if answer.created_at else None,
        "citations": citations,
        "sentences": [
            {
                "text": s.text,
                "citations": list(s.citations),
                "support": s.support,
                "supported": s.supported,
                "start": s.start,
                "end": s.end,
                "note": s.note,
                "reason": s.reason,
            }
            for s in answer.sentences
        ],
        "unsupported_sentences": [
            {"text": s.text, "note": s.note} for s in answer.unsupported_sentences
        ],
        "invalid_markers": list(answer.invalid_markers),
        "sources": [
            {
                "number": s.number,
                "cited": any(c.number == s.number for c in answer.citations),
                "paper": paper_to_dict(s.paper),
                "passage": _passage_to_dict(s.passage),
            }
            for s in answer.sources
        ],
        "extra": dict(answer.extra),
    }


def answer_from_dict(data: Mapping[str, Any]) -> Answer:
    """The `Answer` written by `answer_to_dict`; raises ValueError on a malformed dict."""
    try:
        schema = int(data.get("schema", SCHEMA))
        if schema > SCHEMA:
            raise ValueError(f"answer written by a newer litassist (schema {schema})")
        sources = []
        for item in data.get("sources", ()):
            paper = paper_from_dict(item["paper"])
            sources.append(
                Source(int(item["number"]), paper, _passage_from_dict(item["passage"], paper.id))
            )
        created = data.get("created_at")
        return Answer(
            question=data["question"],
            text=data["answer"],
            mode=data["mode"],
            sources=tuple(sources),
            citations=tuple(
                Citation(
                    number=int(c["number"]),
                    paper_id=c["paper_id"],
                    chunk_id=c["chunk_id"],
                    start=int(c["start"]),
                    end=int(c["end"]),
                    support=float(c["support"]),
                    supported=bool(c["supported"]),
                    sentence=int(c.get("sentence", -1)),
                )
                for c in data.get("citations", ())
            ),
            sentences=tuple(
                AnswerSentence(
                    text=s["text"],
                    citations=tuple(int(n) for n in s.get("citations", ())),
                    support=float(s.get("support", 0.0)),
                    supported=bool(s.get("supported", False)),
                    start=int(s.get("start", -1)),
                    end=int(s.get("end", -1)),
                    note=s.get("note"),
                    reason=s.get("reason"),
                )
                for s in data.get("sentences", ())
            ),
            invalid_markers=tuple(data.get("invalid_markers", ())),
            standalone_query=data.get("standalone_query"),
            abstained=bool(data.get("abstained", False)),
            complete=bool(data.get("complete", True)),
            error=data.get("error"),
            extra={str(k): str(v) for k, v in (data.get("extra") or {}).items()},
            conversation_id=data.get("conversation_id"),
            created_at=datetime.fromisoformat(created) if created else None,
            model=data.get("model"),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed answer record: {exc}") from exc
