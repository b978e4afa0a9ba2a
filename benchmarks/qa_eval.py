"""Cited-answer quality on labelled question sets: retrieval, citations, facts, abstention.

    .venv/bin/python benchmarks/qa_eval.py [--mode extractive|llm] [-k 8] [--show] [--sweep]
        [--split tune|holdout|...|holdout12|tuning|both|all] [--questions FILE]
        [--corpus samples/vision-datasets-papers.txt]
        [--sample N] [--skip-sample M] [--round-robin] [--limit N]
        [--gguf FILE | --endpoint] [--max-tokens 256]

The corpus is ingested into a temporary library with litassist's own code (or reused from
--data-dir).  The questions are split once, before any tuning, into a tuning half
(benchmarks/data/qa_tune.jsonl) and a held-out half (benchmarks/data/qa_holdout.jsonl).  Once the
held-out half's numbers were known, a second held-out set (qa_holdout2.jsonl, 103 questions of the
same kinds) was written before any further rule change, and after each later round another
(qa_holdout3.jsonl, 94 questions; qa_holdout4.jsonl, 97; qa_holdout5.jsonl, 73;
qa_holdout6.jsonl, 94; qa_holdout7.jsonl, 87; qa_holdout8.jsonl, 85; qa_holdout9.jsonl, 85;
qa_holdout10.jsonl, 85; qa_holdout11.jsonl, 85; qa_holdout12.jsonl, 85) likewise: now the first
twelve and qa_tune2.jsonl (near misses and singles written to tune on) are tuning data (the
per-paper decision is fitted and cross-validated on them, benchmarks/train_paper_choice.py) and
holdout12 is the held-out set, run only to report.
`--split all` (the default) prints each of the fourteen, `--split tuning` the thirteen tuning sets.
Each JSONL line:
{"id", "kind", "question", "gold_titles": [...]} and, by kind,

* single: one paper answers it; "type" (what, which, how, figure, why, where) and "facts", the
  figures or names the answer must contain (verbatim in the gold abstract);
* multi: several papers answer it ("Which datasets ..."), all of them in "gold_titles";
* near_miss: names a paper of the library ("about") but asks what its abstract does not say
  (hyper-parameters, hardware, training time, a dataset it does not use): must abstain;
* unanswerable: about something the library does not cover: must abstain.

A question may carry "repeats" (the id of an older set's question asking the same, verbatim or
in other words): held-out-4 repeats 15 (an oversight when it was written, found after its first
run), so it is reported whole and as "holdout4-unseen", without them.  Held-out-5 was checked
for repeats before it was committed (token overlap and shared gold facts against every older
question; those flagged were rewritten or dropped), and held-out-6 to held-out-12 likewise (also
no multi question whose gold papers repeat an older one's).

Titles are mapped to the library's paper ids at run time.  Prints, per half:

* recall@k: share of gold papers among the papers of the k retrieved passages (answerable);
* citation precision: share of cited papers (distinct per answer) that are gold, over every
  answer that cites (an answer to an unanswerable or near-miss question cites only wrong papers);
* citation recall: share of the gold papers of answerable questions that the answer cites, and
  multi-paper recall, the same over the multi questions only;
* fact in answer: share of single questions whose answer text contains every one of its facts;
* abstention on unanswerable and on near-miss questions, false abstention on answerable ones;
* unsupported-sentence rate as judged by the verifier, and median / p95 latency of `ask`
  with the index open.

--mode llm starts a local llama.cpp server with a small instruct model (local_llm.py says which
and how to install it; --gguf FILE for another) and stops it at the end; --endpoint uses the
configured one instead (OPENAI_BASE_URL, LITASSIST_MODEL).  Replies are cached by (model, prompt)
in .benchmarks-data/llm-replies/, so re-scoring does not re-generate.  CPU is scarce: use -k 4,
a modest --max-tokens and --sample N (N questions per half, spread over its kinds).  Once a
sample has been read to tune on, `--skip-sample M` leaves out the questions `--sample M` takes
(deterministic), so `--skip-sample 24 --sample 22` reports on questions disjoint from it;
`--round-robin` asks them kind by kind in turn and `--limit N` keeps the first N (a run cut
short by a slow machine is re-scored from the cache on that prefix).  In LLM mode
it also prints how often the model itself abstained while the gate had found relevant passages
(the offline answer is then shown beside it, engine.py), and false abstention counts what the
user is shown.  --sweep prints each question's relevance score, the number the abstention
threshold was chosen on.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DATA = ROOT / "benchmarks" / "data"
SPLITS = {
    "tune": DATA / "qa_tune.jsonl",
    "tune2": DATA / "qa_tune2.jsonl",
    "holdout": DATA / "qa_holdout.jsonl",
    "holdout2": DATA / "qa_holdout2.jsonl",
    "holdout3": DATA / "qa_holdout3.jsonl",
    "holdout4": DATA / "qa_holdout4.jsonl",
    "holdout5": DATA / "qa_holdout5.jsonl",
    "holdout6": DATA / "qa_holdout6.jsonl",
    "holdout7": DATA / "qa_holdout7.jsonl",
    "holdout8": DATA / "qa_holdout8.jsonl",
    "holdout9": DATA / "qa_holdout9.jsonl",
    "holdout10": DATA / "qa_holdout10.jsonl",
    "holdout11": DATA / "qa_holdout11.jsonl",
    "holdout12": DATA / "qa_holdout12.jsonl",
}
# Written last, before any answer on it was read: run only to report (`--split tuning` omits it).
HELD_OUT = "holdout12"
DEFAULT_CORPUS = ROOT / "samples" / "vision-datasets-papers.txt"
ANSWERABLE = ("single", "multi")


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


def normalized(text: str) -> str:
    return " ".join(text.lower().split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["extractive", "llm"], default="extractive")
    parser.add_argument("-k", type=int, default=8)
    parser.add_argument("--split", choices=[*SPLITS, "tuning", "both", "all"], default="all")
    parser.add_argument("--questions", type=Path, help="One question file instead of a split.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--data-dir", type=Path, help="Reuse (or create) this library folder.")
    parser.add_argument("--show", action="store_true", help="Print every answer.")
    parser.add_argument("--sweep", action="store_true", help="Print relevance per question.")
    parser.add_argument("--gguf", type=Path, help="LLM mode: this GGUF instead of local_llm's.")
    parser.add_argument("--endpoint", action="store_true", help="LLM mode: the configured one.")
    parser.add_argument("--max-tokens", type=int, default=256, help="LLM mode: reply length.")
    parser.add_argument("--sample", type=int, help="Only N questions per half, spread evenly.")
    parser.add_argument(
        "--round-robin",
        action="store_true",
        help="Ask the questions kind by kind in turn, so any first N are spread over the kinds.",
    )
    parser.add_argument("--limit", type=int, help="Only the first N questions (after ordering).")
    parser.add_argument(
        "--skip-sample",
        type=int,
        metavar="M",
        help="Leave out the questions --sample M takes (seen ones) before sampling.",
    )
    args = parser.parse_args()
    if args.mode == "llm" and not args.endpoint:
        from local_llm import MODEL_ALIAS, gguf_path, llama_server

        model = args.gguf or gguf_path()
        with llama_server(model) as base:
            os.environ["OPENAI_BASE_URL"] = base
            os.environ["LITASSIST_MODEL"] = MODEL_ALIAS
            evaluate(args)
    else:
        evaluate(args)


def without_sample(questions: list[dict], m: int | None) -> list[dict]:
    """The questions `sample(questions, m)` does not take: disjoint from a sample already seen."""
    seen = {id(q) for q in sample(questions, m)} if m else set()
    return [q for q in questions if id(q) not in seen]


def round_robin(questions: list[dict]) -> list[dict]:
    """The questions one kind after the other in turn (single, multi, near-miss, ...).

    With a local model on a busy machine a run may not finish in time; generated replies are
    cached, so the first N of this order (`--limit N`) are a sample spread over the kinds,
    chosen by position, never by outcome.
    """
    by_kind: dict[str, list[dict]] = {}
    for q in questions:
        by_kind.setdefault(q["kind"], []).append(q)
    ordered: list[dict] = []
    while any(by_kind.values()):
        for kind_questions in by_kind.values():
            if kind_questions:
                ordered.append(kind_questions.pop(0))
    return ordered


def sample(questions: list[dict], n: int | None) -> list[dict]:
    """`n` questions spread evenly over the file (so over its kinds, which come in blocks)."""
    if not n or n >= len(questions):
        return questions
    step = len(questions) / n
    return [questions[int(i * step)] for i in range(n)]


def evaluate(args: argparse.Namespace) -> None:

    from assistant.ingest import ingest
    from assistant.settings import load_settings
    from assistant.store.library import Library
    from assistant.wiring import make_embedder, make_engine

    if args.questions:
        halves = {args.questions.stem: load_questions(args.questions)}
    else:
        names = {
            "all": list(SPLITS),
            "tuning": [n for n in SPLITS if n != HELD_OUT],
            "both": ["tune", "holdout"],
        }.get(args.split, [args.split])
        halves = {name: load_questions(SPLITS[name]) for name in names}
    # A question marked "repeats" asks what an older set's question asks (held-out-4 has 15,
    # an oversight when it was written): such a set is also reported without them.
    for name, questions in list(halves.items()):
        if any("repeats" in q for q in questions):
            halves[f"{name}-unseen"] = [q for q in questions if "repeats" not in q]
    halves = {
        name: sample(without_sample(questions, args.skip_sample), args.sample)
        for name, questions in halves.items()
    }
    if args.round_robin:
        halves = {name: round_robin(questions) for name, questions in halves.items()}
    if args.limit:
        halves = {name: questions[: args.limit] for name, questions in halves.items()}
    settings = load_settings()
    with tempfile.TemporaryDirectory(prefix="litassist-qa-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "library"
        embedder = make_embedder(settings)
        library = Library.open(data_dir, embedder, create=True)
        if library.catalog.count() == 0:
            start = time.perf_counter()
            ingest([args.corpus], library)
            print(f"ingested {args.corpus.name} in {time.perf_counter() - start:.1f} s")
        try:
            engine = make_engine(settings.model_copy(), library)
            cache = None
            if args.mode == "llm":
                from local_llm import CachedLLM, fix_prompt_tag

                fix_prompt_tag()
                engine.llm.max_tokens = args.max_tokens
                engine.llm = cache = CachedLLM(engine.llm)
            first = next(iter(halves.values()))[0]["question"]
            engine.ask(first, mode=args.mode, k=args.k)  # warm: model, BM25, HNSW
            for name, questions in halves.items():
                run(args, name, questions, library, engine)
            if cache is not None:
                print(
                    f"\nmodel {engine.llm.model}: {cache.generated} replies generated in "
                    f"{cache.seconds:.0f} s, {cache.replayed} replayed from the cache"
                )
        finally:
            library.close()


def run(args: argparse.Namespace, name: str, questions: list[dict], library, engine) -> None:
    titles = {row.paper.title: row.paper.id for row in library.catalog.list_rows()}
    unknown = [
        t for q in questions for t in q["gold_titles"] + q.get("about", []) if t not in titles
    ]
    if unknown:
        raise SystemExit(f"gold titles not in the library: {unknown}")

    counts: Counter[str] = Counter()
    recalls: list[float] = []
    latencies: list[float] = []
    fact_types: Counter[str] = Counter()
    sweep: list[tuple[str, str, float, bool]] = []
    for q in questions:
        kind = q["kind"]
        gold = {titles[t] for t in q["gold_titles"]}
        start = time.perf_counter()
        answer = engine.ask(q["question"], mode=args.mode, k=args.k)
        latencies.append((time.perf_counter() - start) * 1000)
        retrieved = {s.paper.id for s in answer.sources}
        cited = {c.paper_id for c in answer.citations}
        counts[f"{kind}:questions"] += 1
        counts[f"{kind}:abstained"] += answer.abstained
        counts[f"{kind}:model_abstained"] += answer.extra.get("model_abstained") == "true"
        counts[f"{kind}:offline_shown"] += answer.extra.get("offline_shown") == "true"
        if kind in ANSWERABLE:
            recalls.append(len(gold & retrieved) / len(gold))
            counts["gold"] += len(gold)
            counts["gold_cited"] += len(gold & cited)
            if kind == "multi":
                counts["multi_gold"] += len(gold)
                counts["multi_gold_cited"] += len(gold & cited)
        facts = q.get("facts", [])
        found = not answer.abstained and all(
            normalized(f) in normalized(answer.text) for f in facts
        )
        if facts:
            counts["facts:questions"] += 1
            counts["facts:found"] += found
            fact_types[f"{q.get('type', '?')}:questions"] += 1
            fact_types[f"{q.get('type', '?')}:found"] += found
        if not answer.abstained:
            counts["cited"] += len(cited)
            counts["cited_gold"] += len(cited & gold)
            claims = [s for s in answer.sentences if s.citations or not s.supported]
            counts["claims"] += len(claims)
            counts["unsupported"] += sum(not s.supported for s in claims)
        sweep.append((q["id"], kind, float(answer.extra.get("relevance", "nan")), answer.abstained))
        if args.show:
            print(
                f"\n=== {q['id']} [{kind}{'/' + q['type'] if 'type' in q else ''}] {q['question']}"
            )
            print(answer.text)
            wrong = sorted(cited - gold)
            if wrong:
                names = {s.paper.id: s.paper.title for s in answer.sources}
                print("  !! cites non-gold: " + "; ".join(names[w] for w in wrong))
            if gold - retrieved:
                print(f"  !! gold not retrieved: {len(gold - retrieved)}")
            if gold - cited and not answer.abstained:
                print(f"  !! gold not cited: {len(gold - cited)}")
            if kind in ANSWERABLE and answer.abstained:
                print("  !! abstained on an answerable question")
            if kind == "near_miss" and not answer.abstained:
                print("  !! answered a near miss")
            if facts and not found:
                missing = [f for f in facts if normalized(f) not in normalized(answer.text)]
                print(f"  !! facts missing: {missing}")
            if args.mode == "llm":  # what the check said of the model's sentences
                for s in answer.sentences:
                    if s.note and (not s.supported or s.citations):
                        verdict = "ok" if s.supported else "flagged"
                        print(f"  .. {verdict}: {s.text.strip()[:90]!r}: {s.note}")

    if args.sweep:
        print("\nrelevance per question (id kind score abstained):")
        for qid, kind, score, abstained in sorted(sweep, key=lambda row: row[2]):
            print(f"  {qid:<4} {kind:<12} {score:.3f} {'abstained' if abstained else ''}")

    def share(a: int, b: int) -> str:
        return f"{a / b:.3f} ({a}/{b})" if b else "n/a"

    answerable = counts["single:questions"] + counts["multi:questions"]
    answerable_abstained = counts["single:abstained"] + counts["multi:abstained"]
    by_type = ", ".join(
        f"{t} {fact_types[t + ':found']}/{fact_types[t + ':questions']}"
        for t in sorted({key.split(":")[0] for key in fact_types})
    )
    print(
        f"\n[{name}] mode={args.mode} k={args.k} questions={len(questions)} "
        f"(single {counts['single:questions']}, multi {counts['multi:questions']}, "
        f"near-miss {counts['near_miss:questions']}, "
        f"unanswerable {counts['unanswerable:questions']})"
    )
    print(f"retrieval recall@{args.k} (gold papers):   {statistics.mean(recalls):.3f}")
    print(f"citation precision (cited papers gold): {share(counts['cited_gold'], counts['cited'])}")
    print(f"citation recall (gold papers cited):    {share(counts['gold_cited'], counts['gold'])}")
    print(
        "multi-paper recall (multi, gold cited): "
        f"{share(counts['multi_gold_cited'], counts['multi_gold'])}"
    )
    print(
        "fact in answer (single):               "
        f"{share(counts['facts:found'], counts['facts:questions'])}  [{by_type}]"
    )
    print(
        "abstention on unanswerable:             "
        f"{share(counts['unanswerable:abstained'], counts['unanswerable:questions'])}"
    )
    print(
        "abstention on near-miss:                "
        f"{share(counts['near_miss:abstained'], counts['near_miss:questions'])}"
    )
    print(f"false abstention on answerable:         {share(answerable_abstained, answerable)}")
    if args.mode == "llm":
        model_abstained = sum(counts[f"{k}:model_abstained"] for k in ANSWERABLE)
        shown = sum(counts[f"{k}:offline_shown"] for k in ANSWERABLE)
        print(
            "  the model itself abstained:          "
            f"{share(model_abstained, answerable)} (answerable; offline answer shown for {shown})"
            ", near-miss "
            f"{share(counts['near_miss:model_abstained'], counts['near_miss:questions'])}"
        )
    print(
        f"unsupported claim sentences (verifier): {share(counts['unsupported'], counts['claims'])}"
    )
    print(
        f"latency of ask: median {statistics.median(latencies):.0f} ms, "
        f"p95 {percentile(latencies, 0.95):.0f} ms"
    )


if __name__ == "__main__":
    main()
