"""Builds the real components from `Settings`: the one place that knows how they fit together.

Commands and the TUI call these; tests build components directly and inject fakes instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.settings import Settings

if TYPE_CHECKING:
    from openai import OpenAI

    from assistant.rag.embeddings import Embedder
    from assistant.store.library import Library


def make_openai_client(settings: Settings) -> OpenAI | None:
    """The OpenAI client for the configured endpoint, or None when none is configured."""
    if not settings.llm_configured:
        return None
    from openai import OpenAI

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return OpenAI(
        api_key=key or "not-needed",  # local servers (Ollama, llama.cpp) accept any key
        base_url=settings.openai_base_url,
        timeout=settings.timeout,
        max_retries=0,  # retries with backoff are ours (assistant.rag.llm)
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
