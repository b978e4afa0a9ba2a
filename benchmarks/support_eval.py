"""How well the citation verifier separates supported from unsupported cited claims.

    .venv/bin/python benchmarks/support_eval.py [--pairs benchmarks/data/support_pairs.jsonl]

Each JSONL line is a claim, the title of the paper it cites and whether that paper supports it
(paraphrases of an abstract; the same claims citing another paper; claims with a wrong figure).
The claim is verified as `[1]` against every passage of the cited paper, with the library's own
term weights and the configured embedder.  Prints the support scores per label and the accuracy
at `SUPPORT_THRESHOLD`: the numbers that threshold was chosen on.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pairs", type=Path, default=ROOT / "benchmarks" / "data" / "support_pairs.jsonl"
    )
    parser.add_argument(
        "--corpus", type=Path, default=ROOT / "samples" / "vision-datasets-papers.txt"
    )
    parser.add_argument("--data-dir", type=Path, help="Reuse (or create) this library folder.")
    args = parser.parse_args()

    from assistant.ingest import ingest
    from assistant.rag.citations import SUPPORT_THRESHOLD, verify
    from assistant.rag.scoring import IndexTermWeights
    from assistant.settings import load_settings
    from assistant.store.library import Library
    from assistant.types import Passage, Source
    from assistant.wiring import make_embedder

    pairs = [json.loads(line) for line in args.pairs.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="litassist-support-") as tmp:
        library = Library.open(
            args.data_dir or Path(tmp) / "lib", make_embedder(load_settings()), create=True
        )
        try:
            if library.catalog.count() == 0:
                ingest([args.corpus], library)
            papers = {row.paper.title: row.paper for row in library.catalog.list_rows()}
            weights = IndexTermWeights(library.lexical())
            scores: dict[bool, list[float]] = {True: [], False: []}
            right = 0
            for pair in pairs:
                paper = papers[pair["cites"]]
                chunks = library.catalog.chunks_of([paper.id])
                sources = [Source(i, paper, Passage(c, 1.0)) for i, c in enumerate(chunks, 1)]
                markers = "".join(f"[{s.number}]" for s in sources)
                checked = verify(
                    f"{pair['claim'].rstrip('.')} {markers}.",
                    sources,
                    embedder=library.embedder,
                    weights=weights,
                )
                sentence = checked.sentences[0]
                scores[pair["supported"]].append(sentence.support)
                right += sentence.supported == pair["supported"]
                flag = "ok " if sentence.supported == pair["supported"] else "BAD"
                print(
                    f"{flag} label={pair['supported']!s:<5} support={sentence.support:.3f} "
                    f"{sentence.note or ''} | {pair['claim'][:60]}"
                )
        finally:
            library.close()
    for label in (True, False):
        values = scores[label]
        print(
            f"{'supported' if label else 'unsupported':<11} n={len(values):>2} "
            f"support min {min(values):.3f} median {statistics.median(values):.3f} "
            f"max {max(values):.3f}"
        )
    print(f"accuracy at SUPPORT_THRESHOLD={SUPPORT_THRESHOLD}: {right}/{len(pairs)}")


if __name__ == "__main__":
    main()
