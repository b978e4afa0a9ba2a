"""Follow-up questions: turning "and how big is it?" into a query that retrieves on its own.

With an LLM the `condense` prompt rewrites the question (engine.py).  Offline there is no model
to resolve references, so a question that leans on the conversation (a pronoun or "the paper",
or too few topic words to search with) is searched together with the previous question; a
question that stands on its own is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.rag.citations import strip_markers
from assistant.rag.scoring import query_terms
from assistant.types import Answer

_REFERS_BACK = re.compile(
    r"\b(it|its|they|them|their|this|that|these|those|he|she|his|her|former|latter|"
    r"same|above|previous|first one|second one|the (paper|papers|dataset|datasets|method|"
    r"methods|model|models|approach|study|work|authors|benchmark))\b",
    re.IGNORECASE,
)
MIN_OWN_TERMS = 3
MAX_STANDALONE_CHARS = 500


def needs_history(question: str) -> bool:
    return bool(_REFERS_BACK.search(question)) or len(query_terms(question)) < MIN_OWN_TERMS


def heuristic_standalone(question: str, history: Sequence[Answer]) -> str:
    """The offline rewrite: the previous query prepended when the question refers back."""
    if not history or not needs_history(question):
        return question
    previous = history[-1].standalone_query or history[-1].question
    return f"{previous} {question}"


def history_turns(history: Sequence[Answer]) -> list[tuple[str, str]]:
    """(question, answer text without markers) of each earlier turn."""
    return [(turn.question, strip_markers(turn.text)) for turn in history]


def clean_rewrite(reply: str, question: str) -> str:
    """The model's rewrite, or the original question when the reply is unusable."""
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    if not lines:
        return question
    text = re.sub(r"^(standalone question|question)\s*:\s*", "", lines[0], flags=re.IGNORECASE)
    text = text.strip().strip('"“”').strip()
    if not text or len(text) > MAX_STANDALONE_CHARS:
        return question
    return text
