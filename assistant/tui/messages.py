"""What thread workers tell the screens: small dataclass messages, posted from the worker.

`post_message` is thread-safe, so a worker (which must never touch widgets) posts one of these
to its screen or the app and the handler (`on_<message name>`) updates the widgets on the event
loop.  Messages to one target arrive in the order posted; one posted to a screen that has
closed is dropped.  Tests observe them with `app.run_test(message_hook=...)`.

A worker's failure is a `Failure` subclass, one per kind of work (Textual picks the
handler by the class name: `on_ingest_failed`); each subclass repeats `bubble=False`, since
Textual sets `bubble` again for every subclass and would default it to True.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from pathlib import Path

    from assistant.app import (
        AddedPaper,
        EnrichResult,
        FoundPaper,
        SavedComparison,
        SavedSettings,
        StoredAnswer,
        SyncResult,
    )
    from assistant.app.library import IngestReport
    from assistant.tui.widgets.answer_view import AnswerView
    from assistant.types import Comparison, Conversation, ConversationSummary, PaperRow


# ---- the app ----------------------------------------------------------------------------------
@dataclass
class Failure(Message, bubble=False):
    """A worker failed: one line saying what, why and what to do (`base.failure_message`)."""

    message: str


@dataclass
class Notice(Message, bubble=False):
    """A notification for the app to show (posted to the app, which outlives every screen, so
    a worker's error or a written note is reported after its screen has closed)."""

    message: str
    severity: Literal["information", "warning", "error"] = "error"
    timeout: float = 8


@dataclass
class NoteProposed(Message, bubble=False):
    """Where a note would be saved (a free name in the notes folder), for the user to confirm
    or change."""

    item: Conversation | Comparison
    path: Path


@dataclass
class LibraryState(Message, bubble=False):
    """The library's size (None: not open) and a note for the status line."""

    count: int | None
    note: str = ""


# ---- the chat ---------------------------------------------------------------------------------
@dataclass
class AnswerPiece(Message, bubble=False):
    """Answer text as it streams in, for `view`."""

    view: AnswerView
    text: str


@dataclass
class AnswerDone(Message, bubble=False):
    """The answer in `view` is finished (and stored, unless `stored.store_error` says not)."""

    view: AnswerView
    stored: StoredAnswer


@dataclass
class AnswerFailed(Message, bubble=False):
    """The answer in `view` failed before it could finish; `llm_question` is set when the LLM
    endpoint failed (the question can be answered offline)."""

    view: AnswerView
    message: str
    llm_question: str | None = None


# ---- the library screen -----------------------------------------------------------------------
@dataclass
class PapersLoaded(Message, bubble=False):
    rows: list[PaperRow]


@dataclass
class IngestProgress(Message, bubble=False):
    """`done` of `total` papers stored (total None: the ingest is starting)."""

    done: int
    total: int | None
    label: str = ""


@dataclass
class IngestDone(Message, bubble=False):
    report: IngestReport | SyncResult  # a Zotero database ingested is a Zotero sync


class IngestFailed(Failure, bubble=False):
    """An ingest or Zotero sync failed."""


# ---- compare, conversations, settings ---------------------------------------------------------
@dataclass
class ComparisonMade(Message, bubble=False):
    made: SavedComparison


class ComparisonFailed(Failure, bubble=False):
    """A comparison could not be made."""


@dataclass
class ConversationsListed(Message, bubble=False):
    summaries: list[ConversationSummary]


@dataclass
class ConversationOpened(Message, bubble=False):
    conversation: Conversation


@dataclass
class ConversationDeleted(Message, bubble=False):
    conversation_id: str


@dataclass
class SettingsSaved(Message, bubble=False):
    saved: SavedSettings


# ---- the add-papers screen and enrichment (scholarly APIs) ------------------------------------
@dataclass
class HitsFound(Message, bubble=False):
    found: list[FoundPaper]


@dataclass
class PapersAdded(Message, bubble=False):
    added: list[AddedPaper]


class ScholarlyFailed(Failure, bubble=False):
    """A scholarly API lookup, add or enrichment failed."""


@dataclass
class PapersEnriched(Message, bubble=False):
    result: EnrichResult
