"""The conversation store (SQLite in the data folder) and the Answer <-> dict round trip."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.codec import answer_from_dict, answer_to_dict, answer_view
from assistant.store.conversations import (
    FILE_NAME,
    ConversationError,
    ConversationNotFoundError,
    ConversationStore,
    title_for,
)
from assistant.types import Answer, AnswerSentence, Chunk, Citation, Paper, Passage, Source

ABSTRACT = "Intro sentence. DataDAM matches attention maps. It gains 6.5% on CIFAR100."


def make_answer(question: str = "How does DataDAM work?", **changes) -> Answer:
    paper = Paper(
        id="doi:10.1/datadam",
        title="DataDAM: Efficient Dataset Distillation with Attention Matching",
        abstract=ABSTRACT,
        authors=("Sajedi, Ahmad", "Khaki, Samir"),
        year=2023,
        venue="ICCV",
        doi="10.1/datadam",
        citekey="sajedi2023datadam",
        raw_entry="@inproceedings{sajedi2023datadam, title={DataDAM}}",
        source_file="/papers/lib.bib",
        source_format="bibtex",
        line=12,
    )
    chunk = Chunk("doi:10.1/datadam#0", paper.id, 0, ABSTRACT[16:], 16, len(ABSTRACT))
    passage = Passage(chunk, 0.03, 1, 2, 0.71, 5.2)
    values = dict(
        question=question,
        text="DataDAM matches attention maps [1]. Unsupported claim.",
        mode="extractive",
        sources=(Source(1, paper, passage),),
        citations=(Citation(1, paper.id, chunk.id, 16, 47, 0.93, True, 0),),
        sentences=(
            AnswerSentence("DataDAM matches attention maps [1].", (1,), 0.93, True, 0, 35),
            AnswerSentence("Unsupported claim.", (), 0.0, False, 36, 54, "no citation"),
        ),
        invalid_markers=("[9]",),
        standalone_query=question,
        complete=False,
        error="cut off",
        extra={"relevance": "0.612"},
        created_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        model=None,
    )
    values.update(changes)
    return Answer(**values)


@pytest.fixture
def store(tmp_path: Path):
    with ConversationStore.open(tmp_path / "data") as opened:
        yield opened


def test_answer_dict_round_trip_is_lossless() -> None:
    answer = make_answer()
    assert answer_from_dict(json.loads(json.dumps(answer_to_dict(answer)))) == answer
    data = json.loads(json.dumps(answer_view(answer)))  # what `ask --json` prints
    assert answer_from_dict(data) == answer
    assert data["sources"][0]["paper"]["raw_entry"].startswith("@inproceedings")
    assert data["citations"][0]["quote"] == "DataDAM matches attention maps."
    assert data["citations"][0]["title"].startswith("DataDAM")
    (flagged,) = data["unsupported_sentences"]  # with its reason since the honest badges
    assert flagged["text"] == "Unsupported claim." and flagged["note"] == "no citation"


def test_malformed_answer_dict_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="malformed"):
        answer_from_dict({"question": "q"})
    with pytest.raises(ValueError, match="newer"):
        answer_from_dict({**answer_to_dict(make_answer()), "schema": 99})


def test_turns_are_stored_in_full_and_reopened(store: ConversationStore, tmp_path: Path) -> None:
    cid = store.create("How does DataDAM work?")
    first = store.add_turn(cid, make_answer())
    second = store.add_turn(cid, make_answer("And on ImageNet?", created_at=None))
    assert first.conversation_id == cid and second.created_at is not None
    store.close()

    with ConversationStore.open(tmp_path / "data") as again:
        conversation = again.get(cid)
    assert conversation.title == "How does DataDAM work?"
    assert conversation.turns == (first, second)
    assert conversation.turns[0].sources[0].paper.citekey == "sajedi2023datadam"
    assert not conversation.turns[0].complete and conversation.turns[0].invalid_markers == ("[9]",)


def test_list_last_and_delete(store: ConversationStore) -> None:
    assert store.list() == [] and store.last_id() is None
    older = store.create("first")
    newer = store.create("second")
    store.add_turn(older, make_answer("latest question"))  # using it makes it the most recent
    rows = store.list()
    assert [r.id for r in rows] == [older, newer]
    assert rows[0].turns == 1 and rows[0].last_question == "latest question"
    assert rows[1].turns == 0 and rows[1].last_question is None
    assert store.last_id() == older
    store.delete(older)
    assert [r.id for r in store.list()] == [newer]
    with pytest.raises(ConversationNotFoundError):
        store.get(older)


def test_resolve_accepts_unique_prefixes(store: ConversationStore) -> None:
    cid = store.create("q")
    assert store.resolve(cid) == cid
    assert store.resolve(cid[:5]) == cid
    with pytest.raises(ConversationNotFoundError, match="No conversation"):
        store.resolve("zzzz")
    with pytest.raises(ConversationNotFoundError):
        store.resolve("%")


def test_unknown_conversation_errors(store: ConversationStore) -> None:
    with pytest.raises(ConversationNotFoundError):
        store.add_turn("nope", make_answer())
    with pytest.raises(ConversationNotFoundError):
        store.delete("nope")


def test_corrupt_file_is_a_one_line_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / FILE_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConversationError) as caught:
        ConversationStore.open(data)
    assert "\n" not in str(caught.value) and "litassist doctor --repair" in str(caught.value)


def test_unreadable_turn_is_reported_not_crashing(store: ConversationStore) -> None:
    cid = store.create("q")
    store.add_turn(cid, make_answer())
    raw = sqlite3.connect(store.path)
    with raw:
        raw.execute("UPDATE turns SET answer = '{\"question\": 1}'")
    raw.close()
    with pytest.raises(ConversationError, match="Turn 1 of conversation"):
        store.get(cid)


def test_titles_are_short() -> None:
    assert title_for("  a   question ") == "a question"
    long = title_for("word " * 40)
    assert len(long) <= 80 and long.endswith("…")
