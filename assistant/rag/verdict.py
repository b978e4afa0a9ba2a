"""Whether a cited claim is supported: a small learned decision over the citation check's signals.

The rules of the check (citations.py: figures, names, negation, direction, antonyms, swapped
choices, overclaims, added details; entailment.py, quantities.py, figure_binding.py) each say
why a claim might not be supported, and the scores say how much of it the cited passage covers.
Each rule is right more often than not, but none is right always: a faithful paraphrase trips a
rule now and then (a word of its own that reads as a negation, a figure the normaliser cannot
read), and a wrong claim often trips none but scores a little lower.  So the verdict is one
logistic regression over all of them at once, named in `FEATURES`:

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

FEATURES: tuple[str, ...] = (
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
# Fitted by benchmarks/train_support_verdict.py (features standardised by MEANS and SCALES).
MEANS: tuple[float, ...] = (
    0.7655,
    0.7814,
    0.7496,
    0.4888,
    0.1651,
    0.0605,
    0.0056,
    0.0762,
    0.0572,
    0.0684,
    0.0504,
    0.0359,
    0.0034,
    0.0852,
    0.0325,
    0.0785,
    0.0258,
    0.0531,
    0.5527,
)
SCALES: tuple[float, ...] = (
    0.1654,
    0.2195,
    0.1543,
    0.4999,
    0.3530,
    0.2385,
    0.0747,
    0.2654,
    0.2322,
    0.2524,
    0.2189,
    0.1860,
    0.0579,
    0.2792,
    0.1774,
    0.2689,
    0.1585,
    0.1901,
    0.6684,
)
WEIGHTS: tuple[float, ...] = (
    0.2680,
    -0.0249,
    0.6100,
    0.8473,
    -0.9687,
    0.3220,
    -0.3293,
    0.2096,
    -0.3684,
    0.3936,
    -0.1428,
    -0.4561,
    -0.1308,
    0.0871,
    0.2511,
    -0.3630,
    -0.1706,
    -1.1097,
    -3.0701,
)
BIAS = -0.9272
THRESHOLD = 0.65
# Leave-one-split-out (train_support_verdict.py) over the six tuning splits' 898 pairs, at 0.65:
# faithful supported 93.6%, wrong flagged 91.4%, pooled; the split left out: tune 95.9 / 98.4,
# holdout 97.2 / 98.4, holdout2 98.7 / 92.2, holdout3 97.8 / 96.2, holdout4 88.0 / 84.8,
# holdout5 80.8 / 82.8 (the newest splits, whose items no rule was written for, are the
# honest estimate of a new set).  0.65 maximises the smaller of the two pooled shares.


# The same fit without `support` and `cosine` (their weights 0, so it standardises by the same
# MEANS and SCALES), for other embedders.  Leave-one-split-out at 0.80: pooled 92.1% of faithful
# sentences supported and 91.9% of wrong ones flagged; tune 95.9 / 98.4, holdout 94.4 / 98.4,
# holdout2 98.7 / 93.8, holdout3 95.6 / 96.2, holdout4 89.1 / 84.8, holdout5 73.1 / 84.4.
LEXICAL_WEIGHTS: tuple[float, ...] = (
    0.0000,
    0.3768,
    0.0000,
    0.7597,
    -0.9630,
    0.3303,
    -0.3303,
    0.1469,
    -0.4243,
    0.3865,
    -0.1510,
    -0.4799,
    -0.1551,
    0.0385,
    0.2672,
    -0.3747,
    -0.1432,
    -1.2710,
    -2.9747,
)
LEXICAL_BIAS = -0.9318
LEXICAL_THRESHOLD = 0.80

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
        for name, mean, scale, weight in zip(
            FEATURES, self.means, self.scales, self.weights, strict=True
        ):
            z += weight * (float(signals.get(name, 0.0)) - mean) / scale
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
