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
(benchmarks/data/compare_cells_tune.jsonl, _holdout.jsonl ... _holdout6.jsonl, never
_holdout7.jsonl), which also chooses each aspect's threshold on the
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
        -2.2927,
        0.7120,
        0.5430,
        0.1957,
        0.1917,
        -0.5700,
        -1.8114,
        -0.2256,
        0.0861,
        0.2360,
        1.0270,
        -0.1468,
        -0.3632,
        -0.0296,
        -0.0562,
        -0.3921,
        -0.5468,
        -0.2851,
        -0.1401,
        0.1630,
        0.6972,
        1.6502,
        0.4524,
        0.0628,
        0.7647,
        -0.4263,
        -0.5266,
        0.0514,
        0.2653,
        0.3420,
        0.0365,
        0.1570,
        0.8556,
        -0.6287,
        -0.2069,
        -0.1874,
        -0.1934,
        0.0000,
        -0.1399,
        0.9185,
        0.9665,
        -0.1729,
        0.1413,
        0.3845,
        -0.2527,
        -0.2404,
        -0.4979,
        0.2858,
        0.1451,
        0.1028,
        0.2771,
        -0.1708,
        0.3809,
        0.5868,
        1.2708,
        -0.8511,
        0.1979,
        0.4990,
        0.2109,
        0.6017,
        0.2724,
        1.1275,
        -0.4779,
    ),
    "data": (
        -4.4011,
        1.2394,
        0.4760,
        1.0424,
        1.1059,
        0.0000,
        -0.7993,
        -0.4647,
        0.2531,
        -0.9868,
        -0.2637,
        0.2201,
        0.3251,
        -0.1666,
        0.0610,
        0.4344,
        0.2558,
        0.1175,
        0.7374,
        0.7525,
        0.2860,
        0.3243,
        -0.7026,
        0.0079,
        0.0992,
        1.0414,
        0.5526,
        -0.3565,
        0.5855,
        0.5263,
        -0.4072,
        -0.2084,
        -0.4147,
        0.3395,
        1.1214,
        -0.8505,
        -0.5647,
        0.0000,
        0.5892,
        -0.4722,
        0.2586,
        0.8890,
        0.2395,
        0.1464,
        -0.2255,
        -0.2149,
        -0.2508,
        -0.5446,
        0.0617,
        0.1485,
        0.1973,
        0.2046,
        -0.0952,
        0.4516,
        -0.3124,
        -0.0865,
        -0.0632,
        0.3087,
        0.3921,
        0.4368,
        1.4240,
        -0.4724,
        -0.5050,
    ),
    "method": (
        -2.0715,
        0.5361,
        0.1403,
        0.7501,
        0.4400,
        -0.4916,
        -0.6887,
        -0.5383,
        -0.3805,
        -1.1745,
        -0.7477,
        -0.1630,
        0.2630,
        0.6672,
        -0.4757,
        0.5287,
        0.0418,
        -0.2789,
        -0.0687,
        0.7130,
        0.3111,
        0.8352,
        -0.2812,
        -0.2228,
        0.3746,
        -0.0839,
        -0.0709,
        0.1832,
        0.1947,
        0.1139,
        -0.5299,
        -0.2261,
        -0.7932,
        1.7399,
        0.1150,
        -1.0260,
        -0.3955,
        0.0000,
        0.2880,
        -0.0598,
        -0.3532,
        0.3982,
        0.1844,
        0.5680,
        -0.6795,
        -0.2763,
        -0.3089,
        -0.3395,
        0.0365,
        0.6195,
        -0.2952,
        1.4244,
        -0.3596,
        0.2163,
        -0.8915,
        -0.1549,
        0.1692,
        -0.1906,
        0.4888,
        0.9442,
        0.7609,
        -0.3951,
        -0.4123,
    ),
    "results": (
        -1.2029,
        0.2818,
        0.5228,
        -1.4511,
        0.5205,
        0.0000,
        2.4810,
        -0.4923,
        -0.2670,
        -1.6128,
        -0.1266,
        0.0858,
        -0.9329,
        -0.6388,
        0.0919,
        -0.6531,
        0.6447,
        0.6433,
        0.0271,
        -0.6705,
        0.2899,
        -0.5539,
        -0.0642,
        -0.4221,
        -0.8930,
        0.1205,
        0.3741,
        -0.5111,
        -0.3508,
        1.0901,
        -0.1723,
        -0.6250,
        -0.2021,
        -0.9889,
        -0.6835,
        1.5934,
        0.4629,
        0.0000,
        -0.2117,
        -0.2078,
        -0.0412,
        -1.3249,
        -0.6804,
        -0.2801,
        1.1699,
        0.1236,
        0.9153,
        0.2308,
        -0.3874,
        -0.0217,
        -0.4712,
        0.0887,
        -0.2469,
        0.0317,
        -1.5627,
        0.2095,
        -0.4148,
        0.1704,
        0.5271,
        0.0580,
        0.1281,
        -0.5247,
        -0.2777,
    ),
    "limitations": (
        -5.5793,
        0.4994,
        0.3916,
        0.1594,
        0.2924,
        0.0000,
        0.4967,
        -0.1412,
        0.2715,
        -0.4759,
        0.6381,
        1.0964,
        0.1166,
        -0.0561,
        -0.1591,
        -0.0468,
        -0.4066,
        0.1748,
        -0.3951,
        -0.2529,
        -0.3326,
        -0.1024,
        0.2160,
        -0.1091,
        -0.0753,
        -0.1444,
        0.2422,
        -0.0663,
        0.6977,
        0.3767,
        0.0541,
        -0.0644,
        -0.0190,
        0.3843,
        -0.0126,
        0.0606,
        -0.1317,
        0.0000,
        -0.1591,
        0.0653,
        0.5538,
        -0.0412,
        -0.1512,
        0.2519,
        -0.5164,
        -0.0500,
        -0.1021,
        -0.2074,
        0.5169,
        -0.1275,
        0.2327,
        -0.2176,
        -0.1087,
        -0.0659,
        -0.0775,
        -0.4140,
        0.5415,
        0.3803,
        -0.0477,
        -0.0704,
        -0.0616,
        -0.2151,
        0.1720,
    ),
}
# Each aspect's cell says "not stated" when no sentence it can take reaches this probability.
THRESHOLDS: dict[str, float] = {
    "task": 0.2,
    "data": 0.35,
    "method": 0.35,
    "results": 0.55,
    "limitations": 0.1,
}
# A sentence another aspect of the row took is quoted again only at this probability: then it
# truly states both (a "we propose X, a dataset of ..." sentence is Data and Method at once).
BOTH: float = 0.9
