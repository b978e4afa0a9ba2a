"""Sentence vectors kept on disk: exact, bounded, and never in the way of an answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.rag.vector_cache import CachingEmbedder
from assistant.store import sentence_vectors
from assistant.store.library import Library
from assistant.store.sentence_vectors import FILE, SentenceVectors
from tests.conftest import HashingEmbedder


class Counting(HashingEmbedder):
    """The hashing embedder, counting the texts it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        self.embedded.extend(texts)
        return super().embed_documents(texts)


def test_vectors_come_back_exactly_in_another_process(tmp_path: Path) -> None:
    first, second = Counting(), Counting()
    texts = ["Dropout prevents co-adaptation.", "DIOR has 23,463 images.", "A third sentence."]
    store = SentenceVectors(tmp_path / FILE)
    computed = CachingEmbedder(first, memo=store).embed_documents(texts)
    store.close()

    again = SentenceVectors(tmp_path / FILE)  # what the next `litassist ask` opens
    read = CachingEmbedder(second, memo=again).embed_documents([*texts, "Something new."])
    again.close()
    assert np.array_equal(read[:3], computed)  # the same bytes: the same answer
    assert second.embedded == ["Something new."]  # only what was never embedded


def test_another_embedder_never_reads_these_vectors(tmp_path: Path) -> None:
    store = SentenceVectors(tmp_path / FILE)
    store.put("local:a", {"text": np.ones(4, dtype=np.float32)})
    assert store.get("openai:b", ["text"]) == {}
    assert np.array_equal(store.get("local:a", ["text"])["text"], np.ones(4, dtype=np.float32))
    store.close()


def test_a_damaged_file_is_set_aside_and_started_afresh(tmp_path: Path) -> None:
    path = tmp_path / FILE
    path.write_bytes(b"not a database, " * 300)
    store = SentenceVectors(path)
    assert store.active
    store.put("local:a", {"text": np.zeros(3, dtype=np.float32)})
    assert list(store.get("local:a", ["text"])) == ["text"]
    store.close()


def test_a_folder_that_cannot_be_written_leaves_the_cache_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    store = SentenceVectors(blocker / FILE)
    assert not store.active
    embedder = Counting()
    cache = CachingEmbedder(embedder, memo=store)
    vectors = cache.embed_documents(["one", "two"])
    assert vectors.shape == (2, HashingEmbedder.dim) and embedder.embedded == ["one", "two"]


def test_the_oldest_rows_go_past_the_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sentence_vectors, "MAX_ROWS", 3)
    store = SentenceVectors(tmp_path / FILE)
    for i in range(5):
        store.put("local:a", {f"text {i}": np.full(2, i, dtype=np.float32)})
    assert sorted(store.get("local:a", [f"text {i}" for i in range(5)])) == [
        "text 2",
        "text 3",
        "text 4",
    ]
    store.close()


def test_the_library_keeps_them_in_its_data_folder(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib", HashingEmbedder(), create=True)
    try:
        store = library.sentence_vectors()
        assert library.sentence_vectors() is store
        store.put(library.embedder.name, {"text": np.ones(2, dtype=np.float32)})
    finally:
        library.close()
    assert (tmp_path / "lib" / FILE).is_file()
