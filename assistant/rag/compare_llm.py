"""The LLM side of a comparison: one structured request for every cell and the synthesis.

The model receives the papers' passages as numbered sources (in delimited data blocks, as for
answers, titles included: nothing a paper's file supplies is outside a block) and replies with
one JSON object:

    {"papers": {"P1": {"task": {"stated": true, "text": "...", "sources": [1]}, ...}, ...},
     "synthesis": "... [1] ... [3]."}

The endpoint is asked for exactly that with a JSON schema (`response_format`); each paper's
`sources` are constrained to its own source numbers there.  An endpoint that rejects
`response_format` (HTTP 400, as older local servers do) gets the same prompt without it, and
the reply is parsed from the text.  Either way the reply is validated (jsonschema) against the
structure; a reply that is not JSON or lacks a paper, an aspect or a field gets one retry with
the problem spelled out (`prompts/compare_retry.md`), then a one-line
`ComparisonFormatError`.  Source numbers are *not* enforced by validation: a cell citing
another paper's passage is kept and flagged by `compare.py`, not retried away.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.rag.aspects import aspect as aspect_spec
from assistant.rag.citations import find_markers, strip_markers
from assistant.rag.llm import LLMBadRequestError, LLMClient, LLMError
from assistant.rag.prompts import (
    PromptError,
    PromptLibrary,
    format_sources,
    new_tag,
    title_block,
)
from assistant.types import Paper, Source

MAX_ATTEMPTS = 2  # the first reply and one retry
CELL_WORDS = 30
REPLY_ECHO_CHARS = 6000  # of an unusable reply, sent back with the retry
REQUIRED = {
    "compare": ("papers", "aspects", "format", "words", "tag"),
    "compare_retry": ("problem",),
}
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL | re.IGNORECASE)


class ComparisonFormatError(LLMError):
    """The model did not return a usable comparison, even after a retry."""


class ReplyProblem(ValueError):
    """What is wrong with one reply (worded for the model and for the user)."""


@dataclass(frozen=True)
class PaperBlock:
    """A paper as the model sees it: its label (P1, P2, ...) and its numbered sources."""

    label: str
    paper: Paper
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class LLMCell:
    stated: bool
    text: str  # without citation markers
    numbers: tuple[int, ...]  # as the model gave them, not yet checked


@dataclass(frozen=True)
class LLMTable:
    cells: Mapping[tuple[str, str], LLMCell]  # (paper id, aspect) -> cell
    synthesis: str
    attempts: int
    structured: bool  # False when the endpoint did not take the JSON schema


def paper_blocks(papers: Sequence[Paper], sources: Sequence[Source]) -> list[PaperBlock]:
    by_paper: dict[str, list[Source]] = {}
    for source in sources:
        by_paper.setdefault(source.paper.id, []).append(source)
    return [
        PaperBlock(f"P{index}", paper, tuple(by_paper.get(paper.id, ())))
        for index, paper in enumerate(papers, start=1)
    ]


# ---- schema and prompt ----------------------------------------------------------------------
def _cell_schema(numbers: Sequence[int] | None) -> dict[str, Any]:
    sources: dict[str, Any] = {"type": "array", "items": {"type": "integer"}}
    if numbers is not None and numbers:
        sources["items"]["enum"] = list(numbers)
    elif numbers is not None:  # a paper without an abstract has nothing to cite
        sources["maxItems"] = 0
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["stated", "text", "sources"],
        "properties": {
            "stated": {"type": "boolean"},
            "text": {"type": "string"},
            "sources": sources,
        },
    }


def comparison_schema(
    blocks: Sequence[PaperBlock], aspects: Sequence[str], *, own_sources_only: bool = True
) -> dict[str, Any]:
    """The JSON schema of a reply; `own_sources_only` restricts each paper's source numbers."""
    papers: dict[str, Any] = {}
    for block in blocks:
        numbers = [s.number for s in block.sources] if own_sources_only else None
        papers[block.label] = {
            "type": "object",
            "additionalProperties": False,
            "required": list(aspects),
            "properties": {name: _cell_schema(numbers) for name in aspects},
        }
    return {
        "title": "comparison",
        "type": "object",
        "additionalProperties": False,
        "required": ["papers", "synthesis"],
        "properties": {
            "papers": {
                "type": "object",
                "additionalProperties": False,
                "required": [b.label for b in blocks],
                "properties": papers,
            },
            "synthesis": {"type": "string"},
        },
    }


def _format_example(blocks: Sequence[PaperBlock], aspects: Sequence[str]) -> str:
    lines = ['{"papers": {']
    for b_index, block in enumerate(blocks):
        first = block.sources[0].number if block.sources else 1
        lines.append(f'  "{block.label}": {{')
        for a_index, name in enumerate(aspects):
            comma = "," if a_index < len(aspects) - 1 else ""
            lines.append(
                f'    "{name}": {{"stated": true, "text": "...", "sources": [{first}]}}{comma}'
            )
        lines.append("  }" + ("," if b_index < len(blocks) - 1 else ""))
    lines.append('}, "synthesis": "... [n] ..."}')
    return "\n".join(lines)


