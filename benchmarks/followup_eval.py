"""Follow-ups and topic switches in conversations: is each turn answered as well as if asked alone?

    .venv/bin/python benchmarks/followup_eval.py [--split tune|holdout|holdout2|all] [-k 8]
        [--show] [--data-dir DIR]

52 conversations over the sample corpus: benchmarks/data/followup_tune.jsonl and
followup_holdout.jsonl (16 each, split before any tuning: tune on the first, report both), and
followup_holdout2.jsonl (20, written later, before it was ever run; the rewriting rules were
not tuned on it).  Each line is {"id", "turns": [...]}; a turn is

* {"kind": "first", "question"}: opens the conversation (not scored);
* {"kind": "followup", "question", "standalone": QA_ID}: leans on the turn before ("How many
  images does it contain?"); its standalone form is the labelled question QA_ID (gold paper,
  facts) of benchmarks/data/qa_<half>.jsonl, for holdout2 of any qa_*.jsonl (their ids are
  unique);
* {"kind": "switch", "ref": QA_ID}: the labelled question QA_ID asked as it is, mid-conversation,
  on another topic.

Every turn is answered offline with the whole conversation before it as history, and its
labelled question alone, without history.  Printed per half:

* follow-ups answered as well as their standalone form: the gold paper cited when the standalone
  answer cites it, and the facts in the answer when the standalone answer has them;
* follow-up gold cited and fact in answer, next to the same for the standalone forms;
* topic switches that abstain, those of them answered when asked alone (must be 0: the history
  made them abstain), that are rewritten at all (should be 0), and that are answered as well as
  when asked alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "benchmarks" / "data"
DEFAULT_CORPUS = ROOT / "samples" / "vision-datasets-papers.txt"
HALVES = ("tune", "holdout", "holdout2")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def normalized(text: str) -> str:
    return " ".join(text.lower().split())


def judged(answer, item: dict, titles: dict[str, str]) -> tuple[bool, bool]:
    """(gold paper cited, every fact in the answer) for an answer to labelled question `item`."""
    gold = {titles[t] for t in item["gold_titles"]}
    cited = {c.paper_id for c in answer.citations}
    facts = item.get("facts", [])
    has_facts = not answer.abstained and all(
        normalized(f) in normalized(answer.text) for f in facts
    )
    return bool(gold & cited) and not answer.abstained, has_facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=[*HALVES, "both", "all"], default="all")
    parser.add_argument("-k", type=int, default=8)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--data-dir", type=Path, help="Reuse (or create) this library folder.")
    parser.add_argument("--show", action="store_true", help="Print every scored turn.")
    args = parser.parse_args()

    from assistant.ingest import ingest
    from assistant.settings import load_settings
    from assistant.store.library import Library
    from assistant.wiring import make_embedder, make_engine

    settings = load_settings()
    halves = {"all": list(HALVES), "both": list(HALVES[:2])}.get(args.split, [args.split])
    with tempfile.TemporaryDirectory(prefix="litassist-followup-") as tmp:
        embedder = make_embedder(settings)
        library = Library.open(args.data_dir or Path(tmp) / "library", embedder, create=True)
        if library.catalog.count() == 0:
            ingest([args.corpus], library)
        try:
            engine = make_engine(settings.model_copy(), library)
            titles = {row.paper.title: row.paper.id for row in library.catalog.list_rows()}
            for half in halves:
                run(args, half, engine, titles)
        finally:
            library.close()


def run(args: argparse.Namespace, half: str, engine, titles: dict[str, str]) -> None:
    sets = sorted(DATA.glob("qa_*.jsonl")) if half == "holdout2" else [DATA / f"qa_{half}.jsonl"]
    questions = {q["id"]: q for path in sets for q in load(path)}
    conversations = load(DATA / f"followup_{half}.jsonl")
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    for conversation in conversations:
        history = []
        for turn in conversation["turns"]:
            kind = turn["kind"]
            item = (
                questions[turn.get("standalone") or turn.get("ref") or ""]
                if kind != "first"
                else None
            )
            question = turn.get("question") or item["question"]
            answer = engine.ask(question, history=history, mode="extractive", k=args.k)
            history.append(answer)
            if item is None:
                continue
            alone = engine.ask(item["question"], mode="extractive", k=args.k)
            gold, facts = judged(answer, item, titles)
            gold_alone, facts_alone = judged(alone, item, titles)
            as_well = (gold or not gold_alone) and (facts or not facts_alone)
            counts[f"{kind}"] += 1
            counts[f"{kind}:abstained"] += answer.abstained
            counts[f"{kind}:abstained_history"] += answer.abstained and not alone.abstained
            counts[f"{kind}:gold"] += gold
            counts[f"{kind}:facts"] += facts
            counts[f"{kind}:gold_alone"] += gold_alone
            counts[f"{kind}:facts_alone"] += facts_alone
            counts[f"{kind}:as_well"] += as_well
            counts[f"{kind}:rewritten"] += answer.standalone_query != question
            if args.show:
                mark = "ok" if as_well else "WORSE"
                print(f"\n=== {conversation['id']} {kind} [{mark}] {question}")
                print(f"  searched as: {answer.standalone_query}")
                print(f"  standalone:  {item['question']}")
                print(
                    f"  gold cited {gold} (alone {gold_alone}), facts {facts} (alone {facts_alone})"
                )
                if not as_well or answer.abstained:
                    print("  " + answer.text[:300].replace("\n", " "))

    def share(key: str, of: str) -> str:
        a, b = counts[key], counts[of]
        return f"{a / b:.3f} ({a}/{b})" if b else "n/a"

    print(
        f"\n[{half}] conversations={len(conversations)} follow-ups={counts['followup']} "
        f"switches={counts['switch']} k={args.k} ({time.perf_counter() - started:.0f} s)"
    )
    print(f"follow-ups answered as well as alone:  {share('followup:as_well', 'followup')}")
    print(
        f"  gold cited: {share('followup:gold', 'followup')} "
        f"(standalone {share('followup:gold_alone', 'followup')})"
    )
    print(
        f"  fact in answer: {share('followup:facts', 'followup')} "
        f"(standalone {share('followup:facts_alone', 'followup')})"
    )
    print(f"  abstained: {share('followup:abstained', 'followup')}")
    print(f"topic switches that abstain:           {share('switch:abstained', 'switch')}")
    print(f"  of them answered when asked alone:   {share('switch:abstained_history', 'switch')}")
    print(f"topic switches rewritten:              {share('switch:rewritten', 'switch')}")
    print(f"topic switches answered as well:       {share('switch:as_well', 'switch')}")


if __name__ == "__main__":
    main()
