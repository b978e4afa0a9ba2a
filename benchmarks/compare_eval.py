"""How well the offline comparison fills cells: against hand-labelled cells of the sample corpus.

    .venv/bin/python benchmarks/compare_eval.py [--data-dir DIR]
        [--split tuning|tune|holdout|holdout2|...|holdout10|all] [--sweep]
        [--verbose]

benchmarks/data/compare_cells_tune.jsonl and compare_cells_holdout.jsonl give, for 45 papers of
samples/vision-datasets-papers.txt (22 + 23, split by paper with a fixed seed before tuning) and
each default aspect, the sentences (by their opening words) that state it.  After those halves
were measured, compare_cells_holdout2.jsonl was written before any further rule change: the 15
sample papers they do not use and 5 SciFact abstracts (by `scifact_id`, read from --scifact,
never copied here), 100 cells; since then the first two are tuning data.  Then, before the
learned scorer (assistant/rag/aspect_scorer.py) was built, compare_cells_holdout3.jsonl: 22
SciFact abstracts none of those use (a seeded draw; every sample paper was used already), 110
cells; after the learned scorer was measured on it, compare_cells_holdout4.jsonl, written
before the scorer's domain-general features (aspect_scorer.py): 24 further SciFact abstracts no
benchmark set uses (14 structured, "BACKGROUND ... METHODS ... RESULTS", and 10 plain), 120
cells; after that scorer was measured on it, compare_cells_holdout5.jsonl, written before the
fifth round's changes: 23 further SciFact abstracts no benchmark set uses (a seeded draw, 17
plain and 6 structured), 115 cells; after the fifth round's code was measured on it,
compare_cells_holdout6.jsonl, written before the sixth round's changes: 25 further SciFact
abstracts no benchmark set uses (a seeded draw of 17 plain and 5 structured, and 3 more plain
ones that state a human sample or data source), 125 cells; after the sixth round's code was
measured on it, compare_cells_holdout7.jsonl, written before the seventh round's changes: 24
further SciFact abstracts no benchmark set uses (a seeded draw, 17 plain and 7 structured),
120 cells; after the seventh round's code was measured on it, compare_cells_holdout8.jsonl,
written blind before the eighth round's changes: 24 further SciFact abstracts no benchmark set
or support pair uses (a seeded draw, 17 plain and 7 structured), 120 cells; after the eighth
round's code was measured on it, compare_cells_holdout9.jsonl, written blind before the ninth
round's changes the same way (seed 9): 24 further abstracts, 120 cells; after the ninth
round's code was measured on it, compare_cells_holdout10.jsonl, written blind the same way
(seed 10, 17 plain and 7 structured): 24 further abstracts, 120 cells.  The ten older sets
are now all tuning data (`--split tuning`, the default) and holdout10 is run only to report
(`--split holdout10` or `all`).

What a cell states, as the labels read it:

* task: the problem or question the paper addresses: its aim ("To determine whether ...",
  "We investigated whether ...", "This study examines ...") or the gap it sets out to fill
  ("... remains unknown", "no such dataset is openly available").  The contribution sentence
  ("We propose X", "Here we show that ...") is the task only when the abstract states neither,
  or when it names the problem itself ("X for the yet unhandled multi-label few-shot case");
  "To address this problem, we introduce X" does not say which problem, so it is the method.
* data: what was studied or used: the dataset, the patients or participants, the samples,
  organisms, cell lines or model systems.
* method: how: the design, procedure, technique or model.
* results: what was found.
* limitations: what the authors admit the study could not show or do.
Every count is also given for structured abstracts ("OBJECTIVE ... METHODS ...", by
abstract_cues.sections) and plain ones apart.  An empty list means
the abstract does not state the aspect.  For every cell we run the extractive picker
(assistant/rag/compare_extractive.py) and count:

* right:    a stated cell quoting one of its labelled sentences;
* wrong:    a stated cell quoting another sentence;
* missed:   a stated cell said "not stated";
* invented: a not-stated cell quoting a sentence;
* abstained: a not-stated cell said "not stated".

Cell accuracy = (right + abstained) / cells.  Per row it also counts repeats (one sentence
quoting two cells of the row), and of those the ones the labels do not give for both aspects,
and cells quoting a question.  `--sweep` prints, per aspect, the best score of each cell,
stated vs not stated, and the counts for a range of single thresholds (the built-in aspects'
thresholds are chosen by benchmarks/train_aspect_scorer.py).  Without `--data-dir` the sample
corpus is ingested into a temporary folder first (about 15 s).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
SPLITS = {
    "tune": DATA / "compare_cells_tune.jsonl",
    "holdout": DATA / "compare_cells_holdout.jsonl",
    "holdout2": DATA / "compare_cells_holdout2.jsonl",
    "holdout3": DATA / "compare_cells_holdout3.jsonl",
    "holdout4": DATA / "compare_cells_holdout4.jsonl",
    "holdout5": DATA / "compare_cells_holdout5.jsonl",
    "holdout6": DATA / "compare_cells_holdout6.jsonl",
    "holdout7": DATA / "compare_cells_holdout7.jsonl",
    "holdout8": DATA / "compare_cells_holdout8.jsonl",
    "holdout9": DATA / "compare_cells_holdout9.jsonl",
    "holdout10": DATA / "compare_cells_holdout10.jsonl",
}
# What the learned scorer (benchmarks/train_aspect_scorer.py) may be fitted on.
TUNING = (
    "tune", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7",
    "holdout8", "holdout9",
)  # fmt: skip
CORPUS = ROOT / "samples" / "vision-datasets-papers.txt"
# ../shared beside the repository (the integrator's checkout) or beside its worktree folder.
SCIFACT = next(
    (
        base / "shared" / "benchmarks" / "scifact"
        for base in (ROOT.parent, ROOT.parent.parent)
        if (base / "shared" / "benchmarks" / "scifact").is_dir()
    ),
    ROOT.parent / "shared" / "benchmarks" / "scifact",
).resolve()


def scifact_abstracts(folder: Path, wanted: set[str]) -> dict[str, dict]:
    """The SciFact corpus records with these ids ({} when the corpus is not there)."""
    corpus = folder / "corpus.jsonl"
    found: dict[str, dict] = {}
    if wanted and corpus.is_file():
        with corpus.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if str(record["_id"]) in wanted:
                    found[str(record["_id"])] = record
    return found


def _spaced(title: str) -> str:
    """A title as the library stores it: SciFact titles may hold doubled or trailing spaces."""
    return " ".join(title.split())


def load_cases(names: list[str], data_dir: Path | None, scifact_dir: Path) -> dict[str, list]:
    """Per split: (labels, sentences, hand signals) of each labelled paper, as the
    comparer sees it (compare_extractive.paper_sentences and .signals)."""
    sys.path.insert(0, str(ROOT))
    from assistant.ingest import ingest
    from assistant.rag.aspects import DEFAULT_ASPECTS, aspect
    from assistant.rag.compare_extractive import paper_sentences, signals
    from assistant.rag.embeddings import OnnxMiniLMEmbedder
    from assistant.store.library import Library
    from assistant.types import Passage, Source

    cache = Path(tempfile.gettempdir()) / "litassist-bench-models"
    embedder = OnnxMiniLMEmbedder(cache)
    labels = {
        name: [json.loads(line) for line in SPLITS[name].read_text(encoding="utf-8").splitlines()]
        for name in names
    }
    wanted = {
        label["scifact_id"] for rows in labels.values() for label in rows if "scifact_id" in label
    }
    scifact = scifact_abstracts(scifact_dir, wanted)
    if wanted - set(scifact):
        print(
            f"note: SciFact not found in {scifact_dir}; "
            f"skipping {len(wanted - set(scifact))} papers"
        )
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="litassist-compare-eval-"))
    library = Library.open(data_dir, embedder, create=True)
    have = {_spaced(row.paper.title) for row in library.catalog.list_rows()}
    missing = [d for d in scifact.values() if _spaced(d["title"]) not in have]
    if library.catalog.count() == 0 or missing:
        inputs = [CORPUS] if library.catalog.count() == 0 else []
        if missing:  # the labelled SciFact abstracts, as a JSONL import beside the corpus
            extra = data_dir.parent / f"{data_dir.name}-scifact.jsonl"
            extra.write_text(
                "\n".join(
                    json.dumps({"title": d["title"], "abstract": d["text"]}) for d in missing
                ),
                encoding="utf-8",
            )
            inputs.append(extra)
        ingest(inputs, library)
    papers = {_spaced(row.paper.title): row.paper for row in library.catalog.list_rows()}
    aspects = [aspect(name) for name in DEFAULT_ASPECTS]
    halves: dict[str, list] = {}
    for name in names:
        cases = []
        for label in labels[name]:
            if "scifact_id" in label:
                if label["scifact_id"] not in scifact:
                    continue
                label["title"] = scifact[label["scifact_id"]]["title"]
            paper = papers[_spaced(label["title"])]
            chunks = library.catalog.chunks_of([paper.id])
            sources = [Source(n, paper, Passage(c, 0.0)) for n, c in enumerate(chunks, start=1)]
            sentences = paper_sentences(sources)
            cases.append((label, sentences, signals(aspects, sentences, embedder=embedder)))
        halves[name] = cases
    library.close()
    return halves


def evaluate(
    aspects,
    cases,
    threshold: float | None = None,
    verbose: bool = False,
    thresholds=None,
    both: float | None = None,
) -> Counter[str]:
    """Outcome counts of the picker over (labels, sentences, scores) cases."""
    from assistant.rag.abstract_cues import sections
    from assistant.rag.compare_extractive import pick_sentences

    counts: Counter[str] = Counter()
    for label, sentences, scores in cases:
        kind = "structured" if any(sections([s.span.text for s in sentences])) else "plain"
        counts[f"{kind} papers"] += 1
        picks = pick_sentences(
            aspects, sentences, scores, threshold=threshold, thresholds=thresholds, both=both
        )
        quoted: dict[str, list[str]] = {}
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
            counts[f"{kind} {outcome}"] += 1
            if text is not None:
                quoted.setdefault(text, []).append(pick.aspect)
                counts["question cells"] += text.rstrip().endswith("?")
            if verbose and outcome not in ("right", "abstained"):
                shown = (text or "not stated")[:90]
                print(f"  {outcome:9} {pick.aspect:12} {label['title'][:40]:40} {shown}")
        for text, where in quoted.items():
            if len(where) < 2:
                continue
            counts["repeats"] += 1
            both = all(any(text.startswith(w) for w in label[a]) for a in where)
            counts["unjustified repeats"] += not both
            if verbose:
                print(f"  repeat{'' if both else ' (unjustified)'} {where} {text[:80]}")
    return counts


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from assistant.rag.aspects import DEFAULT_ASPECTS, aspect
    from assistant.rag.compare_extractive import learned_scores

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="a library holding the sample corpus")
    parser.add_argument(
        "--split",
        choices=[*SPLITS, "tuning", "all"],
        default="tuning",
        help="tuning: the ten tuning sets; all: also holdout10 (only to report)",
    )
    parser.add_argument("--scifact", type=Path, default=SCIFACT, help="the SciFact folder")
    parser.add_argument("--sweep", action="store_true", help="try a range of thresholds")
    parser.add_argument("--verbose", action="store_true", help="print every wrong cell")
    args = parser.parse_args()

    names = {"all": list(SPLITS), "tuning": list(TUNING)}.get(args.split, [args.split])
    aspects = [aspect(name) for name in DEFAULT_ASPECTS]
    loaded = load_cases(names, args.data_dir, args.scifact)
    halves = {
        name: [
            (label, sentences, learned_scores(aspects, sentences, found))
            for label, sentences, found in cases
        ]
        for name, cases in loaded.items()
    }

    def line_for(threshold: float | None, counts: Counter[str]) -> str:
        stated = counts["right"] + counts["wrong"] + counts["missed"]
        unstated = counts["invented"] + counts["abstained"]
        shown = "per aspect" if threshold is None else f"{threshold:.2f}"
        return (
            f"threshold {shown}: right {counts['right']}/{stated}  wrong {counts['wrong']}"
            f"  missed {counts['missed']}  invented {counts['invented']}/{unstated}"
            f"  cell accuracy {(counts['right'] + counts['abstained']) / (stated + unstated):.3f}"
        )

    for name, cases in halves.items():
        print(f"\n[{name}] {len(cases)} papers, {len(cases) * len(aspects)} cells")
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
                print(line_for(step / 100, evaluate(aspects, cases, step / 100)))
            for item in aspects:  # each aspect's own threshold, the others as they are
                accuracy = []
                for step in range(20, 76, 3):
                    counts = evaluate(aspects, cases, None, thresholds={item.name: step / 100})
                    good = counts[f"{item.name}:right"] + counts[f"{item.name}:abstained"]
                    accuracy.append(f"{step / 100:.2f}:{good}")
                print(f"{item.name:12} right+abstained by threshold: " + " ".join(accuracy))
        counts = evaluate(aspects, cases, None, verbose=args.verbose)
        print(line_for(None, counts), "(current)")
        print(
            f"  sentences repeated within a row: {counts['repeats']} "
            f"(not labelled for both aspects: {counts['unjustified repeats']}); "
            f"question cells: {counts['question cells']}"
        )
        for kind in ("structured", "plain"):
            cells = sum(counts[f"{kind} {k}"] for k in ("right", "wrong", "missed", "invented"))
            cells += counts[f"{kind} abstained"]
            if cells:
                good = counts[f"{kind} right"] + counts[f"{kind} abstained"]
                print(
                    f"  {kind:10} {counts[f'{kind} papers']} papers: cell accuracy "
                    f"{good / cells:.3f} ({good}/{cells})"
                )
        for aspect_name in DEFAULT_ASPECTS:
            parts = ", ".join(
                f"{k.split(':')[1]} {v}"
                for k, v in sorted(counts.items())
                if k.startswith(aspect_name + ":")
            )
            print(f"  {aspect_name:12} {parts}")


if __name__ == "__main__":
    main()
