"""The answer engine: retrieve, gate, answer (LLM or extractive), verify the citations.

    engine = AnswerEngine(retriever, embedder, llm=llm_or_none, prompts=prompts)
    for item in engine.stream("question"):
        AnswerDelta -> show item.text as it arrives; Answer -> the final, verified answer

Every question goes the same way:

1. a follow-up that depends on the previous turn is rewritten into a standalone query (the
   `condense` prompt over the last turns with an LLM, the previous turn's subject merged in
   offline: followup.py); a question that names its own subject is searched as asked;
2. hybrid retrieval returns k passages, numbered as sources [1]..[k];
3. the relevance gate (relevance.py): when no passage is relevant enough, the engine says so
   and the model is never called;
4. the answer streams: from the LLM (sources in delimited data blocks, see prompts.py) or from
   the extractive answerer, sentence by sentence;
5. a model's reply is read (reply.py: markers on meta sentences moved to their fact, abstention
   text never a claim); when the model abstains although the gate found relevant passages, the
   offline answer follows its abstention, labelled as such;
6. the full text is verified (citations.py): markers resolved to sources, each sentence scored
   against what it cites.  A cancelled or cut-off answer is verified too and comes back with
   `complete=False` and `error` set.

Errors that leave nothing to show (bad key, unreachable endpoint, ...) are raised as
`LitassistError`s; once text has streamed, the engine always ends with an `Answer`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from assistant.errors import LitassistError
from assistant.rag import extractive, reply
from assistant.rag.citations import MarkedSentence, Verification, verify
from assistant.rag.embeddings import Embedder
from assistant.rag.followup import (
    clean_rewrite,
    depends_on_previous,
    heuristic_standalone,
    history_turns,
    own_words_in,
    second_try,
)
from assistant.rag.llm import IncompleteStreamError, LLMClient, LLMNotConfiguredError
from assistant.rag.prompts import PromptLibrary, answer_messages, condense_messages
from assistant.rag.question import analyse
from assistant.rag.relevance import Relevance, assess
from assistant.rag.retriever import HybridRetriever, SearchFilters
from assistant.rag.scoring import LibraryTermWeights, TermWeights
from assistant.rag.stated import unstated
from assistant.rag.vector_cache import CachingEmbedder
from assistant.types import (
    REASON_LABELS,
    Answer,
    AnswerDelta,
    AnswerMode,
    AnswerSentence,
    Source,
)

OFFLINE_LABEL = (
    "Offline answer (quoted word for word from the sources; the model found no answer in them):"
)
UNSUPPORTED_LABEL = (
    "Offline answer (quoted word for word from the sources; the check found none of the model's "
    "sentences supported by them):"
)
CHECKED_LABEL = "Checked against the sources:"
CANCELLED = "Cancelled; the partial answer is kept."


class AnswerEngine:
    def __init__(
        self,
        retriever: HybridRetriever,
        embedder: Embedder,
        *,
        llm: LLMClient | None,
        prompts: PromptLibrary,
        k: int = 8,
        mode: AnswerMode = "extractive",
        term_weights: TermWeights | None = None,
    ) -> None:
        self.retriever = retriever
        self.embedder = CachingEmbedder(embedder, memo=retriever.library.sentence_vectors())
        self.llm = llm
        self.prompts = prompts
        self.k = k
        self.mode: AnswerMode = mode
        self._weights = LibraryTermWeights(retriever.library, term_weights)

    # ---- public ---------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        history: Sequence[Answer] = (),
        mode: AnswerMode | None = None,
        k: int | None = None,
        filters: SearchFilters | None = None,
    ) -> Answer:
        """The final verified answer (the stream, consumed)."""
        final: Answer | None = None
        for item in self.stream(question, history=history, mode=mode, k=k, filters=filters):
            if isinstance(item, Answer):
                final = item
        assert final is not None  # stream() always ends with an Answer or raises
        return final

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Answer] = (),
        mode: AnswerMode | None = None,
        k: int | None = None,
        filters: SearchFilters | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[AnswerDelta | Answer]:
        """`AnswerDelta` pieces as they arrive, then exactly one verified `Answer`."""
        question = " ".join(question.split())
        if not question:
            raise LitassistError("The question is empty.")
        mode = mode or self.mode
        if mode == "llm" and self.llm is None:
            raise LLMNotConfiguredError(
                "No LLM endpoint configured; set OPENAI_BASE_URL (and OPENAI_API_KEY if it "
                "needs one), or answer with --mode extractive."
            )
        started = time.perf_counter()
        weights = self._term_weights()
        standalone = self._standalone(question, history, mode)
        sources, relevance = self._search(standalone, mode, k, filters, weights)
        if not relevance.relevant and history and standalone == question:
            # A question that names nothing and that the library does not answer as asked
            # ("How were the annotators picked?") is tried once more with the previous turn's
            # subject; kept only if the library then answers it, in words of the question's own.
            merged = second_try(question, history)
            if merged is not None:
                found, gate = self._search(merged, mode, k, filters, weights)
                if gate.relevant and own_words_in(question, found[0].paper.abstract):
                    standalone, sources, relevance = merged, found, gate
        header = {
            "question": question,
            "mode": mode,
            "sources": sources,
            "standalone_query": standalone,
            "created_at": datetime.now(UTC),
            "model": None,
        }
        extra = {"relevance": f"{relevance.score:.3f}"}

        if not relevance.relevant:
            text = extractive.abstention_text(relevance, sources)
            yield AnswerDelta(text)
            extra["elapsed_ms"] = f"{(time.perf_counter() - started) * 1000:.0f}"
            yield Answer(text=text, abstained=True, extra=extra, **header)  # type: ignore[arg-type]  # header holds Answer's fields
            return  # the model is never called when nothing is relevant
        if mode == "llm" and self.llm is not None:
            header["model"] = self.llm.model

        parts: list[str] = []
        complete, error = True, None
        plan = (
            extractive.plan(standalone, sources, relevance, embedder=self.embedder, weights=weights)
            if mode == "extractive"
            else None
        )
        pieces = (
            extractive.render(plan.groups, sources)
            if plan is not None
            else self._llm_pieces(standalone, sources, cancel)
        )
        try:
            for piece in pieces:
                if cancel is not None and cancel.is_set():
                    complete, error = False, CANCELLED
                    break
                parts.append(piece)
                yield AnswerDelta(piece)
        except IncompleteStreamError as exc:
            complete, error = False, str(exc)
        finally:
            pieces.close()
        text = "".join(parts)
        if mode == "extractive":
            abstained = not text
            if abstained:
                missing = plan.unstated if plan is not None else None
                text = extractive.abstention_text(relevance, sources, standalone, missing)
                yield AnswerDelta(text)
            checked = verify(text, sources, embedder=self.embedder, weights=weights)
        else:
            text, abstained, checked = yield from self._read_reply(
                text, complete, standalone, sources, relevance, weights, extra
            )
        extra["elapsed_ms"] = f"{(time.perf_counter() - started) * 1000:.0f}"
        yield Answer(
            text=text,
            citations=checked.citations,
            sentences=checked.sentences,
            invalid_markers=checked.invalid_markers,
            abstained=abstained,
            complete=complete,
            error=error,
            extra=extra,
            **header,  # type: ignore[arg-type]  # header holds Answer's fields, typed loosely
        )

    # ---- steps ----------------------------------------------------------------------------
    def _standalone(self, question: str, history: Sequence[Answer], mode: AnswerMode) -> str:
        if not history or not depends_on_previous(question):
            return question  # a question that names its own subject never inherits the history
        if mode == "llm" and self.llm is not None:
            messages = condense_messages(self.prompts, history_turns(history), question)
            return clean_rewrite(self.llm.complete(messages), question)
        return heuristic_standalone(question, history)

    def _search(
        self,
        query: str,
        mode: AnswerMode,
        k: int | None,
        filters: SearchFilters | None,
        weights: TermWeights,
    ) -> tuple[tuple[Source, ...], Relevance]:
        wanted = k or self.k
        if mode == "extractive":  # a list question reads more passages (extractive.py)
            wanted = extractive.retrieval_k(query, wanted)
        sources = self._sources(query, wanted, filters)
        return sources, assess(query, sources, weights)

    def _sources(self, query: str, k: int, filters: SearchFilters | None) -> tuple[Source, ...]:
        passages = self.retriever.passages(query, k, filters=filters)
        papers = self.retriever.library.catalog.get_many({p.chunk.paper_id for p in passages})
        known = [p for p in passages if p.chunk.paper_id in papers]
        return tuple(
            Source(number, papers[p.chunk.paper_id], p) for number, p in enumerate(known, start=1)
        )

    def _term_weights(self) -> TermWeights:
        return self._weights.current()

    def _extractive_pieces(
        self,
        question: str,
        sources: Sequence[Source],
        relevance: Relevance,
        weights: TermWeights,
    ) -> Generator[str, None, None]:
        plan = extractive.plan(
            question, sources, relevance, embedder=self.embedder, weights=weights
        )
        yield from extractive.render(plan.groups, sources)

    def _read_reply(
        self,
        text: str,
        complete: bool,
        question: str,
        sources: Sequence[Source],
        relevance: Relevance,
        weights: TermWeights,
        extra: dict[str, str],
    ) -> Generator[AnswerDelta, None, tuple[str, bool, Verification]]:
        """The model's reply read and checked; what the user is shown beside it, if anything.

        Returns the final text, whether the answer abstains, and its verification.  When the
        model abstains although the gate found relevant passages, or when the check supports
        none of its sentences (a near miss the model answered anyway, a fact cited to the wrong
        paper throughout), the offline answer follows, labelled; with no offline answer either,
        the reason the abstracts give none, and the answer abstains.
        """
        abstained = reply.is_abstention(text)
        label: str | None = None
        checked = self._check_reply(text, question, sources, relevance, weights)
        if abstained and complete:
            # The gate found relevant passages, yet the model says they do not answer (small
            # models do so on most questions): the offline answer is shown beside it.
            extra["model_abstained"] = "true"
            label = OFFLINE_LABEL
        elif not abstained:
            claims = [s for s in checked.sentences if s.citations or not s.supported]
            if complete and claims and not any(s.supported for s in claims):
                extra["model_unsupported"] = "true"
                label = UNSUPPORTED_LABEL
        if label is None:
            return text, abstained, checked
        offline = "".join(self._extractive_pieces(question, sources, relevance, weights))
        if offline:
            added = f"\n\n{label}\n\n{offline}"
            abstained = False
            extra["offline_shown"] = "true"
        elif label == UNSUPPORTED_LABEL:
            reason = extractive.abstention_text(relevance, sources, question)
            added = f"\n\n{CHECKED_LABEL} {reason}"
            abstained = True
        else:
            return text, abstained, checked
        yield AnswerDelta(added)
        full = text + added
        # Only what was added is checked now: the model's part keeps the verdicts above.  Our
        # abstention after it is a remark, never a claim; the offline answer is checked as it is
        # everywhere (its quotes against their sources).
        marked = [m for m in reply.read(full) if m.span.start >= len(text)]
        if not offline:
            marked = [replace(m, role="remark") for m in marked]
        tail = verify(full, sources, embedder=self.embedder, weights=weights, marked=marked)
        invalid = checked.invalid_markers
        checked = Verification(
            checked.sentences + tail.sentences,
            checked.citations + tail.citations,
            invalid + tuple(m for m in tail.invalid_markers if m not in invalid),
        )
        return full, abstained, checked

    def _check_reply(
        self,
        text: str,
        question: str,
        sources: Sequence[Source],
        relevance: Relevance,
        weights: TermWeights,
    ) -> Verification:
        """The model's reply verified as reply.py reads it and as the check's verdicts show it:
        markers re-attributed, near-miss facts flagged (reply.py)."""
        marked = reply.read(text)

        def check(sentences: Sequence[MarkedSentence]) -> tuple[AnswerSentence, ...]:
            return verify(
                text, sources, embedder=self.embedder, weights=weights, marked=sentences
            ).sentences

        checked = verify(text, sources, embedder=self.embedder, weights=weights, marked=marked)
        changes = reply.reattribute(marked, checked.sentences, sources, check)
        if changes:
            marked = reply.with_reattributions(marked, changes)
            checked = verify(text, sources, embedder=self.embedder, weights=weights, marked=marked)
        sentences = list(checked.sentences)
        for change in changes:
            sentence = sentences[change.index]
            if not sentence.supported:
                continue
            if change.kind == "lent":
                sentences[change.index] = replace(sentence, note=change.note)
            else:
                # the source that states it is the one shown, and the model's slip stays flagged
                note = f"{REASON_LABELS['wrong_paper']}: {change.note}"
                sentences[change.index] = replace(
                    sentence, supported=False, reason="wrong_paper", note=note
                )
        if relevance.relevant:
            self._flag_near_miss(sentences, marked, question, sources, relevance)
        return replace(checked, sentences=tuple(sentences))

    @staticmethod
    def _flag_near_miss(
        sentences: list[AnswerSentence],
        marked: Sequence[MarkedSentence],
        question: str,
        sources: Sequence[Source],
        relevance: Relevance,
    ) -> None:
        """Flag, in place, the model's sentences that state what the abstracts were found not to
        state (stated.py: the near miss the offline answerer abstains on)."""
        asked = analyse(question)
        usable, subjects = extractive.answer_sources(asked, sources, relevance)
        missing = unstated(asked, usable, subjects)
        if missing is None:
            return
        verb = "mentioned" if missing.what.startswith('"') else "stated"
        note = (
            f"{REASON_LABELS['not_in_source']}: {missing.what} is not {verb} in the cited abstracts"
        )
        for i, sentence in enumerate(sentences):
            if (
                sentence.supported
                and sentence.citations
                and reply.states_unstated(marked[i].claim, asked, missing)
            ):
                sentences[i] = replace(sentence, supported=False, reason="not_in_source", note=note)

    def _llm_pieces(
        self, question: str, sources: Sequence[Source], cancel: threading.Event | None = None
    ) -> Generator[str, None, None]:
        assert self.llm is not None
        # `cancel` reaches the client, which stops waiting for the endpoint at once.
        messages = answer_messages(self.prompts, question, sources)
        stream = self.llm.stream_chat(messages, cancel=cancel)
        try:
            yield from stream
        finally:
            stream.close()  # type: ignore[attr-defined]  # stream_chat returns a generator
