"""The composition root: builds the real components from `Settings`, each once, and shares them.

`Components` is the one place that knows how the parts fit together and the only one that opens
the stores: the library (catalog, vectors, BM25), the conversation and comparison stores.  One
OpenAI client serves the chat model and an `openai:` embedder; one LLM client, one prompt
library and one retriever serve both the answer engine and the comparer.  Each part is built on
first use (so `litassist papers` never loads chromadb or the embedding model) under a lock (the
TUI's workers share one `Components`).  Tests replace any part by passing it, or a factory for
it, to the constructor.

The `make_*` functions build one part each from the settings; benchmarks and tests use them
directly, and `Components` calls them through this module's namespace so a test may patch one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.settings import Settings

if TYPE_CHECKING:
    from openai import OpenAI

    from assistant.embedder import Embedder
    from assistant.rag.compare import Comparer
    from assistant.rag.engine import AnswerEngine
    from assistant.rag.llm import LLMClient
    from assistant.rag.prompts import PromptLibrary
    from assistant.rag.retriever import HybridRetriever
    from assistant.store.comparisons import ComparisonStore
    from assistant.store.conversations import ConversationStore
    from assistant.store.library import Library
    from assistant.store.records import PaperCatalog

LibraryOpener = Callable[[Settings, bool], "Library"]
StoreOpener = Callable[[Settings], "ConversationStore"]
ComparisonsOpener = Callable[[Settings], "ComparisonStore"]


# ---- one part each ----------------------------------------------------------------------------
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
        # (openai's hints name only httpx2's Client, whose API httpx's has: hence the ignore)
        http_client=httpx.Client(timeout=settings.timeout),  # type: ignore[arg-type]  # see above
    )


def make_embedder(settings: Settings, openai_client: OpenAI | None = None) -> Embedder:
    """The configured embedder; an `openai:` one uses `openai_client` (built if not given)."""
    from assistant.rag.embeddings import make_embedder as build

    if settings.embedder.startswith("openai:") and openai_client is None:
        openai_client = make_openai_client(settings)
    models = settings.cache_dir / "models"
    return build(settings.embedder, cache_dir=models, openai_client=openai_client)


def open_library(
    settings: Settings,
    *,
    create: bool = False,
    embedder: Embedder | None = None,
) -> Library:
    """The library the settings name (data folder, or Chroma server) with the embedder."""
    from assistant.store.library import Library

    return Library.open(
        settings.data_dir,
        embedder if embedder is not None else make_embedder(settings),
        create=create,
        chroma_url=settings.chroma_url,
    )


def open_catalog(settings: Settings) -> PaperCatalog:
    """The paper records alone, for listing: no embedder, and no chromadb in embedded mode."""
    from assistant.store.records import open_catalog as open_records

    return open_records(settings.data_dir, settings.chroma_url)


def open_conversation_store(settings: Settings) -> ConversationStore:
    from assistant.store.conversations import ConversationStore

    return ConversationStore.open(settings.data_dir)


def open_comparison_store(settings: Settings) -> ComparisonStore:
    from assistant.store.comparisons import ComparisonStore

    return ComparisonStore.open(settings.data_dir)


def make_llm(settings: Settings, openai_client: OpenAI | None = None) -> LLMClient | None:
    """The chat client for the configured endpoint, or None when none is configured."""
    client = openai_client if openai_client is not None else make_openai_client(settings)
    if client is None:
        return None
    from assistant.rag.llm import LLMClient

    return LLMClient(client, settings.model, max_retries=settings.max_retries)


def make_prompts(settings: Settings) -> PromptLibrary:
    """Shipped prompts, overridden by `prompts/NAME.md` beside the settings' config file."""
    from assistant.rag.prompts import PromptLibrary, user_prompt_dir

    return PromptLibrary.default(user_prompt_dir(settings.config_file))


def make_engine(
    settings: Settings,
    library: Library,
    *,
    retriever: HybridRetriever | None = None,
    llm: LLMClient | None = None,
    prompts: PromptLibrary | None = None,
) -> AnswerEngine:
    """The answer engine over an open library, in the settings' effective mode; the retriever,
    LLM client and prompts are built from the settings unless given (to share them)."""
    from assistant.rag.engine import AnswerEngine
    from assistant.rag.retriever import HybridRetriever

    return AnswerEngine(
        retriever or HybridRetriever(library),
        library.embedder,
        llm=llm if llm is not None else make_llm(settings),
        prompts=prompts or make_prompts(settings),
        k=settings.k,
        mode=settings.effective_mode,
    )


def make_comparer(
    settings: Settings,
    library: Library,
    *,
    retriever: HybridRetriever | None = None,
    llm: LLMClient | None = None,
    prompts: PromptLibrary | None = None,
) -> Comparer:
    """The comparer over an open library, in the settings' effective mode (parts as above)."""
    from assistant.rag.compare import Comparer
    from assistant.rag.retriever import HybridRetriever

    return Comparer(
        retriever or HybridRetriever(library),
        library.embedder,
        llm=llm if llm is not None else make_llm(settings),
        prompts=prompts or make_prompts(settings),
        mode=settings.effective_mode,
    )


# ---- every part, once ---------------------------------------------------------------------------
_UNSET = object()


