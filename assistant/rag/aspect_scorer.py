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
* `material_cue`, `technique_cue` (abstract_cues.py): the material of a laboratory study
  (cultured, infected or engineered cells and animals, slices, strains), its Data where a
  clinical study names patients; a named laboratory technique (an assay, a blot, sequencing,
  microscopy), its Method where a clinical one says "were measured"; `organism_cue`, the
  organism or engineered model a laboratory study works in ("in C. elegans", "mice lacking
  X", "Twist1(+/-) mice"), its Data too.
* `before_self`: the sentence just before the abstract first speaks of the paper itself, where
  a plain abstract states the problem it turns to; `before_problem`: the field's background
  before the first sentence stating an aim or a gap (that one, not the background, is the
  Task).

The weights are fitted by benchmarks/train_aspect_scorer.py on the tuning cells only
(benchmarks/data/compare_cells_tune.jsonl, _holdout.jsonl ... _holdout5.jsonl, never
_holdout6.jsonl), which also chooses each aspect's threshold on the
same cells and reports leave-one-set-out cross-validation; it prints the constants below.
Custom aspects (`--aspects compute`) have no weights and keep the hand score.
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
    "material_cue",
    "technique_cue",
    "organism_cue",
    "before_self",
    "before_problem",
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
    gaps = [
        bool(abstract_cues.GAP.search(t)) or r.problem for t, r in zip(texts, roles, strict=True)
    ]
    # The first sentence stating an aim or a gap: the field's background comes before it.
    first_stated = next((i for i in range(count) if aims[i] or gaps[i]), -1)
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
            float(bool(abstract_cues.MATERIAL.search(text))),
            float(bool(abstract_cues.TECHNIQUE.search(text))),
            float(bool(abstract_cues.ORGANISM.search(text))),
            # the sentence just before the abstract first speaks of the paper itself: where a
            # plain abstract states the problem it turns to ("Until now, no dataset ...")
            float(first_self > 0 and i == first_self - 1),
            # the field's background before the first stated aim or gap, which is the Task
            float(first_stated > i and not aims[i] and not gaps[i]),
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
        -2.3985,
        0.5989,
        0.6450,
        0.1207,
        0.1195,
        -0.6271,
        -1.6589,
        -0.2729,
        0.0677,
        0.2651,
        0.9903,
        -0.1669,
        -0.3754,
        -0.0459,
        -0.1234,
        -0.3966,
        -0.5808,
        -0.3422,
        -0.0800,
        0.3371,
        0.6999,
        1.4839,
        0.5504,
        0.1884,
        0.6676,
        -0.5177,
        -0.3079,
        0.0243,
        0.4206,
        0.3395,
        0.0622,
        0.1296,
        0.6505,
        -0.4819,
        -0.1990,
        -0.1842,
        -0.1931,
        0.0000,
        0.0308,
        0.9150,
        0.7734,
        -0.1329,
        0.0936,
        0.4669,
        -0.0925,
        -0.2213,
        -0.4726,
        0.2034,
        0.1327,
        0.0595,
        0.2496,
        -0.3257,
        0.2866,
        0.6605,
        1.3914,
        -0.8122,
        0.2083,
        0.5045,
        0.3269,
        0.6006,
        0.3565,
        1.2661,
        -0.5600,
    ),
    "data": (
        -4.3936,
        1.2061,
        0.5763,
        0.9633,
        1.0432,
        0.0000,
        -0.6066,
        -0.3952,
        0.2195,
        -1.1058,
        -0.2198,
        0.1914,
        0.2705,
        -0.2729,
        0.0180,
        0.4246,
        0.2353,
        0.1222,
        0.7650,
        0.6272,
        0.3703,
        0.2904,
        -0.6520,
        -0.0149,
        0.1791,
        0.8788,
        0.5085,
        -0.3617,
        0.6529,
        0.5850,
        -0.4259,
        -0.0674,
        -0.3614,
        0.4211,
        0.8323,
        -0.8492,
        -0.5075,
        0.0000,
        0.3851,
        -0.5927,
        0.2790,
        0.8653,
        0.2909,
        0.2093,
        -0.1869,
        -0.3496,
        -0.2733,
        -0.5360,
        0.0433,
        0.0831,
        0.0900,
        0.2462,
        -0.1419,
        0.5242,
        -0.3457,
        -0.1501,
        0.0281,
        0.3307,
        0.3648,
        0.4555,
        1.3951,
        -0.4631,
        -0.2912,
    ),
    "method": (
        -1.9510,
        0.5668,
        -0.0909,
        0.6614,
        0.5014,
        -0.5389,
        -0.7237,
        -0.5371,
        -0.2589,
        -1.1393,
        -0.6292,
        -0.1237,
        0.2383,
        0.7018,
        -0.4251,
        0.4701,
        0.1805,
        -0.2174,
        -0.0175,
        0.7577,
        0.1976,
        0.9093,
        -0.3709,
        -0.2777,
        0.4390,
        -0.1273,
        -0.0956,
        0.1776,
        0.3439,
        0.0652,
        -0.4218,
        -0.1938,
        -0.7850,
        1.5319,
        0.2242,
        -0.9986,
        -0.2984,
        0.0000,
        0.2030,
        -0.0512,
        -0.3447,
        0.4444,
        0.1404,
        0.3860,
        -0.6596,
        -0.1782,
        -0.2537,
        -0.3431,
        0.0270,
        0.8016,
        -0.2026,
        1.4577,
        -0.2802,
        0.2776,
        -0.8632,
        -0.1756,
        0.1242,
        -0.1819,
        0.3595,
        0.7238,
        0.6166,
        -0.3796,
        -0.4025,
    ),
    "results": (
        -1.4639,
        0.3504,
        0.5296,
        -1.1567,
        0.4931,
        0.0000,
        2.3757,
        -0.3595,
        -0.1366,
        -1.5689,
        -0.1460,
        0.0867,
        -0.8704,
        -0.5923,
        0.1535,
        -0.5604,
        0.6458,
        0.6734,
        0.0936,
        -0.6796,
        0.2833,
        -0.6775,
        -0.1025,
        -0.3944,
        -0.9492,
        0.0727,
        0.3300,
        -0.4969,
        -0.2151,
        1.0829,
        -0.0327,
        -0.5755,
        -0.1507,
        -0.7417,
        -0.5947,
        1.3698,
        0.3996,
        0.0000,
        -0.2248,
        -0.2297,
        0.0200,
        -1.2402,
        -0.5699,
        -0.3080,
        1.2198,
        0.1761,
        0.7991,
        0.3238,
        -0.3724,
        -0.0639,
        -0.4871,
        0.0685,
        -0.4048,
        0.0611,
        -1.3726,
        0.2275,
        -0.3715,
        0.2002,
        0.4973,
        0.0426,
        0.1990,
        -0.5422,
        -0.5943,
    ),
    "limitations": (
        -5.4449,
        0.4798,
        0.3593,
        0.1866,
        0.2516,
        0.0000,
        0.4234,
        -0.1323,
        0.1261,
        -0.4471,
        0.4944,
        1.1533,
        0.1336,
        -0.0052,
        -0.1560,
        -0.0458,
        -0.3539,
        0.2142,
        -0.3607,
        -0.4553,
        -0.3630,
        -0.0842,
        0.0136,
        -0.1124,
        -0.0688,
        -0.1338,
        0.0346,
        -0.0582,
        0.6140,
        0.3799,
        0.0962,
        -0.0651,
        -0.0172,
        0.3923,
        -0.0124,
        0.0864,
        -0.1145,
        0.0000,
        -0.1453,
        0.0984,
        0.5993,
        -0.0398,
        -0.1583,
        0.2848,
        -0.4576,
        -0.0499,
        -0.0884,
        -0.1743,
        0.5297,
        -0.1086,
        0.3107,
        -0.1588,
        -0.0959,
        -0.0690,
        -0.0631,
        -0.2470,
        0.4312,
        0.4120,
        -0.0433,
        -0.0636,
        -0.0520,
        -0.2008,
        0.1634,
    ),
}
# Each aspect's cell says "not stated" when no sentence it can take reaches this probability.
THRESHOLDS: dict[str, float] = {
    "task": 0.2,
    "data": 0.3,
    "method": 0.25,
    "results": 0.5,
    "limitations": 0.1,
}
# A sentence another aspect of the row took is quoted again only at this probability: then it
# truly states both (a "we propose X, a dataset of ..." sentence is Data and Method at once).
BOTH: float = 0.8
