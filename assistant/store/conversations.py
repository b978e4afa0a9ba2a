"""Conversations: each turn's full `Answer` kept in `conversations.sqlite` in the data folder.

A turn is stored as the JSON of `codec.answer_to_dict` (question, text, mode, sources with
a snapshot of each paper, citations, sentences, flags), so a conversation can be reopened and
exported even after its papers have left the library.  The file is separate from the paper
catalog: conversations are the user's work, never rebuilt or repaired away.  WAL mode lets the
chat and a CLI command use it at the same time; each write is one transaction, and a turn's
position is chosen inside it, under the write lock (two processes never pick the same one).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from datetime import UTC, datetime

from assistant.codec import answer_from_dict, answer_to_dict
from assistant.errors import LitassistError
from assistant.store.sqlite_store import SqliteStore
from assistant.text import clip_words
from assistant.types import Answer, Conversation, ConversationSummary

FILE_NAME = "conversations.sqlite"
SCHEMA_VERSION = 1
TITLE_CHARS = 80

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    PRIMARY KEY (conversation_id, position)
);
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations(updated_at);
"""


class ConversationError(LitassistError):
    """The conversation store cannot be read or written."""


class ConversationNotFoundError(ConversationError):
    """No conversation has the id the user gave."""


def _now() -> datetime:
    return datetime.now(UTC)


def title_for(question: str) -> str:
    """A conversation title from its first question."""
    return clip_words(question, TITLE_CHARS)


class ConversationStore(SqliteStore):
    """Open with `ConversationStore.open(data_dir)`; close when done (or use `with`)."""

    FILE_NAME = FILE_NAME
    SCHEMA = _SCHEMA
    SCHEMA_VERSION = SCHEMA_VERSION
    TABLE = "conversations"
    NOUN = "conversations"
    SINGULAR = "conversation"
    ERROR = ConversationError
    NOT_FOUND = ConversationNotFoundError

    # ---- writing --------------------------------------------------------------------------
    def create(self, title: str) -> str:
        """A new, empty conversation; returns its id."""
        now = _now().isoformat()
        with self._transaction() as db:
            while True:
                new_id = secrets.token_hex(6)
                if not db.execute("SELECT 1 FROM conversations WHERE id = ?", (new_id,)).fetchone():
                    break
            db.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?,?,?,?)",
                (new_id, title_for(title) or "Untitled", now, now),
            )
        return new_id

    def add_turn(self, conversation_id: str, answer: Answer) -> Answer:
        """Append `answer` as the next turn; returns it with `conversation_id` set."""
        created = answer.created_at or _now()
        stored = replace(answer, conversation_id=conversation_id, created_at=created)
        payload = json.dumps(answer_to_dict(stored), ensure_ascii=False)
        with self._transaction() as db:
            # The write lock first, then the position: another process appending to the same
            # conversation waits here instead of choosing the same position (a lost turn).
            db.execute("BEGIN IMMEDIATE")
            if not db.execute(
                "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone():
                raise ConversationNotFoundError(f"No conversation {conversation_id!r}.")
            (position,) = db.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM turns WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()
            db.execute(
                "INSERT INTO turns (conversation_id, position, created_at, question, answer) "
                "VALUES (?,?,?,?,?)",
                (conversation_id, position, created.isoformat(), answer.question, payload),
            )
            db.execute(
                "UPDATE conversations SET updated_at = ? WHERE id = ?",
                (_now().isoformat(), conversation_id),
            )
        return stored

    def delete(self, conversation_id: str) -> None:
        with self._transaction() as db:
            gone = db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
            if gone.rowcount == 0:
                raise ConversationNotFoundError(f"No conversation {conversation_id!r}.")

    # ---- reading --------------------------------------------------------------------------
    def get(self, conversation_id: str) -> Conversation:
        with self._transaction() as db:
            row = db.execute(
                "SELECT id, title, created_at FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
            if row is None:
                raise ConversationNotFoundError(
                    f"No conversation {conversation_id!r}; see `litassist conversations`."
                )
            turns = db.execute(
                "SELECT position, answer FROM turns WHERE conversation_id = ? ORDER BY position",
                (conversation_id,),
            ).fetchall()
        answers = []
        for position, payload in turns:
            try:
                answers.append(answer_from_dict(json.loads(payload)))
            except ValueError as exc:
                raise ConversationError(
                    f"Turn {position + 1} of conversation {conversation_id} is unreadable ({exc})."
                ) from exc
        return Conversation(row[0], row[1], datetime.fromisoformat(row[2]), tuple(answers))

    def list(self) -> list[ConversationSummary]:
        """Every conversation, most recently used first."""
        with self._transaction() as db:
            rows = db.execute(
                """
                SELECT c.id, c.title, c.created_at, c.updated_at, COUNT(t.position),
                       (SELECT question FROM turns WHERE conversation_id = c.id
                        ORDER BY position DESC LIMIT 1)
                FROM conversations c LEFT JOIN turns t ON t.conversation_id = c.id
                GROUP BY c.id ORDER BY c.updated_at DESC, c.rowid DESC
                """
            ).fetchall()
        return [
            ConversationSummary(
                id=r[0],
                title=r[1],
                created_at=datetime.fromisoformat(r[2]),
                updated_at=datetime.fromisoformat(r[3]),
                turns=int(r[4]),
                last_question=r[5],
            )
            for r in rows
        ]

    def last_id(self) -> str | None:
        """The most recently used conversation, if any."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT id FROM conversations ORDER BY updated_at DESC, rowid DESC LIMIT 1"
            ).fetchone()
        return row[0] if row else None
