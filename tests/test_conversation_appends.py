"""Turns appended to one conversation by several processes at once: each gets its own position
(chosen inside the writing transaction), none is lost, none fails on the UNIQUE constraint."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from assistant.store.conversations import ConversationStore
from assistant.types import Answer

WRITERS = 4
TURNS_EACH = 30


def _append(data_dir: str, conversation_id: str, writer: int, start: multiprocessing.Event) -> None:  # type: ignore[valid-type]
    start.wait(10)  # type: ignore[attr-defined]
    with ConversationStore.open(Path(data_dir)) as store:
        for turn in range(TURNS_EACH):
            store.add_turn(
                conversation_id,
                Answer(question=f"writer {writer} turn {turn}", text="answer", mode="extractive"),
            )


def test_concurrent_appends_lose_no_turn(tmp_path: Path) -> None:
    with ConversationStore.open(tmp_path) as store:
        conversation_id = store.create("shared")
    context = multiprocessing.get_context("fork")
    start = context.Event()
    workers = [
        context.Process(target=_append, args=(str(tmp_path), conversation_id, n, start))
        for n in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0] * WRITERS  # no UNIQUE (or any other) error
    with ConversationStore.open(tmp_path) as store:
        turns = store.get(conversation_id).turns
    assert len(turns) == WRITERS * TURNS_EACH
    questions = {t.question for t in turns}
    assert questions == {f"writer {w} turn {t}" for w in range(WRITERS) for t in range(TURNS_EACH)}
    # each writer's turns keep their own order
    for writer in range(WRITERS):
        own = [t.question for t in turns if t.question.startswith(f"writer {writer} ")]
        assert own == [f"writer {writer} turn {t}" for t in range(TURNS_EACH)]
