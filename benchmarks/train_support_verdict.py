"""Fit the citation check's verdict (assistant/rag/verdict.py) on the tuning pairs.

    .venv/bin/python benchmarks/support_eval.py --split tuning --dump /tmp/signals.jsonl
    .venv/bin/python benchmarks/train_support_verdict.py /tmp/signals.jsonl [--l2 1.0]

The dump holds, per hand-labelled pair of benchmarks/data/support_pairs.jsonl, the signals the
check computed (verdict.SIGNALS) and its label; the regression reads the broader inputs
verdict.features makes of them (verdict.FEATURES).  Only tuning splits are used: a dump that holds
the held-out split (support_eval.HELD_OUT) is refused.  The script fits a logistic regression
(standardised features, L2; by hand with numpy, as train_paper_choice.py does: a regression
over twelve features does not warrant scikit-learn and its SciPy), and scores it by
leave-one-split-out cross-validation: fit on all tuning splits but one, judge the one left out,
which is what a split written later looks like to it.  It prints, per threshold, the pooled
out-of-split share of faithful pairs supported and of wrong pairs flagged, then per split and
per kind at the chosen threshold (the one that maximises the smaller of the two shares, pooled
out of split), then the constants for verdict.py, fitted on all tuning splits.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from logistic import newton_logistic  # noqa: E402

THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(2, 19))


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(means, scales, weights with the bias last) of an L2 logistic regression, by Newton."""
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales < 1e-9] = 1.0
    z = np.hstack([(x - means) / scales, np.ones((len(x), 1))])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    return means, scales, newton_logistic(z, y, penalty, clip=50, ridge=1e-9)


def predict(model: tuple[np.ndarray, np.ndarray, np.ndarray], x: np.ndarray) -> np.ndarray:
    means, scales, w = model
    z = np.hstack([(x - means) / scales, np.ones((len(x), 1))]) @ w
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def rates(rows: list[dict], probs: np.ndarray, threshold: float) -> tuple[float, float, int, int]:
    """(faithful supported, wrong flagged, faithful count, wrong count)."""
    good = bad = supported = flagged = 0
    for row, p in zip(rows, probs, strict=True):
        judged = row["signals"] is None or p >= threshold
        if row["supported"]:
            good += 1
            supported += judged
        else:
            bad += 1
            flagged += not judged
    return supported / max(good, 1), flagged / max(bad, 1), good, bad


def main() -> None:
    from assistant.rag.verdict import FEATURES, features
    from benchmarks.support_eval import HELD_OUT, SUPPORTED_KINDS, WRONG_KINDS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", type=Path)
    parser.add_argument("--l2", type=float, default=10.0)
    parser.add_argument(
        "--features", nargs="*", default=list(FEATURES), help="A subset of verdict.FEATURES."
    )
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.dump.read_text(encoding="utf-8").splitlines()]
    for row in rows:  # the regression's inputs, made of the check's signals
        row["signals"] = features(row["signals"]) if row["signals"] is not None else None
    if any(row["split"] == HELD_OUT for row in rows):
        sys.exit(f"error: the dump holds {HELD_OUT}, the held-out split; dump --split tuning")
    features = [f for f in FEATURES if f in args.features]
    fitted = [row for row in rows if row["signals"] is not None]
    x_all = np.array([[row["signals"][f] for f in features] for row in fitted], dtype=float)
    y_all = np.array([float(row["supported"]) for row in fitted])
    splits = sorted({row["split"] for row in rows}, key=lambda s: (s != "tune", s))
    print(
        f"{len(rows)} pairs ({len(rows) - len(fitted)} decided before the verdict), splits: "
        f"{', '.join(splits)}; features: {', '.join(features)}; l2 {args.l2}"
    )

    # Out-of-split probability of every pair: fitted without its split.
    out = np.ones(len(rows))
    for split in splits:
        train = [i for i, row in enumerate(fitted) if row["split"] != split]
        model = fit(x_all[train], y_all[train], args.l2)
        for i, row in enumerate(rows):
            if row["split"] == split and row["signals"] is not None:
                out[i] = predict(model, np.array([[row["signals"][f] for f in features]]))[0]

    print("\nleave-one-split-out, pooled: threshold  faithful supported  wrong flagged")
    best = (-1.0, 0.5)
    for threshold in THRESHOLDS:
        sup, flag, good, bad = rates(rows, out, threshold)
        print(f"  {threshold:.2f}  {sup:6.1%} of {good}  {flag:6.1%} of {bad}")
        best = max(best, (min(sup, flag), threshold))
    threshold = best[1]
    print(f"\nchosen threshold {threshold:.2f}; per split left out:")
    for split in splits:
        mine = [i for i, row in enumerate(rows) if row["split"] == split]
        sup, flag, good, bad = rates([rows[i] for i in mine], out[mine], threshold)
        print(
            f"  {split:<9} faithful supported {sup:6.1%} of {good:<3} wrong flagged "
            f"{flag:6.1%} of {bad}"
        )
    print("per kind, pooled out of split:")
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_kind[row["kind"]].append(i)
    for kind in (*SUPPORTED_KINDS, *WRONG_KINDS):
        mine = by_kind.get(kind, [])
        if mine:
            sup, flag, _, _ = rates([rows[i] for i in mine], out[mine], threshold)
            share = sup if kind in SUPPORTED_KINDS else flag
            print(f"  {kind:<13} {share:6.1%} of {len(mine)}")

    means, scales, w = fit(x_all, y_all, args.l2)
    sup, flag, _, _ = rates(
        rows, predict((means, scales, w), x_all_rows(rows, features)), threshold
    )
    print(f"\nfitted on all tuning splits (optimistic): faithful {sup:.1%}, wrong {flag:.1%}")
    print("\n# constants for assistant/rag/verdict.py")
    full = {f: i for i, f in enumerate(features)}

    def spell(values: np.ndarray, neutral: float) -> str:
        return ", ".join(
            f"{values[full[f]]:.4f}" if f in full else f"{neutral:.4f}" for f in FEATURES
        )

    print(f"MEANS: tuple[float, ...] = ({spell(means, 0.0)})")
    print(f"SCALES: tuple[float, ...] = ({spell(scales, 1.0)})")
    print(f"WEIGHTS: tuple[float, ...] = ({spell(w[:-1], 0.0)})")
    print(f"BIAS = {w[-1]:.4f}")
    print(f"THRESHOLD = {threshold:.2f}")


def x_all_rows(rows: list[dict], features: list[str]) -> np.ndarray:
    """Every row's features (rows decided before the verdict get zeros; `rates` skips them)."""
    return np.array(
        [[(row["signals"] or {}).get(f, 0.0) for f in features] for row in rows], dtype=float
    )


if __name__ == "__main__":
    main()
