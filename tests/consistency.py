"""The one assertion storage tests share: the library holds exactly these files' papers.

Exactly: the catalog's papers are the parsed papers (field for field), each paper's chunks are
the chunker's chunks, every paper is indexed, and the vector store and the BM25 index hold
exactly those chunk ids once each: no duplicates, no orphans, nothing missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.rag.chunking import chunk_paper
from assistant.sources import parse_file
from assistant.store.library import Library
from assistant.types import Chunk, Paper


def expected_papers(files: Sequence[Path]) -> dict[str, Paper]:
    papers: dict[str, Paper] = {}
    for path in files:
        for paper in parse_file(path.resolve()).papers:
            papers[paper.id] = paper
    return papers


def assert_library_holds_exactly(library: Library, files: Sequence[Path]) -> None:
    expected = expected_papers(files)
    catalog = library.catalog
    stored = catalog.get_many(list(expected))
    assert set(stored) == set(expected)
    assert catalog.count() == len(expected)
    for pid, paper in expected.items():
        assert stored[pid] == paper, pid
    assert catalog.pending_ids() == []

    chunks: list[Chunk] = [c for paper in expected.values() for c in chunk_paper(paper)]
    want = {c.id: c for c in chunks}
    got = catalog.chunks_of(sorted(expected))
    assert len(got) == len(want)
    assert {c.id: c for c in got} == want

    vectors = library.vectors.all_metadata()
    assert library.vectors.count() == len(vectors) == len(want)
    assert set(vectors) == set(want)
    for cid, (paper_id, digest) in vectors.items():
        assert paper_id == want[cid].paper_id
        assert digest == expected[want[cid].paper_id].content_hash

    lexical = library.lexical().chunk_ids
    assert len(lexical) == len(set(lexical)) == len(want)
    assert set(lexical) == set(want)

    health = library.check()
    assert health.consistent, health.problems()
