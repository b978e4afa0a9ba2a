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
  taken from, what the work may lead to;
* cues that hold in any field (abstract_cues.py), so that the scorer carries over from the
  computer-vision abstracts to clinical or biological ones: `structured` and `section_*`,
  the section of a structured abstract the sentence sits in ("OBJECTIVE", "METHODS", ...),
  `section_opens` where it opens one; `*_cue`, an aim, a gap, a sample size, a sample, a
  procedure, a finding, statistics, a percentage, a conclusion, an admitted limitation;
  `past_passive`, `generic_present`: tense and voice; `middle`: how central its place is;
  `first_aim`, `first_sample`, `before_aim`, `first_gap`: the first aim, sample and gap
  sentences and the background before the aim; `aim_elsewhere`, `sample_elsewhere`: the
  abstract states an aim or a sample in another sentence.

The weights are fitted by benchmarks/train_aspect_scorer.py on the tuning cells only
(benchmarks/data/compare_cells_tune.jsonl, _holdout.jsonl, _holdout2.jsonl and _holdout3.jsonl,
never _holdout4.jsonl), which also chooses each aspect's threshold on the same cells and
reports leave-one-set-out cross-validation; it prints the constants below.  Custom aspects
(`--aspects compute`) have no weights and keep the hand score.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assistant.rag import abstract_cues
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
    # Domain-general cues (abstract_cues.py): the section of a structured abstract, ...
    "structured",
    *(f"section_{name}" for name in abstract_cues.SECTIONS),
    "section_opens",
    # ... rhetoric ...
    "aim_cue",
    "gap_cue",
    "size_cue",
    "sample_cue",
    "procedure_cue",
    "finding_cue",
    "stats_cue",
    "percent_cue",
    "conclusion_cue",
    "own_limitation_cue",
    # ... tense and voice, and place.
    "past_passive",
    "generic_present",
    "middle",
    "first_aim",
    "first_sample",
    "before_aim",
    "aim_elsewhere",
    "sample_elsewhere",
    "first_gap",
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
    parts = abstract_cues.sections(texts)
    structured = float(any(parts))
    first_aim = next((i for i, t in enumerate(texts) if abstract_cues.AIM.search(t)), -1)
    samples = [bool(abstract_cues.SIZE.search(t) or abstract_cues.SAMPLE.search(t)) for t in texts]
    first_sample = samples.index(True) if any(samples) else -1
    aims = [bool(abstract_cues.AIM.search(t)) for t in texts]
    first_gap = next((i for i, t in enumerate(texts) if abstract_cues.GAP.search(t)), -1)
    for i in range(count):
        role = roles[i]
        text = texts[i]
        past = bool(abstract_cues.PAST_PASSIVE.search(text))
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
            structured,
            *(float(name in parts[i]) for name in abstract_cues.SECTIONS),
            float(bool(abstract_cues.section_label(text))),
            float(bool(abstract_cues.AIM.search(text))),
            float(bool(abstract_cues.GAP.search(text))),
            float(bool(abstract_cues.SIZE.search(text))),
            float(bool(abstract_cues.SAMPLE.search(text))),
            float(bool(abstract_cues.PROCEDURE.search(text))),
            float(bool(abstract_cues.FINDING.search(text))),
            float(bool(abstract_cues.STATS.search(text))),
            float(bool(abstract_cues.PERCENT.search(text))),
            float(bool(abstract_cues.CONCLUSION.search(text))),
            float(bool(abstract_cues.OWN_LIMITATION.search(text))),
            float(past),
            float(bool(abstract_cues.PRESENT.search(text)) and not past and not SELF.search(text)),
            1.0 - abs(2.0 * float(places[i]) - 1.0),
            float(i == first_aim),
            float(i == first_sample),
            float(i < first_aim),
            float(any(aims) and not aims[i]),
            float(any(samples) and not samples[i]),
            float(i == first_gap),
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
        -2.4776,
        0.5692,
        0.7187,
        0.0594,
        0.3022,
        -0.5290,
        -1.2836,
        0.0209,
        0.1315,
        0.8786,
        1.2276,
        -0.0614,
        -0.3564,
        0.1128,
        -0.0964,
        -0.1545,
        -0.7102,
        -0.7159,
        0.0318,
        0.0607,
        0.5835,
        1.5848,
        0.6805,
        -0.1260,
        0.6983,
        -0.5553,
        -0.2939,
        0.1533,
        0.3839,
        0.5031,
        0.0247,
        0.1398,
        0.1728,
        -0.1927,
        0.0000,
        -0.0824,
        -0.0129,
        0.0000,
        0.1344,
        0.5336,
        0.4742,
        -0.0373,
        0.1777,
        0.4418,
        0.0955,
        -0.1367,
        -0.4085,
        0.2599,
        0.2611,
        -0.1680,
        -0.0590,
        0.0495,
        0.4546,
        0.5846,
        1.0865,
        -0.6194,
        0.0258,
        0.1874,
    ),
    "data": (
        -4.7218,
        1.1635,
        0.8033,
        0.6648,
        1.0256,
        0.0000,
        -0.2287,
        0.0892,
        0.3341,
        -1.1843,
        -0.1397,
        0.0656,
        0.3973,
        -0.5082,
        0.0543,
        0.4735,
        0.3545,
        0.0521,
        0.7936,
        0.4687,
        0.5430,
        0.0560,
        -0.4681,
        0.1778,
        -0.0488,
        0.9093,
        0.4500,
        -0.3552,
        0.7110,
        0.7907,
        0.1387,
        -0.0601,
        -0.0215,
        0.4250,
        0.0000,
        -0.1056,
        -0.0992,
        0.0000,
        0.0539,
        -0.4987,
        0.3642,
        0.8910,
        0.0389,
        0.0172,
        -0.0919,
        -0.5278,
        -0.3484,
        -0.7220,
        0.0976,
        0.2209,
        0.0666,
        0.6002,
        -0.2946,
        0.3660,
        -0.3303,
        -0.1041,
        0.0974,
        0.4022,
    ),
    "method": (
        -1.7685,
        0.3890,
        0.1469,
        0.2801,
        0.3930,
        -0.5669,
        -0.5321,
        -0.3606,
        -0.1863,
        -1.1260,
        -0.6486,
        -0.0780,
        0.1989,
        0.6116,
        -0.2080,
        0.2967,
        0.0856,
        -0.3521,
        0.0402,
        0.6310,
        -0.0206,
        0.8711,
        -0.5338,
        -0.1615,
        0.3528,
        -0.3405,
        0.1007,
        0.0302,
        0.6426,
        0.2065,
        0.1973,
        0.0254,
        -0.2467,
        0.9037,
        0.0000,
        -0.3813,
        -0.1039,
        0.0000,
        -0.2315,
        0.1532,
        -0.2693,
        0.1265,
        0.0624,
        0.2778,
        -0.4090,
        -0.5202,
        -0.2348,
        -0.4939,
        0.0795,
        0.2327,
        -0.2106,
        1.5640,
        -0.0176,
        0.3192,
        -1.0686,
        -0.0422,
        0.0793,
        -0.1258,
    ),
    "results": (
        -1.9174,
        0.4388,
        0.9970,
        -0.7077,
        0.3813,
        0.0000,
        1.9033,
        -0.3223,
        0.0785,
        -1.3633,
        -0.2478,
        -0.0870,
        -0.9485,
        -0.5234,
        -0.1107,
        -0.3091,
        0.5190,
        0.9741,
        0.0469,
        -0.5453,
        0.3262,
        -0.5204,
        -0.0020,
        -0.6649,
        -0.7982,
        -0.1922,
        0.8512,
        -0.6182,
        -0.2196,
        1.0263,
        -0.1834,
        -0.0196,
        -0.0335,
        -0.6759,
        0.0000,
        0.3745,
        0.1711,
        0.0000,
        0.2840,
        0.0457,
        0.1862,
        -0.6428,
        -0.2628,
        0.1383,
        0.8422,
        0.3707,
        0.6766,
        0.4388,
        -0.1535,
        0.6276,
        -0.4154,
        -0.2320,
        -0.1516,
        -0.0571,
        -1.2226,
        0.0672,
        -0.1134,
        0.2516,
    ),
    "limitations": (
        -5.4675,
        0.4040,
        0.2788,
        0.1346,
        0.2114,
        0.0000,
        0.3552,
        -0.0784,
        0.0309,
        -0.2979,
        0.5266,
        1.0965,
        -0.1355,
        0.0987,
        -0.1219,
        -0.0348,
        -0.2062,
        0.2934,
        -0.2402,
        -0.3665,
        -0.2591,
        -0.0582,
        0.1192,
        -0.0653,
        -0.0411,
        -0.0706,
        -0.0810,
        -0.0403,
        0.5050,
        0.2933,
        -0.0404,
        -0.0019,
        -0.0021,
        -0.0146,
        0.0000,
        -0.0160,
        -0.0058,
        0.0000,
        -0.0127,
        -0.1162,
        0.2486,
        -0.0221,
        -0.1334,
        0.4307,
        -0.3182,
        -0.0228,
        -0.0643,
        -0.0944,
        -0.0003,
        -0.0570,
        0.1149,
        -0.1827,
        -0.0569,
        -0.0542,
        -0.2369,
        -0.1928,
        0.4108,
        0.2527,
    ),
}
# Each aspect's cell says "not stated" when no sentence it can take reaches this probability.
THRESHOLDS: dict[str, float] = {
    "task": 0.25,
    "data": 0.2,
    "method": 0.4,
    "results": 0.6,
    "limitations": 0.1,
}
# A sentence another aspect of the row took is quoted again only at this probability: then it
# truly states both (a "we propose X, a dataset of ..." sentence is Data and Method at once).
BOTH: float = 0.9
