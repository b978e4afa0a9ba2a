"""Exports as JSON: a conversation's turns (`answer_json`'s layout) or a comparison.

Nothing secret is in either: answers and comparisons record the model's name, never the
endpoint's credentials.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.answer_json import answer_to_dict
from assistant.comparison_json import comparison_to_dict
from assistant.types import Answer, Comparison, Conversation


def conversation_to_dict(conversation: Conversation) -> dict[str, Any]:
    return {
        "kind": "conversation",
        "id": conversation.id,
        "title": conversation.title,
        "created_at": conversation.created_at.isoformat(),
        "turns": [answer_to_dict(turn) for turn in conversation.turns],
    }


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def conversation_json(conversation: Conversation) -> str:
    return _dumps(conversation_to_dict(conversation))


def answer_json(answer: Answer) -> str:
    return _dumps(answer_to_dict(answer))


def comparison_json(comparison: Comparison) -> str:
    return _dumps(comparison_to_dict(comparison))
