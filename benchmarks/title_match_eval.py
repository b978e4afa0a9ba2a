"""Title-match threshold for enrichment, measured on a labelled set of title pairs.

    .venv/bin/python benchmarks/title_match_eval.py

`benchmarks/data/title_match.jsonl`: one pair a line, a paper's title as a user's file gives it
(`query`), a record a title search could return (`candidate`), and whether it is the same paper
(`match`), with the kind of case (`kind`: case, dash, latex, spelling, ... for true pairs;
sequel, version, sibling, negation, erratum, shared-prefix, ... for false ones).  Queries are
the sample corpus's titles and well-known papers; candidates are real records' titles.

The set is split by query (a hash of it, so every pair of one query lands in one half) into a
tuning half and a held-out half *before* looking at scores.  The threshold is chosen on the
tuning half only: halfway between the best-scoring different paper and the worst-scoring same
paper when they separate, else the lowest threshold that accepts no different paper.  Both
halves are then reported at that threshold and at the one the code uses
(`assistant.scholarly.enrich.TITLE_THRESHOLD`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.scholarly.enrich import TITLE_THRESHOLD, match_score  # noqa: E402
from assistant.scholarly.hits import SearchHit  # noqa: E402
from assistant.sources.identity import make_paper  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "title_match.jsonl"


def load() -> tuple[list[dict], list[dict]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    tune, held = [], []
    for row in rows:
        half = hashlib.sha1(row["query"].encode("utf-8")).digest()[0] % 2
        (tune if half == 0 else held).append(row)
    return tune, held


def score(row: dict) -> float:
    paper = make_paper(title=row["query"])
    return match_score(paper, SearchHit(source="test", title=row["candidate"]))


def report(name: str, rows: list[dict], threshold: float) -> str:
    tp = sum(1 for r in rows if r["match"] and r["score"] >= threshold)
    fp = sum(1 for r in rows if not r["match"] and r["score"] >= threshold)
    fn = sum(1 for r in rows if r["match"] and r["score"] < threshold)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    positives = sum(1 for r in rows if r["match"])
    return (
        f"{name:9} pairs={len(rows):3} (same {positives}, different {len(rows) - positives})"
        f"  precision={precision:.3f} recall={recall:.3f}  tp={tp} fp={fp} fn={fn}"
    )


def main() -> None:
    tune, held = load()
    for row in tune + held:
        row["score"] = score(row)
    worst_true = min(r["score"] for r in tune if r["match"])
    best_false = max(r["score"] for r in tune if not r["match"])
    if best_false < worst_true:
        chosen = round((best_false + worst_true) / 2, 3)
    else:
        chosen = round(best_false + 0.001, 3)
    print(
        f"tuning half: same papers score >= {worst_true:.3f}, different papers <= {best_false:.3f}"
    )
    hardest = sorted((r for r in tune if not r["match"]), key=lambda r: -r["score"])[:3]
    for r in hardest:
        print(f"  hardest different ({r['kind']}): {r['score']:.3f}  {r['candidate']!r}")
    print(f"threshold chosen on the tuning half: {chosen:.3f}; the code uses {TITLE_THRESHOLD:.3f}")
    for threshold in sorted({chosen, TITLE_THRESHOLD}):
        print(f"at {threshold:.3f}:")
        print("  " + report("tuning", tune, threshold))
        print("  " + report("held-out", held, threshold))
    held_true = min(r["score"] for r in held if r["match"])
    held_false = max(r["score"] for r in held if not r["match"])
    print(f"held-out half: same papers score >= {held_true:.3f}, different <= {held_false:.3f}")
    misses = [r for r in held if (r["score"] >= TITLE_THRESHOLD) != r["match"]]
    for r in misses:
        verdict = "accepted" if r["score"] >= TITLE_THRESHOLD else "rejected"
        print(f"  held-out {verdict} wrongly ({r['kind']}, {r['score']:.3f}): {r['candidate']!r}")


if __name__ == "__main__":
    main()
