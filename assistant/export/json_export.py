"""Exports as JSON: a conversation (its turns as `codec.answer_view`) or a comparison
(`codec.comparison_view`).

Nothing secret is in either: answers and comparisons record the model's name, never the
endpoint's credentials.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.codec import comparison_view, conversation_view
from assistant.types import Comparison, Conversation


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def conversation_json(conversation: Conversation) -> str:
    return _dumps(conversation_view(conversation))


def comparison_json(comparison: Comparison) -> str:
    return _dumps(comparison_view(comparison))
