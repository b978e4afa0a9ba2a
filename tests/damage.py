"""Ways to damage a data folder's files, and a small library whose HNSW segment is on disk.

Chroma buffers vectors and writes the HNSW segment files (`chroma/<uuid>/data_level0.bin`,
...) only every `sync_threshold` vectors (1,000 by default), so a test library of a few dozen
papers would have only empty placeholders there.  `build_library` lowers the threshold for the
library it creates, so its segment is written like a large library's, and the damage Chroma's
native code crashes on can be reproduced with 40 papers.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.ingest import ingest
from assistant.store import vectors as vector_module
from assistant.store.library import Library
from tests.conftest import HashingEmbedder
from tests.synthetic_corpus import write_corpus

PAGE = 4096
SMALL_SYNC = {"space": "cosine", "sync_threshold": 10, "batch_size": 10}


def build_library(data: Path, source: Path, papers: int = 40) -> Path:
    """Ingest `papers` synthetic papers into `data` with the segment written to disk."""
    write_corpus(source, papers)
    # A patch of its own (not the test's `monkeypatch`, whose undo would also undo the
    # isolated environment conftest set up).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vector_module, "HNSW_CONFIG", SMALL_SYNC)
        library = Library.open(data, HashingEmbedder(), create=True)
        try:
            ingest([source], library)
        finally:
            library.close()
    return source


def segment_file(data: Path, name: str) -> Path:
    found = sorted((data / "chroma").glob(f"*/{name}"))
    assert found, f"no {name} under {data / 'chroma'}"
    return found[0]


def truncate(path: Path) -> None:
    """Cut the file to half its size (a write that never finished)."""
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def garble(path: Path) -> None:
    """A page of garbage a quarter into the file (the whole file if it is smaller): inside
    the used part of a segment file, whose tail is preallocated capacity."""
    size = path.stat().st_size
    rng = random.Random(f"garble-{path.name}-{size}")
    if size <= PAGE:
        path.write_bytes(rng.randbytes(max(size, 64)))
        return
    offset = (size // 4) // PAGE * PAGE
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(rng.randbytes(min(PAGE, size - offset)))


def delete(path: Path) -> None:
    os.unlink(path)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncate": truncate,
    "garble": garble,
    "delete": delete,
}
