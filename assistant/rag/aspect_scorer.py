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
  microscopy), its Method where a clinical one says "were measured".

The weights are fitted by benchmarks/train_aspect_scorer.py on the tuning cells only
(benchmarks/data/compare_cells_tune.jsonl, _holdout.jsonl, _holdout2.jsonl, _holdout3.jsonl
and _holdout4.jsonl, never _holdout5.jsonl), which also chooses each aspect's threshold on the
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
            float(bool(abstract_cues.MATERIAL.search(text))),
            float(bool(abstract_cues.TECHNIQUE.search(text))),
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
        -2.2902,
        0.5599,
        0.7263,
        0.0752,
        0.2361,
        -0.4807,
        -1.5804,
        -0.2637,
        0.1587,
        0.6208,
        1.2290,
        -0.1795,
        -0.3595,
        0.0463,
        -0.1656,
        -0.1844,
        -0.5433,
        -0.3567,
        -0.0838,
        0.1235,
        0.6488,
        1.6818,
        0.5943,
        0.0318,
        0.6160,
        -0.7744,
        -0.3022,
        0.1409,
        0.3170,
        0.4609,
        -0.0066,
        -0.0117,
        0.5703,
        -0.5323,
        -0.1074,
        -0.3614,
        -0.1708,
        0.0000,
        0.1127,
        0.6085,
        0.7822,
        -0.0936,
        0.1263,
        0.3141,
        -0.0311,
        -0.1738,
        -0.3912,
        0.2420,
        0.0998,
        -0.1398,
        0.1215,
        -0.2078,
        0.4385,
        0.5983,
        1.1138,
        -0.6813,
        0.0773,
        0.5000,
        0.3767,
        0.2954,
    ),
    "data": (
        -4.5325,
        1.2061,
        0.6897,
        0.7944,
        1.0528,
        0.0000,
        -0.3728,
        -0.0979,
        0.2683,
        -1.1615,
        -0.1280,
        -0.0206,
        0.2679,
        -0.3935,
        0.0204,
        0.5061,
        0.2668,
        0.1551,
        0.7188,
        0.6348,
        0.3897,
        0.1881,
        -0.4972,
        0.0745,
        0.1973,
        0.7163,
        0.4840,
        -0.3455,
        0.6553,
        0.7001,
        -0.4893,
        0.0472,
        -0.2881,
        0.5674,
        0.3832,
        -0.8494,
        -0.4390,
        0.0000,
        0.1122,
        -0.5588,
        0.2600,
        1.1762,
        0.1723,
        0.3628,
        -0.2601,
        -0.5298,
        -0.2844,
        -0.6036,
        0.0259,
        0.0697,
        0.0733,
        0.3537,
        -0.1895,
        0.5002,
        -0.4224,
        -0.1770,
        0.0895,
        0.3141,
        0.6458,
        0.3173,
    ),
    "method": (
        -2.0263,
        0.4648,
        0.1381,
        0.5169,
        0.4199,
        -0.5945,
        -0.6092,
        -0.4574,
        -0.1291,
        -1.0987,
        -0.7115,
        -0.0183,
        0.2294,
        0.6929,
        -0.4103,
        0.4297,
        0.0724,
        -0.2596,
        -0.0169,
        0.8147,
        -0.0109,
        0.9281,
        -0.5136,
        -0.3896,
        0.3212,
        -0.2150,
        0.0512,
        0.0377,
        0.4776,
        0.1338,
        -0.1737,
        -0.2011,
        -0.8022,
        1.6059,
        0.3344,
        -0.9205,
        -0.2989,
        0.0000,
        -0.0161,
        0.0976,
        -0.3271,
        0.2901,
        0.0501,
        0.2503,
        -0.4940,
        -0.4906,
        -0.2126,
        -0.4772,
        0.0204,
        0.6062,
        -0.1211,
        1.5262,
        -0.1010,
        0.3655,
        -1.0502,
        -0.0139,
        0.1073,
        -0.1411,
        0.2526,
        0.3252,
    ),
    "results": (
        -1.7749,
        0.4597,
        0.8880,
        -0.8811,
        0.4487,
        0.0000,
        2.2145,
        -0.2743,
        0.0781,
        -1.5527,
        -0.1776,
        -0.2002,
        -0.9480,
        -0.6240,
        0.0500,
        -0.4856,
        0.6746,
        0.8148,
        -0.0025,
        -0.8004,
        0.3783,
        -0.6733,
        0.0720,
        -0.5760,
        -1.0345,
        0.0897,
        0.5076,
        -0.6593,
        -0.1498,
        1.0382,
        0.0058,
        -0.3244,
        -0.1768,
        -1.3167,
        -0.3565,
        1.3315,
        0.6905,
        0.0000,
        -0.0700,
        -0.0618,
        0.1391,
        -0.8381,
        -0.2838,
        -0.2302,
        0.9620,
        0.2468,
        0.7025,
        0.5291,
        -0.2900,
        0.2395,
        -0.6102,
        -0.0169,
        -0.1774,
        -0.1505,
        -1.3099,
        -0.0068,
        -0.1296,
        0.2600,
        0.4495,
        -0.0823,
    ),
    "limitations": (
        -5.4688,
        0.4396,
        0.3265,
        0.1612,
        0.1985,
        0.0000,
        0.3448,
        -0.1177,
        -0.0499,
        -0.4181,
        0.5641,
        1.2351,
        0.1363,
        0.0124,
        -0.1538,
        -0.0454,
        -0.3273,
        0.2262,
        -0.3545,
        -0.4410,
        -0.2695,
        -0.0753,
        0.0435,
        -0.0927,
        -0.0600,
        -0.1134,
        0.0646,
        -0.0494,
        0.5257,
        0.3500,
        -0.0339,
        -0.0387,
        -0.0120,
        0.1662,
        -0.0102,
        0.1207,
        -0.0599,
        0.0000,
        -0.0918,
        -0.1394,
        0.4034,
        -0.0321,
        -0.1560,
        0.3109,
        -0.4155,
        -0.0489,
        -0.0933,
        -0.1373,
        0.5487,
        -0.0972,
        0.1938,
        -0.0867,
        -0.0753,
        -0.0651,
        -0.0513,
        -0.0948,
        0.5139,
        0.1967,
        -0.0254,
        -0.0464,
    ),
}
# Each aspect's cell says "not stated" when no sentence it can take reaches this probability.
THRESHOLDS: dict[str, float] = {
    "task": 0.2,
    "data": 0.3,
    "method": 0.4,
    "results": 0.55,
    "limitations": 0.1,
}
# A sentence another aspect of the row took is quoted again only at this probability: then it
# truly states both (a "we propose X, a dataset of ..." sentence is Data and Method at once).
BOTH: float = 0.9
