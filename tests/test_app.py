"""The application layer: one composition of the parts, shared and thread-safe; the use cases
both front ends run (storing turns, export context, settings)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from assistant.app import Litassist
from assistant.errors import LibraryNotFoundError
from assistant.rag.chunking import chunk_paper
from assistant.settings import Settings
from assistant.store.library import Library
from assistant.types import Answer, Citation, Passage, Source
from assistant.wiring import make_prompts
from tests.conftest import HashingEmbedder
from tests.openai_sse import BASE_URL, MODEL
from tests.tui_support import make_settings


def app_over(data_dir: Path, opened: list[Path] | None = None, **values: Any) -> Litassist:
    """The application over `data_dir` with the fast embedder (counting library opens)."""
    embedder = HashingEmbedder()

    def open_library(settings: Settings, create: bool) -> Library:
        if opened is not None:
            opened.append(settings.data_dir)
        return Library.open(settings.data_dir, embedder, create=create)

    return Litassist(make_settings(data_dir, **values), open_library=open_library)


def test_engine_and_comparer_share_one_retriever_llm_and_prompt_library(
    hashing_sample_library: Path,
) -> None:
    with app_over(hashing_sample_library, openai_base_url=BASE_URL, model=MODEL) as app:
        engine, comparer = app.components.engine(), app.components.comparer()
        assert engine.retriever is comparer.retriever is app.components.retriever()
        assert engine.llm is comparer.llm is app.components.llm()
        assert engine.llm is not None and engine.llm.model == MODEL
        assert engine.prompts is comparer.prompts


def test_workers_open_the_library_once(hashing_sample_library: Path) -> None:
    opened: list[Path] = []
    with app_over(hashing_sample_library, opened) as app:
        counts: list[int] = []
        threads = [threading.Thread(target=lambda: counts.append(app.library.count()))
                   for _ in range(6)]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert counts == [62] * 6 and opened == [hashing_sample_library]


def test_prompts_come_from_the_settings_config_folder(tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    (folder / "prompts").mkdir(parents=True)
    (folder / "prompts" / "system.md").write_text("<!-- Receives nothing. -->\nBe brief.")
    prompts = make_prompts(Settings(config_file=folder / "config.toml"))
    assert prompts.get("system").template.strip() == "Be brief."


def test_a_turn_that_cannot_be_stored_keeps_its_answer(
    hashing_sample_library: Path, tmp_path: Path
) -> None:
    def no_store(settings: Settings) -> Any:
        raise LibraryNotFoundError("the disk is gone")

    embedder = HashingEmbedder()
    app = Litassist(
        make_settings(hashing_sample_library, openai_base_url=None),
        open_library=lambda s, create: Library.open(s.data_dir, embedder, create=create),
        open_conversations=no_store,
    )
    with app:
        stored = app.answers.ask("Which datasets pretrain image classification models?")
    assert stored.answer.text and stored.answer.mode == "extractive"
    assert stored.conversation_id is None
    assert stored.store_error == "The answer was not saved: the disk is gone"


def two_like_papers(data_dir: Path, chroma_url: str | None) -> list[Any]:
    """Two papers that want the same generated key, `smith2020deep`; the first by id keeps it."""
    from assistant.types import Paper

    papers = [
        Paper(id=f"p{n}", title=f"Deep {word}", abstract=f"About {word} and more.",
              authors=("Smith, A.",), year=2020)
        for n, word in ((1, "learning"), (2, "networks"))
    ]  # fmt: skip
    library = Library.open(data_dir, HashingEmbedder(), create=True, chroma_url=chroma_url)
    library.write([(p, chunk_paper(p)) for p in papers], [p.title for p in papers])
    library.close()
    return papers


@pytest.mark.parametrize("backend", ["embedded", "server"])
def test_export_keys_are_unique_in_the_whole_library_in_both_modes(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("server_url") if backend == "server" else None
    _, second = two_like_papers(tmp_path / "lib", url)
    chunk = chunk_paper(second)[0]
    answer = Answer(
        question="What about deep networks?",
        text="Deep networks [1].",
        mode="extractive",
        sources=(Source(1, second, Passage(chunk, 1.0)),),
        citations=(Citation(1, second.id, chunk.id, 0, 5, 0.9, True),),
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    settings = Settings(data_dir=tmp_path / "lib", chroma_url=url)
    with Litassist(settings, open_library=lambda s, c: None) as app:  # no library needed
        conversation_id = app.answers.store_turn(answer, None).conversation_id
        assert conversation_id is not None
        result = app.notes.export(app.answers.conversation(conversation_id), fmt="bibtex")
    assert "{smith2020deepa," in result.texts.main  # `smith2020deep` is the library's p1
