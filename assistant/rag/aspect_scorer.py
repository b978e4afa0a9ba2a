"""How likely a sentence states a built-in aspect: a small learned per-aspect scorer.

The offline comparer (compare_extractive.py) first scores every sentence of a paper for every
aspect by hand-set signals (the aspect's query by cosine, its cue phrases, its usual place, the
sentence's role).  Those signals disagree in ways one weighted sum cannot settle: a "we
propose X" sentence is the Method of one abstract and the Data of the next, a figure makes a
Result but also a dataset's size.  So, per built-in aspect, a logistic regression over the
signals (`FEATURES`) turns them into a probability that the sentence states the aspect:

* `hand`, `hand_share`: the hand-set score and that over the paper's best one for the aspect
  (how a sentence compares with its neighbours matters more than its absolute score);
* `cosine`, `cues`, `counter`: the three hand signals alone;
* `place`, `first`, `last`: where it sits in the abstract;
* the sentence's roles (sentence_roles.py): background, problem, limitation, contribution,
  method, mechanism, provenance, names, result, figure;
* `self`: the paper speaks of itself ("we", "this study");
* `words`: its length (long sentences state more).

The weights are fitted by benchmarks/train_aspect_scorer.py on the tuning cells only
(benchmarks/data/compare_cells_tune.jsonl, _holdout.jsonl and _holdout2.jsonl, never
_holdout3.jsonl), which also chooses each aspect's threshold by leave-one-set-out
cross-validation; it prints the constants below.  Custom aspects (`--aspects compute`) have no
weights and keep the hand score.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assistant.rag.sentence_roles import SELF, Roles

FEATURES: tuple[str, ...] = (
    "bias",
    "hand",
    "hand_share",
    "cosine",
    "cues",
    "counter",
    "place",
    "first",
    "last",
    "background",
    "problem",
    "limitation",
    "contribution",
    "method",
    "mechanism",
    "provenance",
    "names",
    "result",
    "figure",
    "self",
    "words",
)
ROLE_FEATURES: tuple[str, ...] = (
    "background",
    "problem",
    "limitation",
    "contribution",
    "method",
    "mechanism",
    "provenance",
    "names",
    "result",
    "figure",
)
_WORD = re.compile(r"\w+")


def feature_rows(
    hand: np.ndarray,
    cosine: np.ndarray,
    cues: np.ndarray,
    counter: np.ndarray,
    places: Sequence[float],
    roles: Sequence[Roles],
    texts: Sequence[str],
) -> np.ndarray:
    """The features (`FEATURES`, in order) of each sentence of one paper for one aspect."""
    count = len(texts)
    rows = np.zeros((count, len(FEATURES)), dtype=np.float64)
    if count == 0:
        return rows
    best = float(hand.max()) if hand.size else 0.0
    for i in range(count):
        role = roles[i]
        rows[i] = (
            1.0,
            float(hand[i]),
            float(hand[i]) / best if best > 0 else 0.0,
            float(cosine[i]),
            float(cues[i]),
            float(counter[i]),
            float(places[i]),
            float(i == 0),
            float(i == count - 1),
            *(float(getattr(role, name)) for name in ROLE_FEATURES),
            float(bool(SELF.search(texts[i]))),
            min(len(_WORD.findall(texts[i])), 60) / 30.0,
        )
    return rows


def probabilities(weights: Sequence[float], rows: np.ndarray) -> np.ndarray:
    """P(states the aspect) for each row of features."""
    if rows.size == 0:
        return np.zeros(len(rows), dtype=np.float32)
    logits = rows @ np.asarray(weights, dtype=np.float64)
    return (1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))).astype(np.float32)


# Fitted by benchmarks/train_aspect_scorer.py (one weight per FEATURES entry).
WEIGHTS: dict[str, tuple[float, ...]] = {
    "task": (
        -2.5104,
        1.0355,
        1.9215,
        -0.4071,
        0.7768,
        -0.5188,
        -3.1855,
        -0.0110,
        -0.4284,
        0.8186,
        1.4310,
        -0.3550,
        -0.0478,
        0.4179,
        -0.2929,
        -0.4923,
        -0.6280,
        -0.5147,
        0.0559,
        0.6452,
        0.8255,
    ),
    "data": (
        -4.3409,
        1.5509,
        2.0208,
        1.1077,
        1.1550,
        0.0000,
        -0.0019,
        -0.4570,
        0.1717,
        -2.1859,
        -0.5822,
        0.4106,
        0.3315,
        -0.7542,
        0.3791,
        0.5073,
        0.0950,
        -0.5347,
        1.0928,
        0.1945,
        0.1769,
    ),
    "method": (
        -0.9674,
        0.3706,
        1.1260,
        0.1073,
        0.3610,
        -0.8431,
        -0.7673,
        -1.4613,
        -1.0138,
        -2.0301,
        -1.2093,
        -0.8295,
        0.4721,
        0.5985,
        -0.3532,
        0.3573,
        -0.1759,
        -0.4055,
        -0.1514,
        0.6858,
        -0.1232,
    ),
    "results": (
        -3.7881,
        1.1194,
        1.7368,
        -0.6239,
        1.0523,
        0.0000,
        2.8727,
        -0.5949,
        -0.2525,
        -1.7182,
        -0.1016,
        -0.0124,
        -1.3502,
        -0.4647,
        -0.1679,
        -0.4090,
        0.4033,
        1.1406,
        0.1447,
        -0.2740,
        -0.0775,
    ),
    "limitations": (
        -5.6549,
        0.8443,
        0.5366,
        0.2804,
        0.4073,
        0.0000,
        0.7084,
        -0.1046,
        0.0420,
        -0.6567,
        1.0280,
        2.3579,
        -0.2730,
        0.1675,
        -0.2574,
        -0.0724,
        -0.3152,
        0.4355,
        -0.5095,
        -0.7965,
        -0.5798,
    ),
}
THRESHOLDS: dict[str, float] = {
    "task": 0.35,
    "data": 0.45,
    "method": 0.4,
    "results": 0.5,
    "limitations": 0.15,
}
BOTH: float = 0.8
