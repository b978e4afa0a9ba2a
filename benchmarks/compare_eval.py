"""How well the offline comparison fills cells: against hand-labelled cells of the sample corpus.

    .venv/bin/python benchmarks/compare_eval.py [--data-dir DIR] [--sweep]

benchmarks/data/compare_cells.jsonl gives, for 15 papers of samples/vision-datasets-papers.txt
and each default aspect, the sentences (by their opening words) that state it; an empty list
means the abstract does not state the aspect.  For every cell we run the extractive picker
(assistant/rag/compare_extractive.py) and count:

* right:    a stated cell quoting one of its labelled sentences;
* wrong:    a stated cell quoting another sentence;
* missed:   a stated cell said "not stated";
* invented: a not-stated cell quoting a sentence;
* abstained: a not-stated cell said "not stated".

`--sweep` prints these for a range of single thresholds and, per aspect, the best score of
each cell, stated vs not stated, which is what each `Aspect.threshold` is chosen from.
Without `--data-dir` the sample corpus is ingested into a temporary folder first (about 15 s).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "benchmarks" / "data" / "compare_cells.jsonl"
CORPUS = ROOT / "samples" / "vision-datasets-papers.txt"


def main() -> None:
    import sys

    sys.path.insert(0, str(ROOT))
    from assistant.ingest import ingest
    from assistant.rag.aspects import DEFAULT_ASPECTS, aspect
    from assistant.rag.compare_extractive import (
        paper_sentences,
        pick_sentences,
        score_matrix,
    )
    from assistant.rag.embeddings import OnnxMiniLMEmbedder
    from assistant.store.library import Library
    from assistant.types import Passage, Source

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="a library holding the sample corpus")
    parser.add_argument("--sweep", action="store_true", help="try a range of thresholds")
    parser.add_argument("--verbose", action="store_true", help="print every wrong cell")
    args = parser.parse_args()

    cache = Path(tempfile.gettempdir()) / "litassist-bench-models"
    embedder = OnnxMiniLMEmbedder(cache)
    data_dir = args.data_dir
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="litassist-compare-eval-"))
        library = Library.open(data_dir, embedder, create=True)
        ingest([CORPUS], library)
        library.close()
    library = Library.open(data_dir, embedder)
    papers = {row.paper.title: row.paper for row in library.catalog.list_rows()}
    aspects = [aspect(name) for name in DEFAULT_ASPECTS]

    cases = []  # (labels per aspect, sentences, score matrix)
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        paper = papers[label["title"]]
        chunks = library.catalog.chunks_of([paper.id])
        sources = [Source(n, paper, Passage(c, 0.0)) for n, c in enumerate(chunks, start=1)]
        sentences = paper_sentences(sources)
        scores = score_matrix(aspects, sentences, embedder=embedder)
        cases.append((label, sentences, scores))
    library.close()

    def evaluate(threshold: float | None, verbose: bool = False) -> Counter[str]:
        counts: Counter[str] = Counter()
        for label, sentences, scores in cases:
            picks = pick_sentences(aspects, sentences, scores, threshold=threshold)
            for pick in picks:
                wanted = label[pick.aspect]
                text = pick.sentence.span.text if pick.sentence else None
                if wanted and text is None:
                    outcome = "missed"
                elif wanted:
                    outcome = "right" if any(text.startswith(w) for w in wanted) else "wrong"
                else:
                    outcome = "abstained" if text is None else "invented"
                counts[outcome] += 1
                counts[f"{pick.aspect}:{outcome}"] += 1
                if verbose and outcome not in ("right", "abstained"):
                    shown = (text or "not stated")[:90]
                    print(f"  {outcome:9} {pick.aspect:12} {label['title'][:40]:40} {shown}")
        return counts

    def line_for(threshold: float | None, counts: Counter[str]) -> str:
        stated = counts["right"] + counts["wrong"] + counts["missed"]
        unstated = counts["invented"] + counts["abstained"]
        shown = "per aspect" if threshold is None else f"{threshold:.2f}"
        return (
            f"threshold {shown}: right {counts['right']}/{stated}  wrong {counts['wrong']}"
            f"  missed {counts['missed']}  invented {counts['invented']}/{unstated}"
            f"  cell accuracy {(counts['right'] + counts['abstained']) / (stated + unstated):.2f}"
        )

    if args.sweep:
        for row, item in enumerate(aspects):
            stated: list[float] = []
            unstated: list[float] = []
            for label, _, scores in cases:
                value = float(scores[row].max()) if scores.shape[1] else 0.0
                (stated if label[item.name] else unstated).append(value)
            print(
                f"{item.name:12} best scores, stated: "
                + " ".join(f"{v:.2f}" for v in sorted(stated))
                + " | not stated: "
                + " ".join(f"{v:.2f}" for v in sorted(unstated))
            )
        for step in range(25, 61, 5):
            print(line_for(step / 100, evaluate(step / 100)))
    counts = evaluate(None, verbose=args.verbose)
    print(line_for(None, counts), "(current)")
    for name in DEFAULT_ASPECTS:
        parts = ", ".join(
            f"{k.split(':')[1]} {v}" for k, v in sorted(counts.items()) if k.startswith(name + ":")
        )
        print(f"  {name:12} {parts}")


if __name__ == "__main__":
    main()
