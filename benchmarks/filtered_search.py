"""Collections and tags as search filters, at library scale: latency of filtered searches.

    .venv/bin/python benchmarks/filtered_search.py [--size 10000] [--queries 100]
                                                   [--modes embedded,server] [--work DIR]

The synthetic library of `benchmarks/scale.py` (Zipf abstracts, random unit vectors: the
embedder is bypassed), every paper given a Zotero-like place: one or two of 40 collections in
a two-level tree ("Topic 3/Sub 17") and two of 60 tags (Zipf-distributed, so some tags are on
a third of the library and some on a few dozen papers).  Times `HybridRetriever.search(query,
k=10)` with no filter, `--collection` of a top-level collection (about a tenth of the library),
of one sub-collection (about 1/40), `--tag` of a common tag, of a rare one, and a collection
and a tag together; median and p95 in ms.  Also: building the label index once (the first
filtered search after a write pays it; later ones reuse it until the next write).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.rag.retriever import HybridRetriever, SearchFilters  # noqa: E402
from assistant.sources.identity import title_hash  # noqa: E402
from assistant.store.library import Library  # noqa: E402
from benchmarks.scale import Corpus, PrecomputedEmbedder, percentile, start_server  # noqa: E402

TOPICS = 10
SUBS = 40
TAGS = 60
BATCH = 1000


def label(papers: list, rng: np.random.Generator) -> list:
    weights = 1.0 / np.arange(1, TAGS + 1)
    weights /= weights.sum()
    out = []
    for paper, chunks in papers:
        sub = int(rng.integers(SUBS))
        paths = [f"Topic {sub % TOPICS}/Sub {sub}"]
        if rng.random() < 0.3:
            other = int(rng.integers(SUBS))
            paths.append(f"Topic {other % TOPICS}/Sub {other}")
        tags = sorted({f"tag{int(t)}" for t in rng.choice(TAGS, size=2, p=weights)})
        labelled = dataclasses.replace(
            paper, collections=tuple(sorted(set(paths))), tags=tuple(tags), source_format="zotero"
        )
        out.append((labelled, chunks))
    return out


def run(mode: str, size: int, queries: int, work: Path) -> None:
    embedder = PrecomputedEmbedder(seed=3)
    url = None
    server = None
    if mode == "server":
        server, url = start_server(work / "chroma")
    try:
        library = Library.open(work / "lib", embedder, create=True, chroma_url=url)
        corpus = Corpus(seed=11)
        rng = np.random.default_rng(5)
        start = time.perf_counter()
        for first in range(0, size, BATCH):
            batch = label(corpus.papers(first, min(BATCH, size - first)), rng)
            embedder.prepare(sum(len(c) for _, c in batch))
            library.write(batch, [title_hash(p.title) for p, _ in batch])
        library.lexical()
        print(f"[{mode}] built {size} papers in {time.perf_counter() - start:.1f} s")
        retriever = HybridRetriever(library)

        t0 = time.perf_counter()
        retriever.labels.select(SearchFilters(tags=("tag0",)).labels)
        print(f"[{mode}] label index, first build: {(time.perf_counter() - t0) * 1000:.1f} ms")

        cases = {
            "no filter": SearchFilters(),
            "collection Topic 3 (~1/10)": SearchFilters(collections=("Topic 3",)),
            "collection Sub 17 (~1/40)": SearchFilters(collections=("Sub 17",)),
            "tag0 (common)": SearchFilters(tags=("tag0",)),
            "tag59 (rare)": SearchFilters(tags=("tag59",)),
            "Topic 3 + tag1": SearchFilters(collections=("Topic 3",), tags=("tag1",)),
        }
        for name, filters in cases.items():
            selected = (
                len(retriever.resolve(filters).paper_ids or ()) if name != "no filter" else size
            )
            times: list[float] = []
            for _ in range(queries):
                query = corpus.query()
                begin = time.perf_counter()
                hits = retriever.search(query, 10, filters=filters)
                times.append((time.perf_counter() - begin) * 1000)
                if filters.collections or filters.tags:
                    allowed = set(retriever.resolve(filters).paper_ids or ())
                    assert all(h.paper.id in allowed for h in hits), name
            print(
                f"[{mode}] {name:<28} {selected:>6} papers  median "
                f"{statistics.median(times):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms"
            )
        library.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--modes", default="embedded")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    for mode in args.modes.split(","):
        with tempfile.TemporaryDirectory(dir=args.work) as folder:
            run(mode, args.size, args.queries, Path(folder))


if __name__ == "__main__":
    main()
