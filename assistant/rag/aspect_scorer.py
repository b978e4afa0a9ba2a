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
* `words`: its length (long sentences state more);
* `first_self`, `first_problem`: the first sentence where the paper speaks of itself, the
  first stating a problem (where an abstract usually says what it addresses);
* `praise`, `purpose`, `count`, `subjects`, `outlook`: phrases of scientific English (the
  patterns below): praise of the field, a stated purpose, a count of things, whom data were
  taken from, what the work may lead to.

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

# The sentence roles (`sentence_roles`) the scorer reads, one feature each.
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
    *ROLE_FEATURES,
    "self",
    "words",
    "first_self",
    "first_problem",
    "praise",
    "purpose",
    "count",
    "subjects",
    "outlook",
    "top",
    "gap",
)
_WORD = re.compile(r"\w+")
# Praise of the field ("CNNs have achieved great successes", "With the rapid development of
# ..."): the background an abstract opens with, not the problem it addresses.
PRAISE = re.compile(
    r"\b(?:success\w*|achieved|rapid(?:ly)?|advances?|progress|emerg\w*|proved|crucial|"
    r"important|importance|popular\w*|widely|remarkabl\w*|impressive|great|prevalent|"
    r"ubiquitous|growing|increasingly)\b",
    re.IGNORECASE,
)
# A purpose said as such: "To assess ...", "The aim of this study was ...".
PURPOSE = re.compile(
    r"^(?:[A-Z]{3,}\s+)?to \w+|\b(?:aims?|goal|objective|purpose)\b(?: of)?|"
    r"\bwe (?:\w+ )?(?:tested|asked|hypothesi[sz]ed|sought)\b",
    re.IGNORECASE,
)
# A count of things: "15,000 images", "7715 subjects", "1.4 million pairs".
COUNT = re.compile(r"\b\d[\d,.]*\s*(?:[kKMB]|thousand|million|billion)?\s+(?:[\w-]+\s+)?[a-z-]+s\b")
# Whom the data were taken from, in the sciences that study people or animals.
SUBJECTS = re.compile(
    r"\b(?:patients?|participants?|subjects?|volunteers?|cohorts?|individuals|respondents|"
    r"mice|rats|donors|cases|specimens|samples|recordings|records)\b",
    re.IGNORECASE,
)
# What the work may lead to ("implications for", "we hope", "will enable the community"): an
# outlook, not a finding or a method.
OUTLOOK = re.compile(
    r"\b(?:implications?|hope|suggestions?|inspires?|will (?:enable|help|facilitate|allow)|"
    r"(?:important|valuable|useful) resource|paves? the way|future (?:research|work|studies))\b",
    re.IGNORECASE,
)


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
    second = float(np.sort(hand)[-2]) if count > 1 else 0.0
    first_self = next((i for i, t in enumerate(texts) if SELF.search(t)), -1)
    first_problem = next((i for i, r in enumerate(roles) if r.problem), -1)
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
            float(i == first_self),
            float(i == first_problem),
            float(bool(PRAISE.search(texts[i])) and not role.problem),
            float(bool(PURPOSE.search(texts[i]))),
            float(bool(COUNT.search(texts[i]))),
            float(bool(SUBJECTS.search(texts[i]))),
            float(bool(OUTLOOK.search(texts[i]))),
            float(hand[i] >= best),
            float(hand[i]) - second if hand[i] >= best else float(hand[i]) - best,
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
        -2.4845,
        0.7543,
        1.1300,
        -0.0648,
        0.7042,
        -0.5450,
        -2.2906,
        0.1113,
        -0.4433,
        1.1389,
        1.3115,
        -0.3600,
        -0.3330,
        0.3951,
        -0.0911,
        -0.5714,
        -0.9708,
        -0.9035,
        0.2170,
        -0.1382,
        0.8494,
        2.1879,
        0.5754,
        -0.4392,
        0.9244,
        -0.5948,
        -0.8786,
        0.5414,
        0.6555,
        0.5017,
    ),
    "data": (
        -3.3408,
        1.2485,
        0.8670,
        0.7675,
        1.1467,
        0.0000,
        -0.0290,
        -0.5673,
        0.3341,
        -1.9068,
        -0.3362,
        0.4058,
        0.3906,
        -0.8060,
        0.4389,
        0.4387,
        -0.1093,
        -0.4509,
        0.7495,
        0.2482,
        0.1820,
        -0.0753,
        -0.9908,
        0.0786,
        0.1291,
        1.4082,
        -0.2379,
        -0.8529,
        1.2699,
        0.8084,
    ),
    "method": (
        -0.7306,
        0.3422,
        0.4719,
        0.1705,
        0.2599,
        -0.8484,
        -0.4310,
        -1.5951,
        -1.0243,
        -2.0029,
        -1.0361,
        -0.8138,
        0.3377,
        0.6027,
        -0.2874,
        0.3533,
        -0.1588,
        -0.4689,
        0.1126,
        0.5651,
        -0.2346,
        0.6377,
        -0.5824,
        -0.5136,
        0.4297,
        -0.8623,
        0.0468,
        -0.0738,
        1.0028,
        0.2000,
    ),
    "results": (
        -3.3741,
        1.0002,
        1.4765,
        -0.5381,
        0.9711,
        0.0000,
        2.7363,
        -0.4674,
        -0.0871,
        -1.7165,
        -0.2358,
        0.0342,
        -1.2460,
        -0.5243,
        -0.1442,
        -0.3712,
        0.3545,
        1.3086,
        0.1049,
        -0.2604,
        0.1293,
        -0.6737,
        0.1271,
        -0.7345,
        -1.0950,
        -0.3514,
        0.8560,
        -1.0982,
        -0.1666,
        0.6801,
    ),
    "limitations": (
        -5.6873,
        0.7330,
        0.3150,
        0.2372,
        0.2376,
        0.0000,
        0.6837,
        -0.1002,
        -0.0052,
        -0.6494,
        0.9118,
        2.2626,
        -0.2478,
        0.1628,
        -0.2655,
        -0.0611,
        -0.2968,
        0.4632,
        -0.4913,
        -0.7761,
        -0.5354,
        -0.0743,
        0.2663,
        -0.1104,
        -0.0660,
        -0.1793,
        -0.1309,
        -0.1365,
        0.7119,
        0.4824,
    ),
}
# Each aspect's cell says "not stated" when no sentence it can take reaches this probability.
THRESHOLDS: dict[str, float] = {
    "task": 0.25,
    "data": 0.2,
    "method": 0.5,
    "results": 0.5,
    "limitations": 0.2,
}
# A sentence another aspect of the row took is quoted again only at this probability: then it
# truly states both (a "we propose X, a dataset of ..." sentence is Data and Method at once).
BOTH: float = 0.9
