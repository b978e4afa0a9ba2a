"""The learned comparer's place features (assistant/rag/aspect_scorer.feature_rows)."""

from __future__ import annotations

import numpy as np

from assistant.rag import aspect_scorer
from assistant.rag.sentence_roles import Roles


def _rows(texts: list[str]) -> np.ndarray:
    zeros = np.zeros(len(texts))
    places = [i / max(len(texts) - 1, 1) for i in range(len(texts))]
    return aspect_scorer.feature_rows(
        zeros, zeros, zeros, zeros, places, [Roles()] * len(texts), texts
    )


def column(name: str) -> int:
    return aspect_scorer.FEATURES.index(name)


def test_background_before_the_stated_problem_and_the_turn_to_the_paper() -> None:
    texts = [
        "Vision transformers are popular.",  # the field's background
        "They are trained on large datasets.",  # background too
        "However, how they use data remains unclear.",  # the gap: the task
        "Here, we measure what they memorise.",  # the paper speaks of itself
        "They memorise little.",
    ]
    rows = _rows(texts)
    assert rows[:, column("before_problem")].tolist() == [1.0, 1.0, 0.0, 0.0, 0.0]
    # the sentence just before the abstract turns to the paper, where it states its problem
    assert rows[:, column("before_self")].tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]


def test_no_stated_problem_marks_no_background() -> None:
    rows = _rows(["Cells divide.", "We show that they divide twice.", "It is fast."])
    assert not rows[:, column("before_problem")].any()
    assert rows[:, column("before_self")].tolist() == [1.0, 0.0, 0.0]


def test_every_aspect_has_one_weight_per_feature() -> None:
    for weights in aspect_scorer.WEIGHTS.values():
        assert len(weights) == len(aspect_scorer.FEATURES)
