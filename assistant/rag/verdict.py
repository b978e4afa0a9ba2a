"""Whether a cited claim is supported: a small learned decision over the citation check's signals.

The rules of the check (citations.py: figures, names, negation, direction, antonyms, swapped
choices, overclaims, added details; entailment.py, quantities.py, figure_binding.py) each say
why a claim might not be supported, and the scores say how much of it the cited passage covers.
Each rule is right more often than not, but none is right always: a faithful paraphrase trips a
rule now and then (a word of its own that reads as a negation, a figure the normaliser cannot
read), and a wrong claim often trips none but scores a little lower.  So the verdict is one
logistic regression over all of them at once.  citations.py hands it the `SIGNALS`:

* `support`, `lexical`, `cosine`: the check's score (citations.py), the idf-weighted share of
  the claim's terms in the cited passages, and the best cosine with one of their sentences;
* `figures`: 1 when the claim states figures; `figure_missing`: the share of them the cited
  passages do not give; `figure_elsewhere`: 1 when another paper's source gives them all;
  `misbound`: a figure given to another item than the one the source gives it to;
* `name_missing`, `name_elsewhere`: a name the cited passages never mention, and 1 when another
  source's paper does;
* `negation`, `direction`, `antonym`, `swapped`, `overclaim`, `added`: the rules of
  entailment.py, 1 when each fires;
* `denial`, `turned`: the claim negates where the source sentences closest to it do not (or
  the other way round), or moves the other way ("rises" where they say "falls"), without a
  rule naming the word (entailment.polarity_disagrees);
* `better`: how much more of the claim's terms the best uncited paper's source covers;
* `rules`: how many of the rules fired (a faithful sentence rarely trips two).

The regression reads fewer, broader `FEATURES` made of them (`features`): the six polarity
signals (negation, direction, antonym, swapped, denial, turned) summed as `polarity`, the two
name signals as `names`, `figure_elsewhere` left out.  Fitted one weight each, the polarity
rules' weights were noise from split to split (dropping any one of them moved the
leave-one-split-out shares by under half a point); as one count, a flip any of them catches
weighs the same, which is what a claim written later needs, and the fit has 12 inputs, not 19,
at the same leave-one-split-out numbers (below).

The reason a user sees still comes from the rules: the first that fired, in citations.py's order,
or "not in the source" when none did and the decision says no.  The weights are fitted by
benchmarks/train_support_verdict.py on the tuning splits of benchmarks/data/support_pairs.jsonl
(never the held-out one), which prints the constants below; the threshold was chosen by
leave-one-split-out cross-validation, not on the fit itself.

`support` and `cosine` are cosines of the embedder the library uses, and their scale is the
embedder's own: the model fitted with them holds for the local MiniLM it was fitted with
(`FITTED_EMBEDDER`).  With any other embedder (`openai:<model>`, the tests' hashing one) the
check decides with `LEXICAL`, the same regression fitted without those two inputs
(`train_support_verdict.py --features` all but support and cosine), whose leave-one-split-out
numbers are about the same (below).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

SIGNALS: tuple[str, ...] = (
    "support",
    "lexical",
    "cosine",
    "figures",
    "figure_missing",
    "figure_elsewhere",
    "misbound",
    "name_missing",
    "name_elsewhere",
    "negation",
    "direction",
    "antonym",
    "swapped",
    "overclaim",
    "added",
    "denial",
    "turned",
    "better",
    "rules",
)
# What the regression reads: a signal itself, or the sum of a group of them.
GROUPS: dict[str, tuple[str, ...]] = {
    "names": ("name_missing", "name_elsewhere"),
    "polarity": ("negation", "direction", "antonym", "swapped", "denial", "turned"),
}
FEATURES: tuple[str, ...] = (
    "support",
    "lexical",
    "cosine",
    "figures",
    "figure_missing",
    "misbound",
    "names",
    "polarity",
    "overclaim",
    "added",
    "better",
    "rules",
)


def features(signals: Mapping[str, float]) -> dict[str, float]:
    """The regression's inputs (`FEATURES`) from the check's `SIGNALS` (a missing one is 0)."""
    return {
        name: sum(float(signals.get(part, 0.0)) for part in GROUPS.get(name, (name,)))
        for name in FEATURES
    }


# Fitted by benchmarks/train_support_verdict.py (features standardised by MEANS and SCALES).
MEANS: tuple[float, ...] = (
    0.7591,
    0.7702,
    0.7480,
    0.5000,
    0.1669,
    0.0048,
    0.1255,
    0.2664,
    0.0859,
    0.0338,
    0.0524,
    0.5512,
)
SCALES: tuple[float, ...] = (
    0.1666,
    0.2219,
    0.1553,
    0.5000,
    0.3535,
    0.0693,
    0.4647,
    0.6044,
    0.2802,
    0.1807,
    0.1897,
    0.6593,
)
WEIGHTS: tuple[float, ...] = (
    0.2294,
    0.0048,
    0.4854,
    0.7304,
    -1.3466,
    -0.2551,
    -0.0937,
    -0.4608,
    -0.2685,
    -0.0207,
    -0.5198,
    -1.8149,
)
BIAS = -0.5709
THRESHOLD = 0.70
# Leave-one-split-out (train_support_verdict.py, l2 10) over the seven tuning splits' 1,042
# pairs, at 0.70: faithful supported 91.7%, wrong flagged 91.9%, pooled; the split left out:
# tune 97.3 / 98.4, holdout 95.8 / 98.4, holdout2 96.1 / 95.3, holdout3 96.7 / 96.2, holdout4
# 85.9 / 85.7, holdout5 82.7 / 84.4, holdout6 85.1 / 89.6 (the newest splits, whose items no
# rule was written for, are the honest estimate of a new set).  0.70 maximises the smaller of
# the two pooled shares.  Fitted on all seven (optimistic): 92.7% / 92.3%, so what holds the
# check back is what the signals can tell apart, not the fit.


# The same fit without `support` and `cosine` (their weights 0, so it standardises by the same
# MEANS and SCALES), for other embedders.  Leave-one-split-out at 0.75: pooled 92.3% of faithful
# sentences supported and 91.7% of wrong ones flagged; tune 97.3 / 98.4, holdout 94.4 / 98.4,
# holdout2 98.7 / 93.8, holdout3 96.7 / 96.2, holdout4 90.2 / 85.7, holdout5 78.8 / 82.8,
# holdout6 85.1 / 90.9.
LEXICAL_WEIGHTS: tuple[float, ...] = (
    0.0000,
    0.2907,
    0.0000,
    0.6898,
    -1.3366,
    -0.2531,
    -0.1414,
    -0.4537,
    -0.2950,
    -0.0228,
    -0.6659,
    -1.8166,
)
LEXICAL_BIAS = -0.5632
LEXICAL_THRESHOLD = 0.75

FITTED_EMBEDDER = (
    "local:all-MiniLM-L6-v2-q8"  # embeddings.LOCAL_MODEL_NAME (a test holds them equal)
)


@dataclass(frozen=True)
class Model:
    """One fitted regression over `FEATURES` (standardised by `means` and `scales`)."""

    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, signals: Mapping[str, float]) -> float:
        """The fitted probability that the cited passages support a claim with `signals`."""
        z = self.bias
        inputs = features(signals)
        for name, mean, scale, weight in zip(
            FEATURES, self.means, self.scales, self.weights, strict=True
        ):
            z += weight * (inputs[name] - mean) / scale
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def supported(self, signals: Mapping[str, float]) -> bool:
        """Whether a claim with these signals is supported by the passages it cites."""
        return self.probability(signals) >= self.threshold


WITH_COSINES = Model(MEANS, SCALES, WEIGHTS, BIAS, THRESHOLD)
LEXICAL = Model(MEANS, SCALES, LEXICAL_WEIGHTS, LEXICAL_BIAS, LEXICAL_THRESHOLD)


def probability(signals: Mapping[str, float]) -> float:
    """The fitted probability (of the model fitted with the local embedder's cosines)."""
    return WITH_COSINES.probability(signals)


def supported(signals: Mapping[str, float]) -> bool:
    """Whether a claim with these signals is supported (local embedder's cosines)."""
    return WITH_COSINES.supported(signals)


def for_embedder(name: str) -> Callable[[Mapping[str, float]], bool]:
    """The decision for a library embedded by `name`: cosines count only on the scale fitted."""
    return WITH_COSINES.supported if name == FITTED_EMBEDDER else LEXICAL.supported
