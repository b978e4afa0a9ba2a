"""Ingest speed: abstracts per second and peak memory for the SciFact corpus (5,183 abstracts)
with the default local embedder, through `litassist`'s own ingest into a fresh library.

    .venv/bin/python benchmarks/ingest_speed.py [--scifact DIR] [--limit N]

The one-time preparation of the int8 model (cached afterwards) is timed separately.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from scifact_data import DEFAULT_SCIFACT

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


class TimedEmbedder:
    """Wraps an embedder to measure the share of time spent embedding."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts = 0

    @property
    def name(self) -> str:
        return self.inner.name

    def embed_documents(self, texts):
        start = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - start
            self.texts += len(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT)
    parser.add_argument("--limit", type=int, default=0, help="Only the first N abstracts.")
    args = parser.parse_args()

    from assistant.ingest import ingest
    from assistant.rag.embeddings import OnnxMiniLMEmbedder
    from assistant.store.library import Library

    corpus = args.scifact / "corpus.jsonl"
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        source = corpus
        if args.limit:
            source = work_dir / "corpus.jsonl"
            with corpus.open(encoding="utf-8") as handle:
                source.write_text("".join(next(handle) for _ in range(args.limit)))
        count = sum(1 for _ in source.open(encoding="utf-8"))

        start = time.perf_counter()
        embedder = OnnxMiniLMEmbedder(work_dir / "model-cache")
        embedder.embed_documents(["prepare the model"])
        prepare = time.perf_counter() - start

        timed = TimedEmbedder(embedder)
        library = Library.open(work_dir / "library", timed, create=True)
        start = time.perf_counter()
        report = ingest([source], library)
        seconds = time.perf_counter() - start
        chunks = len(library.catalog.chunk_ids())
        library.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(report.summary())
    print(f"model preparation (first use only): {prepare:.1f} s")
    print(f"abstracts: {count}, chunks: {chunks} ({chunks / count:.2f} per abstract)")
    print(f"ingest: {seconds:.1f} s = {count / seconds:.1f} abstracts/s")
    print(
        f"embedding: {timed.seconds:.1f} s ({timed.seconds / seconds:.0%} of ingest), "
        f"{timed.texts / timed.seconds:.1f} chunks/s"
    )
    print(f"peak memory (RSS): {peak_mb:.0f} MB")
    print(f"CPU cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