class Components:
    """Every part litassist runs on, built from `settings` on first use and then shared.

    Args:
        settings: what to build.
        open_library: `(settings, create) -> Library`; default `open_library` with the
            configured embedder (tests pass a temporary library with a fast embedder).
        open_conversations, open_comparisons: `(settings) -> store`; default: the files in
            the data folder.
        openai_client: the client for the LLM endpoint (default: built from the settings).

    Thread-safe: each part is built once under a lock, so two workers never open the library
    twice.  `reconfigure` swaps the settings and drops the parts built from them (the LLM
    client, prompts, engine, comparer), keeping the open library and stores.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        open_library: LibraryOpener | None = None,
        open_conversations: StoreOpener | None = None,
        open_comparisons: ComparisonsOpener | None = None,
        openai_client: OpenAI | object | None = _UNSET,
    ) -> None:
        self._settings = settings
        self._open_library = open_library or self._default_library
        self._open_conversations = open_conversations or open_conversation_store
        self._open_comparisons = open_comparisons or open_comparison_store
        self._given_client = openai_client
        self._lock = threading.RLock()
        self._library: Library | None = None
        self._conversations: ConversationStore | None = None
        self._comparisons: ComparisonStore | None = None
        self._reset()

    def _reset(self) -> None:
        self._client: OpenAI | object | None = self._given_client
        self._llm: LLMClient | object | None = _UNSET
        self._prompts: PromptLibrary | None = None
        self._retriever: HybridRetriever | None = None
        self._engine: AnswerEngine | None = None
        self._comparer: Comparer | None = None

    @property
    def settings(self) -> Settings:
        return self._settings

    def reconfigure(self, settings: Settings) -> None:
        """Use `settings` from now on: the parts built from the old ones are rebuilt when next
        asked for.  The data folder, server and embedder must not change (the open library
        and stores are kept); a front end restarts for those."""
        with self._lock:
            self._settings = settings
            self._reset()

    # ---- the stores ---------------------------------------------------------------------------
    def _default_library(self, settings: Settings, create: bool) -> Library:
        if settings.embedder.startswith("openai:"):  # the chat's client serves embeddings too
            embedder = make_embedder(settings, self.openai_client())
        else:
            embedder = make_embedder(settings)
        return open_library(settings, create=create, embedder=embedder)

    def library(self, *, create: bool = False) -> Library:
        """The open library; raises `LibraryNotFoundError` when there is none (and not `create`)."""
        with self._lock:
            if self._library is None:
                self._library = self._open_library(self._settings, create)
            return self._library

    def fresh_library(self, *, create: bool = False) -> Library:
        """A newly opened library, not shared (the caller closes it): for a recovery, which
        must first close the shared one and then replaces the files under it."""
        return self._open_library(self._settings, create)

    def has_library(self) -> bool:
        """Whether the library is open already (nothing is opened to answer)."""
        return self._library is not None

    def open_catalog(self) -> PaperCatalog:
        """The paper records alone, newly opened (the caller closes them): for listing without
        loading the library's indexes."""
        return open_catalog(self._settings)

    def conversations(self) -> ConversationStore:
        with self._lock:
            if self._conversations is None:
                self._conversations = self._open_conversations(self._settings)
            return self._conversations

    def comparisons(self) -> ComparisonStore:
        with self._lock:
            if self._comparisons is None:
                self._comparisons = self._open_comparisons(self._settings)
            return self._comparisons

    # ---- answering ----------------------------------------------------------------------------
    def openai_client(self) -> OpenAI | None:
        with self._lock:
            if self._client is _UNSET:
                self._client = make_openai_client(self._settings)
            return self._client  # type: ignore[return-value]  # set above: never _UNSET here

    def llm(self) -> LLMClient | None:
        with self._lock:
            if self._llm is _UNSET:
                client = self.openai_client()
                self._llm = make_llm(self._settings, client) if client is not None else None
            return self._llm  # type: ignore[return-value]  # set above: never _UNSET here

    def prompts(self) -> PromptLibrary:
        with self._lock:
            if self._prompts is None:
                self._prompts = make_prompts(self._settings)
            return self._prompts

    def retriever(self) -> HybridRetriever:
        with self._lock:
            if self._retriever is None:
                from assistant.rag.retriever import HybridRetriever

                self._retriever = HybridRetriever(self.library())
            return self._retriever

    def engine(self) -> AnswerEngine:
        """The answer engine for the current settings."""
        with self._lock:
            if self._engine is None:
                self._engine = make_engine(
                    self._settings,
                    self.library(),
                    retriever=self.retriever(),
                    llm=self.llm(),
                    prompts=self.prompts(),
                )
            return self._engine

    def comparer(self) -> Comparer:
        """The comparer for the current settings, sharing the engine's parts."""
        with self._lock:
            if self._comparer is None:
                self._comparer = make_comparer(
                    self._settings,
                    self.library(),
                    retriever=self.retriever(),
                    llm=self.llm(),
                    prompts=self.prompts(),
                )
            return self._comparer

    def close(self) -> None:
        """Close what was opened; the next use opens it again."""
        with self._lock:
            if self._library is not None:
                self._library.close()
                self._library = None
            for store in (self._conversations, self._comparisons):
                if store is not None:
                    store.close()
            self._conversations = self._comparisons = None
            self._reset()
