"""How well the citation check tells supported cited claims from wrong ones, per kind of error.

    .venv/bin/python benchmarks/support_eval.py [--split tuning|holdout13|all|tune|holdout|...]
        [--show] [--dump signals.jsonl] [--pairs benchmarks/data/support_pairs.jsonl]
        [--scifact ../shared/benchmarks/scifact]

Each JSONL line is one hand-labelled pair: a claim written as an LLM writes an answer sentence,
the paper it cites (`cites`: a title of the sample corpus, or `scifact_id`: a SciFact corpus id,
whose abstract is read from the shared folder at run time and never stored here), whether that
paper supports it, its `kind` and its fixed `split`, stratified by kind: `tune`, `holdout` and
`holdout2` to `holdout12` were each written as a held-out set in turn, run once and reported,
and have all been tuned on since, so they are the tuning data (`--split tuning`, the default,
runs these thirteen); `holdout13` (180 pairs over 9 SciFact abstracts no older split or
comparison set uses and the 9 sample papers the older splits cite least, written before the
check was run on them, no claim sharing more than 55% of its words with an older split's
claim) is the held-out set, run only to report.  `--split` takes any split the pairs file holds.
`--dump` writes each pair's verdict signals for benchmarks/train_support_verdict.py, which
fits the verdict on the tuning splits:

* supported: `faithful` (a paraphrase), `spelled` (figures written differently: "15k" for
  "15000", "12th" for "XIIth");
* unsupported: `wrong_number`, `wrong_scale`, `wrong_paper` (another paper's claim),
  `extra_fact` (a faithful core plus a detail the paper does not give), `overclaim`, `negation`.

The sample corpus and the cited SciFact abstracts are ingested into a temporary library with
litassist's own code.  Each claim is verified as an answer would be: it cites every passage of
its paper as [1]..[m], and the other sources are the passages hybrid retrieval finds for the
claim in other papers (up to 6 sources in all), so a claim about another paper usually has
that paper among its sources, as in a real answer.  Prints, per split and kind, the share
judged right and the reasons given, then the check's cost per sentence (`verify` on one
cited sentence, its embedding included); the goal is >= 95% of supported pairs supported and
>= 95% of wrong ones flagged on holdout13.  SciFact pairs are skipped, with a note, when the
shared folder is absent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# ../shared beside the repository (the integrator's checkout) or beside its worktree folder.
DEFAULT_SCIFACT = next(
    (
        base / "shared" / "benchmarks" / "scifact"
        for base in (ROOT.parent, ROOT.parent.parent)
        if (base / "shared" / "benchmarks" / "scifact").is_dir()
    ),
    ROOT.parent / "shared" / "benchmarks" / "scifact",
).resolve()
SUPPORTED_KINDS = ("faithful", "spelled")
WRONG_KINDS = ("wrong_number", "wrong_scale", "wrong_paper", "extra_fact", "overclaim", "negation")
EXPECTED_REASON = {
    "wrong_number": {"figure"},
    "wrong_scale": {"figure"},
    "wrong_paper": {"wrong_paper"},
    "extra_fact": {"not_in_source", "figure", "wrong_paper"},
    "overclaim": {"overclaim"},
    "negation": {"negation"},
}
MAX_SOURCES = 6
HELD_OUT = "holdout13"


def load_pairs(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def scifact_docs(folder: Path, wanted: set[str]) -> dict[str, dict] | None:
    corpus = folder / "corpus.jsonl"
    if not corpus.is_file():
        return None
    found: dict[str, dict] = {}
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if str(record["_id"]) in wanted:
                found[str(record["_id"])] = record
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pairs", type=Path, default=ROOT / "benchmarks" / "data" / "support_pairs.jsonl"
    )
    parser.add_argument(
        "--corpus", type=Path, default=ROOT / "samples" / "vision-datasets-papers.txt"
    )
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT)
    parser.add_argument(
        "--split",
        default="tuning",
        help="tuning (every split but the held-out one), all, or one split of the pairs file",
    )
    parser.add_argument("--show", action="store_true", help="Print every misjudged pair.")
    parser.add_argument(
        "--dump",
        type=Path,
        help="Write each pair's verdict signals as JSONL (what train_support_verdict.py fits).",
    )
    args = parser.parse_args()

    from assistant.ingest import ingest
    from assistant.rag import verdict
    from assistant.rag.citations import verify
    from assistant.rag.retriever import HybridRetriever
    from assistant.rag.scoring import IndexTermWeights
    from assistant.settings import load_settings
    from assistant.store.library import Library
    from assistant.types import Passage, Source
    from assistant.wiring import make_embedder

    pairs = load_pairs(args.pairs)
    known = sorted({p["split"] for p in pairs})
    if args.split not in ("tuning", "all", *known):
        parser.error(f"--split: one of tuning, all, {', '.join(known)}")
    if args.split == "tuning":  # every split but the held-out one
        pairs = [p for p in pairs if p["split"] != HELD_OUT]
    elif args.split != "all":
        pairs = [p for p in pairs if p["split"] == args.split]
    wanted = {p["scifact_id"] for p in pairs if "scifact_id" in p}
    docs = scifact_docs(args.scifact, wanted) if wanted else {}
    if docs is None:
        skipped = sum("scifact_id" in p for p in pairs)
        print(f"note: SciFact not found in {args.scifact}; skipping its {skipped} pairs")
        pairs = [p for p in pairs if "scifact_id" not in p]
        docs = {}

    with tempfile.TemporaryDirectory(prefix="litassist-support-") as tmp:
        inputs = [args.corpus]
        if docs:
            extra = Path(tmp) / "scifact-cited.jsonl"
            extra.write_text(
                "\n".join(
                    json.dumps({"title": d["title"], "abstract": d["text"]}) for d in docs.values()
                ),
                encoding="utf-8",
            )
            inputs.append(extra)
        library = Library.open(Path(tmp) / "lib", make_embedder(load_settings()), create=True)
        try:
            ingest(inputs, library)
            papers = {row.paper.title: row.paper for row in library.catalog.list_rows()}
            retriever = HybridRetriever(library)
            weights = IndexTermWeights(library.lexical())
            results = []
            timings: list[float] = []
            seen: list[dict[str, float]] = []

            def decide(signals: dict[str, float]) -> bool:
                seen.append(dict(signals))
                return verdict.supported(signals)

            dumped: list[dict] = []
            for pair in pairs:
                title = pair["cites"] if "cites" in pair else docs[pair["scifact_id"]]["title"]
                paper = papers[title]
                chunks = library.catalog.chunks_of([paper.id])
                sources = [Source(i, paper, Passage(c, 1.0)) for i, c in enumerate(chunks, 1)]
                others = [
                    p for p in retriever.passages(pair["claim"], 20) if p.chunk.paper_id != paper.id
                ]
                known = library.catalog.get_many({p.chunk.paper_id for p in others})
                for passage in others[: max(0, MAX_SOURCES - len(sources))]:
                    sources.append(Source(len(sources) + 1, known[passage.chunk.paper_id], passage))
                markers = "".join(f"[{n}]" for n in range(1, len(chunks) + 1))
                seen.clear()
                start = time.perf_counter()
                checked = verify(
                    f"{pair['claim'].rstrip('.')} {markers}.",
                    sources,
                    embedder=library.embedder,
                    weights=weights,
                    decide=decide,
                )
                timings.append((time.perf_counter() - start) * 1000)
                results.append((pair, checked.sentences[0]))
                first = checked.sentences[0]
                dumped.append(
                    {
                        **{k: pair[k] for k in ("id", "split", "kind", "supported")},
                        # None: decided before the verdict (a quote, or no claim at all)
                        "signals": seen[0] if seen else None,
                        "judged": first.supported,
                        "reason": first.reason,
                    }
                )
        finally:
            library.close()
    if args.dump:
        args.dump.write_text("".join(json.dumps(row) + "\n" for row in dumped), encoding="utf-8")
    report(results, show=args.show)
    if timings:
        ordered = sorted(timings)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(
            f"\ncheck cost: {statistics.median(timings):.1f} ms median, {p95:.1f} ms p95 per "
            f"cited sentence ({len(timings)} sentences, embedding included)"
        )


def report(results: list, *, show: bool) -> None:
    by_split: dict[str, list] = defaultdict(list)
    for pair, sentence in results:
        by_split[pair["split"]].append((pair, sentence))
    for split in sorted(by_split, key=lambda s: s != "tune"):
        rows = by_split[split]
        print(f"\n== split {split}: {len(rows)} pairs")
        for kind in (*SUPPORTED_KINDS, *WRONG_KINDS):
            mine = [(p, s) for p, s in rows if p["kind"] == kind]
            if not mine:
                continue
            right = sum(s.supported == p["supported"] for p, s in mine)
            reasons = Counter(getattr(s, "reason", None) for _, s in mine if not s.supported)
            expected = EXPECTED_REASON.get(kind, set())
            reason_right = sum(n for r, n in reasons.items() if r in expected)
            shown = ", ".join(f"{r}={n}" for r, n in reasons.most_common())
            tail = f"  reason right {reason_right}/{right}" if expected else ""
            print(
                f"  {kind:<13} {right:>3}/{len(mine):<3} {right / len(mine):6.1%}{tail}  [{shown}]"
            )
        good = [(p, s) for p, s in rows if p["supported"]]
        bad = [(p, s) for p, s in rows if not p["supported"]]
        supported = sum(s.supported for _, s in good)
        flagged = sum(not s.supported for _, s in bad)
        print(
            f"  faithful supported: {supported}/{len(good)} = {supported / max(len(good), 1):.1%}"
        )
        print(f"  wrong flagged:      {flagged}/{len(bad)} = {flagged / max(len(bad), 1):.1%}")
        if show:
            for pair, sentence in rows:
                if sentence.supported != pair["supported"]:
                    print(
                        f"    BAD {pair['id']} {pair['kind']:<12} support={sentence.support:.2f} "
                        f"{sentence.note or ''} | {pair['claim']}"
                    )


if __name__ == "__main__":
    main()
