"""Builds the real components from `Settings`: the one place that knows how they fit together.

Commands and the TUI call these; tests build components directly and inject fakes instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.settings import Settings

if TYPE_CHECKING:
    from openai import OpenAI

    from assistant.rag.compare import Comparer
    from assistant.rag.embeddings import Embedder
    from assistant.rag.engine import AnswerEngine
    from assistant.rag.llm import LLMClient
    from assistant.rag.prompts import PromptLibrary
    from assistant.store.library import Library


def make_openai_client(settings: Settings) -> OpenAI | None:
    """The OpenAI client for the configured endpoint, or None when none is configured."""
    if not settings.llm_configured:
        return None
    import httpx
    from openai import OpenAI

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return OpenAI(
        api_key=key or "not-needed",  # local servers (Ollama, llama.cpp) accept any key
        base_url=settings.openai_base_url,
        timeout=settings.timeout,
        max_retries=0,  # retries with backoff are ours (assistant.rag.llm)
        # openai 3.x defaults to its own `httpx2` stack; an `httpx` client (a dependency of
        # ours, supported by openai) keeps one HTTP stack and lets tests mock it with respx.
        http_client=httpx.Client(timeout=settings.timeout),
    )


def make_embedder(settings: Settings) -> Embedder:
    from assistant.rag.embeddings import make_embedder as build

    client = make_openai_client(settings) if settings.embedder.startswith("openai:") else None
    return build(settings.embedder, cache_dir=settings.cache_dir / "models", openai_client=client)


def open_library(settings: Settings, *, create: bool = False) -> Library:
    from assistant.store.library import Library

    return Library.open(
        settings.data_dir,
        make_embedder(settings),
        create=create,
        chroma_url=settings.chroma_url,
    )


def make_llm(settings: Settings) -> LLMClient | None:
    """The chat client for the configured endpoint, or None when none is configured."""
    client = make_openai_client(settings)
    if client is None:
        return None
    from assistant.rag.llm import LLMClient

    return LLMClient(client, settings.model, max_retries=settings.max_retries)


def make_prompts(settings: Settings) -> PromptLibrary:
    """Shipped prompts, overridden by `<config dir>/prompts/NAME.md`."""
    from assistant.rag.prompts import PromptLibrary, user_prompt_dir
    from assistant.settings import default_config_file

    return PromptLibrary.default(user_prompt_dir(default_config_file()))


def make_engine(settings: Settings, library: Library) -> AnswerEngine:
    """The answer engine over an open library, in the settings' effective mode."""
    from assistant.rag.engine import AnswerEngine
    from assistant.rag.retriever import HybridRetriever

    return AnswerEngine(
        HybridRetriever(library),
        library.embedder,
        llm=make_llm(settings),
        prompts=make_prompts(settings),
        k=settings.k,
        mode=settings.effective_mode,
    )


def make_comparer(settings: Settings, library: Library) -> Comparer:
    """The comparer over an open library, in the settings' effective mode."""
    from assistant.rag.compare import Comparer
    from assistant.rag.retriever import HybridRetriever

    return Comparer(
        HybridRetriever(library),
        library.embedder,
        llm=make_llm(settings),
        prompts=make_prompts(settings),
        mode=settings.effective_mode,
    )
