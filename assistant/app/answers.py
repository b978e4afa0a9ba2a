"""Answer use cases: ask a question (streamed or whole) and store the turn; conversations.

A question is answered by the answer engine over the library and stored as the next turn of a
conversation (a new one unless one is named), in one place for both front ends: the CLI prints
the stream, the TUI's worker posts it to the screen.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.app.stored import by_ref_or_last
from assistant.errors import EndpointFailure, LitassistError
from assistant.redact import redact
from assistant.types import Answer, AnswerDelta, AnswerMode, Conversation, ConversationSummary

if TYPE_CHECKING:
    from assistant.app.library import LibraryUseCases, Scope
    from assistant.rag.citations import Marker
    from assistant.settings import Settings
    from assistant.wiring import Components

__all__ = [
    "AnswerUseCases",
    "EndpointStatus",
    "StoredAnswer",
    "citation_markers",
    "require_endpoint",
]


@dataclass(frozen=True)
class StoredAnswer:
    """A finished answer and where it was stored.

    `answer.conversation_id` is set when the turn was stored; `store_error` says why it was
    not (the answer itself is kept: a full disk must not lose it).
    """

    answer: Answer
    store_error: str | None = None

    @property
    def conversation_id(self) -> str | None:
        return self.answer.conversation_id


def require_endpoint(settings: Settings, verb: str = "answer") -> None:
    """Refuse `--mode llm` without an endpoint before anything is opened.

    Raises:
        LitassistError: the LLM mode is asked for and no endpoint is configured.
    """
    if settings.answer_mode == "llm" and not settings.llm_configured:
        raise LitassistError(
            f"No LLM endpoint configured for --mode llm; set OPENAI_BASE_URL (and "
            f"OPENAI_API_KEY if it needs one), or {verb} with --mode extractive."
        )


def without_secrets(answer: Answer, secrets: Sequence[str]) -> Answer:
    """`answer` with every secret it echoes (the API key) replaced by as many `*`: offsets of
    citations and sentences stay valid.  Stored and exported answers go through this."""
    if not any(secrets):
        return answer
    return replace(
        answer,
        question=redact(answer.question, secrets),
        text=redact(answer.text, secrets),
        error=redact(answer.error, secrets) if answer.error else answer.error,
        sentences=tuple(replace(s, text=redact(s.text, secrets)) for s in answer.sentences),
    )


def is_llm_failure(exc: Exception) -> bool:
    """Whether `exc` is the LLM endpoint failing (down, timed out, refusing): the question can
    still be answered offline, in extractive mode."""
    from assistant.rag.llm import LLMError, LLMNotConfiguredError

    return isinstance(exc, LLMError) and not isinstance(exc, LLMNotConfiguredError)


def cut_off_by_endpoint(answer: Answer) -> bool:
    """Whether the LLM stream broke off (not cancelled by the user): the answer is partial."""
    from assistant.rag.engine import CANCELLED

    return answer.mode == "llm" and not answer.complete and answer.error not in (None, CANCELLED)


def citation_markers(text: str) -> list[Marker]:
    """The `[n]` citation markers in `text` with their offsets (what the views link)."""
    from assistant.rag.citations import find_markers

    return find_markers(text)


@dataclass(frozen=True)
class EndpointStatus:
    """How the LLM endpoint did on the last answer: what a status line shows.

    `ok` is None before any LLM answer, True after a whole one, False after a failure (an
    error before any text, a cut-off or malformed stream, a timeout); `message` says why.
    A cancelled answer leaves the status as it was.
    """

    ok: bool | None = None
    message: str = ""


class AnswerUseCases:
    """Questions, answers and the conversations that keep them."""

    def __init__(self, components: Components, library: LibraryUseCases) -> None:
        self._components = components
        self._library = library
        self.endpoint_status = EndpointStatus()

    def stream(
        self,
        question: str,
        *,
        conversation: str | None = None,
        history: Sequence[Answer] | None = None,
        scope: Scope | None = None,
        cancel: threading.Event | None = None,
        mode: AnswerMode | None = None,
    ) -> Iterator[AnswerDelta | StoredAnswer]:
        """Answer `question`: text pieces as they arrive, then the answer stored as a turn.

        Args:
            question: what to answer; a follow-up is rewritten to stand on its own.
            conversation: the conversation to continue (id or unique prefix); None starts one.
            history: the conversation's turns so far, when the caller has them (the TUI); read
                from the store otherwise.
            scope: limits the sources to some years or papers.
            cancel: set it to stop the answer; what arrived is verified and kept.
            mode: "llm" or "extractive" for this question only (default: the settings').

        Yields:
            `AnswerDelta` pieces, then exactly one `StoredAnswer`.

        Raises:
            LitassistError: an empty question, no library, no endpoint for the LLM mode, an
                unknown conversation or paper, an endpoint failing before any text arrived.
        """
        if not question.strip():
            raise LitassistError("The question is empty.")
        if mode != "extractive":
            require_endpoint(self._components.settings)
        conversation_id = None
        if conversation is not None:
            store = self._components.conversations()
            conversation_id = store.resolve(conversation)
            if history is None:
                history = store.get(conversation_id).turns
        filters = self._library.filters(scope)
        engine = self._components.engine()
        final: Answer | None = None
        try:
            stream = engine.stream(
                question, history=history or (), filters=filters, cancel=cancel, mode=mode
            )
            for item in stream:
                if isinstance(item, AnswerDelta):
                    yield item
                else:
                    final = item
        except EndpointFailure as exc:
            self.endpoint_status = EndpointStatus(False, str(exc))
            raise
        if final is None:  # the engine always ends with an Answer or raises
            raise LitassistError("The answer engine returned no answer.")
        if final.mode == "llm" and not final.abstained:
            cancelled = cancel is not None and cancel.is_set()
            if final.complete:
                self.endpoint_status = EndpointStatus(True)
            elif not cancelled:
                self.endpoint_status = EndpointStatus(False, final.error or "incomplete answer")
        yield self.store_turn(final, conversation_id)

    def ask(
        self,
        question: str,
        *,
        conversation: str | None = None,
        history: Sequence[Answer] | None = None,
        scope: Scope | None = None,
    ) -> StoredAnswer:
        """`stream`, consumed: the stored answer alone (same arguments and errors)."""
        result: StoredAnswer | None = None
        stream = self.stream(question, conversation=conversation, history=history, scope=scope)
        for item in stream:
            if isinstance(item, StoredAnswer):
                result = item
        assert result is not None  # stream always ends with one
        return result

    def store_turn(self, answer: Answer, conversation_id: str | None) -> StoredAnswer:
        """Store `answer` as the next turn of `conversation_id` (None: a new conversation
        titled by the question).  Never raises: a failure is reported in `store_error`."""
        answer = without_secrets(answer, self._secrets())
        try:
            store = self._components.conversations()
            if conversation_id is None:
                conversation_id = store.create(answer.question)
            return StoredAnswer(store.add_turn(conversation_id, answer))
        except Exception as exc:  # not saving must not lose the answer
            return StoredAnswer(answer, f"The answer was not saved: {exc}")

    def _secrets(self) -> tuple[str, ...]:
        key = self._components.settings.openai_api_key
        return (key.get_secret_value(),) if key is not None else ()

    # ---- conversations ------------------------------------------------------------------------
    def conversations(self) -> list[ConversationSummary]:
        """Every stored conversation, most recently used first."""
        return self._components.conversations().list()

    def conversation(self, ref: str | None = None) -> Conversation:
        """The conversation with this id or unique prefix; None: the most recent one.

        Raises:
            ConversationNotFoundError: no such conversation.
            LitassistError: there are no conversations yet (`ref` None).
        """
        return by_ref_or_last(
            self._components.conversations(),
            ref,
            none_yet='No conversations to export yet; ask something first (`litassist ask "..."`).',
        )

    def delete_conversation(self, conversation_id: str) -> None:
        """Delete a stored conversation and its turns.

        Raises:
            ConversationNotFoundError: no such conversation.
        """
        self._components.conversations().delete(conversation_id)
