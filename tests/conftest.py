"""Shared fixtures: a fast deterministic embedder, the real local one, and temporary libraries."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.store.library import Library

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "samples" / "vision-datasets-papers.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class HashingEmbedder:
    """Deterministic bag-of-words vectors (feature hashing): fast, offline, good enough to rank
    texts sharing words.  Used where a test is about storage or plumbing, not embedding quality."""

    dim = 256

    def __init__(self, name: str = "test:hashing") -> None:
        self._name = name
        self.calls = 0

    @property
    def name(self) -> str:
        return self._name

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def local_embedder(model_cache: Path):
    from assistant.rag.embeddings import OnnxMiniLMEmbedder

    return OnnxMiniLMEmbedder(model_cache)


@pytest.fixture
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def library(data_dir: Path, hashing_embedder: HashingEmbedder) -> Iterator[Library]:
    lib = Library.open(data_dir, hashing_embedder, create=True)
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def sample_library(tmp_path_factory: pytest.TempPathFactory, local_embedder) -> Path:
    """The sample corpus ingested once with the real local embedder; tests open it read-only."""
    from assistant.ingest import ingest

    data = tmp_path_factory.mktemp("sample-library")
    lib = Library.open(data, local_embedder, create=True)
    try:
        report = ingest([SAMPLE_CORPUS], lib)
    finally:
        lib.close()
    assert report.added == 60
    return data


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_cache: Path) -> None:
    """No test reads the developer's config, keys or library."""
    for name in list(os.environ):
        if name.startswith(("LITASSIST_", "OPENAI_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LITASSIST_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("LITASSIST_CACHE_DIR", str(model_cache.parent / "litassist-cache"))
    monkeypatch.setenv("LITASSIST_HOME", str(tmp_path / "home-library"))


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run `litassist ARGS...` in-process through the real entry point (error boundary too)."""
    from assistant.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """One real `chroma run` server on 127.0.0.1 for the whole session (stopped by PID)."""
    from tests.chroma_server import ChromaServer

    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data").start()
    yield server
    server.stop()


@pytest.fixture
def server_url(chroma_server) -> str:
    """The session's Chroma server, emptied for this test."""
    chroma_server.wipe()
    return chroma_server.url


@pytest.fixture(scope="session")
def hashing_sample_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus plus a Zotero BibTeX file (authors, years, venues): 62 papers.

    Ingested once with the `HashingEmbedder`; open with `Library.open(path, HashingEmbedder())`
    and only read from it.
    """
    from assistant.ingest import ingest

    data = tmp_path_factory.mktemp("hashing-sample-library")
    lib = Library.open(data, HashingEmbedder(), create=True)
    try:
        ingest([SAMPLE_CORPUS, FIXTURES / "sources" / "zotero.bib"], lib)
    finally:
        lib.close()
    return data


@pytest.fixture(scope="session")
def well_known_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight well-known papers from a BibTeX file (`fixtures/library/well-known.bib`: accented
    authors, citekeys, long venue names, one book without abstract), `HashingEmbedder`; only
    read from it."""
    from assistant.ingest import ingest

    data = tmp_path_factory.mktemp("well-known-library")
    lib = Library.open(data, HashingEmbedder(), create=True)
    try:
        ingest([FIXTURES / "library" / "well-known.bib"], lib)
    finally:
        lib.close()
    return data


@pytest.fixture
def fake_llm():
    """A fake OpenAI-compatible endpoint at `tests.fake_llm.BASE_URL`, mocked with respx."""
    import respx

    from tests.fake_llm import FakeChatEndpoint

    endpoint = FakeChatEndpoint()
    with respx.mock(assert_all_called=False) as router:
        endpoint.install(router)
        yield endpoint
