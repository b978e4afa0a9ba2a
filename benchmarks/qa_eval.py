"""Cited-answer quality on a question set with gold papers: retrieval, citations, abstention.

    .venv/bin/python benchmarks/qa_eval.py [--mode extractive|llm] [-k 8] [--show] [--sweep]
        [--questions benchmarks/data/sample_qa.jsonl] [--corpus samples/vision-datasets-papers.txt]

The corpus is ingested into a temporary library with litassist's own code (or reused from
--data-dir).  Each JSONL line: {"id", "kind": single|multi|unanswerable, "question",
"gold_titles": [...]}; titles are mapped to the library's paper ids at run time.  Prints:

* recall@k: share of gold papers among the papers of the k retrieved passages (answerable);
* citation precision: share of cited papers (distinct per answer) that are gold, over every
  answer that cites (an answer to an unanswerable question cites only wrong papers);
* citation recall: share of the gold papers of answerable questions that the answer cites;
* abstention on unanswerable questions, false abstention on answerable ones;
* unsupported-sentence rate as judged by the verifier, and median / p95 latency of `ask`
  with the index open.

--mode llm uses the configured endpoint (OPENAI_BASE_URL, LITASSIST_MODEL).  --sweep prints each
question's relevance score, the number the abstention threshold was chosen on.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_QUESTIONS = ROOT / "benchmarks" / "data" / "sample_qa.jsonl"
DEFAULT_CORPUS = ROOT / "samples" / "vision-datasets-papers.txt"


def load_questions(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            row.setdefault("line", number)
            rows.append(row)
    return rows


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["extractive", "llm"], default="extractive")
    parser.add_argument("-k", type=int, default=8)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--data-dir", type=Path, help="Reuse (or create) this library folder.")
    parser.add_argument("--show", action="store_true", help="Print every answer.")
    parser.add_argument("--sweep", action="store_true", help="Print relevance per question.")
    args = parser.parse_args()

    from assistant.ingest import ingest
    from assistant.settings import load_settings
    from assistant.store.library import Library
    from assistant.wiring import make_embedder, make_engine

    settings = load_settings()
    questions = load_questions(args.questions)
    with tempfile.TemporaryDirectory(prefix="litassist-qa-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "library"
        embedder = make_embedder(settings)
        library = Library.open(data_dir, embedder, create=True)
        if library.catalog.count() == 0:
            start = time.perf_counter()
            ingest([args.corpus], library)
            print(f"ingested {args.corpus.name} in {time.perf_counter() - start:.1f} s")
        try:
            run(args, questions, library, make_engine(settings.model_copy(), library))
        finally:
            library.close()


def run(args: argparse.Namespace, questions: list[dict], library, engine) -> None:
    titles = {row.paper.title: row.paper.id for row in library.catalog.list_rows()}
    unknown = [t for q in questions for t in q["gold_titles"] if t not in titles]
    if unknown:
        raise SystemExit(f"gold titles not in the library: {unknown}")
    engine.ask(questions[0]["question"], mode=args.mode, k=args.k)  # warm: model, BM25, HNSW

    recalls: list[float] = []
    cited_total = cited_gold = 0
    gold_total = gold_cited = 0
    abstained_unanswerable = unanswerable = 0
    abstained_answerable = answerable = 0
    sentences = unsupported = 0
    latencies: list[float] = []
    sweep: list[tuple[str, str, float, bool]] = []
    for q in questions:
        gold = {titles[t] for t in q["gold_titles"]}
        start = time.perf_counter()
        answer = engine.ask(q["question"], mode=args.mode, k=args.k)
        latencies.append((time.perf_counter() - start) * 1000)
        retrieved = {s.paper.id for s in answer.sources}
        cited = {c.paper_id for c in answer.citations}
        if gold:
            answerable += 1
            recalls.append(len(gold & retrieved) / len(gold))
            abstained_answerable += answer.abstained
            gold_total += len(gold)
            gold_cited += len(gold & cited)
        else:
            unanswerable += 1
            abstained_unanswerable += answer.abstained
        if not answer.abstained:
            cited_total += len(cited)
            cited_gold += len(cited & gold)
            claims = [s for s in answer.sentences if s.citations or not s.supported]
            sentences += len(claims)
            unsupported += sum(not s.supported for s in claims)
        sweep.append(
            (q["id"], q["kind"], float(answer.extra.get("relevance", "nan")), answer.abstained)
        )
        if args.show:
            wrong = sorted(cited - gold)
            print(f"\n=== {q['id']} [{q['kind']}] {q['question']}")
            print(answer.text)
            if wrong:
                names = {s.paper.id: s.paper.title for s in answer.sources}
                print("  !! cites non-gold: " + "; ".join(names[w] for w in wrong))
            if gold - retrieved:
                print(f"  !! gold not retrieved: {len(gold - retrieved)}")

    if args.sweep:
        print("\nrelevance per question (id kind score abstained):")
        for qid, kind, score, abstained in sorted(sweep, key=lambda row: row[2]):
            print(f"  {qid:<4} {kind:<12} {score:.3f} {'abstained' if abstained else ''}")

    def share(a: int, b: int) -> str:
        return f"{a / b:.3f} ({a}/{b})" if b else "n/a"

    print(f"\nmode={args.mode} k={args.k} questions={len(questions)} ({answerable} answerable)")
    print(f"retrieval recall@{args.k} (gold papers):   {statistics.mean(recalls):.3f}")
    print(f"citation precision (cited papers gold): {share(cited_gold, cited_total)}")
    print(f"citation recall (gold papers cited):    {share(gold_cited, gold_total)}")
    print(f"abstention on unanswerable:             {share(abstained_unanswerable, unanswerable)}")
    print(f"false abstention on answerable:         {share(abstained_answerable, answerable)}")
    print(f"unsupported claim sentences (verifier): {share(unsupported, sentences)}")
    print(
        f"latency of ask: median {statistics.median(latencies):.0f} ms, "
        f"p95 {percentile(latencies, 0.95):.0f} ms"
    )


if __name__ == "__main__":
    main()