def _papers_text(blocks: Sequence[PaperBlock], tag: str) -> str:
    """Each paper's label and source numbers, then its sources in data blocks.

    Titles (and all other paper text) appear only inside the delimited blocks, as attributes,
    so a title from an imported file cannot speak to the model as the user (a paper without an
    abstract gets a block of its own for its title).
    """
    parts = []
    for block in blocks:
        numbers = ", ".join(f"[{s.number}]" for s in block.sources) or "none"
        if block.sources:
            body = format_sources(block.sources, tag)
        else:
            body = title_block(block.label, block.paper, tag)
        parts.append(f"{block.label}, its sources: {numbers}\n{body}")
    return "\n\n".join(parts)


def _require(prompts: PromptLibrary, name: str) -> None:
    """Refuse a user override that dropped a placeholder (prompts.REQUIRED lists only answers')."""
    prompt = prompts.get(name)
    named = {
        m.group("named") or m.group("braced")
        for m in string.Template.pattern.finditer(prompt.template)
    }
    missing = [v for v in REQUIRED[name] if v not in named]
    if missing:
        raise PromptError(
            f"Prompt {prompt.path} lacks {', '.join('$' + v for v in missing)}; "
            "add it back or delete the file to use the shipped prompt."
        )


def comparison_messages(
    prompts: PromptLibrary,
    blocks: Sequence[PaperBlock],
    aspects: Sequence[str],
    *,
    tag: str | None = None,
) -> list[dict[str, str]]:
    _require(prompts, "compare")
    tag = tag or new_tag()
    described = "\n".join(f"- {name}: {aspect_spec(name).description}" for name in aspects)
    text = prompts.render(
        "compare",
        papers=_papers_text(blocks, tag),
        aspects=described,
        format=_format_example(blocks, aspects),
        words=str(CELL_WORDS),
        tag=tag,
    )
    return [{"role": "user", "content": text}]


# ---- reading a reply ------------------------------------------------------------------------
def parse_reply(text: str) -> Any:
    """The JSON value in a reply: bare, in a ``` fence, or the outermost {...} in prose."""
    body = text.strip()
    if not body:
        raise ReplyProblem("the reply is empty")
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    try:
        return json.loads(body)
    except json.JSONDecodeError as first:
        start, end = body.find("{"), body.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(body[start : end + 1])
            except json.JSONDecodeError:
                pass
        raise ReplyProblem(f"it is not valid JSON ({first.msg} at line {first.lineno})") from None


def check_reply(data: Any, schema: Mapping[str, Any]) -> None:
    """Raise `ReplyProblem` naming the first place where `data` does not match `schema`."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    error = best_match(Draft202012Validator(schema).iter_errors(data))
    if error is None:
        return
    where = ".".join(str(part) for part in error.absolute_path)
    message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
    raise ReplyProblem(f"{where}: {message}" if where else message)


def table_from_reply(
    data: Mapping[str, Any], blocks: Sequence[PaperBlock], aspects: Sequence[str]
) -> tuple[dict[tuple[str, str], LLMCell], str]:
    """Cells and synthesis of a checked reply; markers in a cell's text join its sources."""
    cells: dict[tuple[str, str], LLMCell] = {}
    for block in blocks:
        row = data["papers"][block.label]
        for name in aspects:
            raw = row[name]
            text = " ".join(str(raw["text"]).split())
            numbers = list(dict.fromkeys(int(n) for n in raw["sources"]))
            for marker in find_markers(text):
                numbers.extend(n for n in marker.numbers if n not in numbers)
            text = strip_markers(text)
            stated = bool(raw["stated"]) and bool(text) and text.lower() != "not stated"
            cells[(block.paper.id, name)] = LLMCell(stated, text, tuple(numbers))
    return cells, str(data["synthesis"]).strip()


# ---- the request ----------------------------------------------------------------------------
def request_table(
    llm: LLMClient, prompts: PromptLibrary, blocks: Sequence[PaperBlock], aspects: Sequence[str]
) -> LLMTable:
    """Ask for the table (schema first, prompt-and-parse if refused), retrying once."""
    _require(prompts, "compare_retry")
    messages = comparison_messages(prompts, blocks, aspects)
    wanted = comparison_schema(blocks, aspects)
    structure = comparison_schema(blocks, aspects, own_sources_only=False)
    conversation = list(messages)
    structured = True
    problem: ReplyProblem | None = None
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            reply = llm.complete(conversation, json_schema=wanted if structured else None)
        except LLMBadRequestError:
            if not structured:
                raise
            # The endpoint does not take `response_format`: same prompt, JSON parsed from text.
            structured = False
            reply = llm.complete(conversation)
        try:
            data = parse_reply(reply)
            check_reply(data, structure)
        except ReplyProblem as exc:
            problem = exc
            retry = prompts.render("compare_retry", problem=str(exc))
            conversation = [
                *messages,
                {"role": "assistant", "content": reply[:REPLY_ECHO_CHARS]},
                {"role": "user", "content": retry},
            ]
            continue
        cells, synthesis = table_from_reply(data, blocks, aspects)
        return LLMTable(cells, synthesis, attempt, structured)
    raise ComparisonFormatError(
        f"The model {llm.model!r} at {llm.endpoint} did not return a usable comparison in "
        f"{MAX_ATTEMPTS} attempts ({problem}); try again, use another model, or compare "
        "offline with --mode extractive."
    )
