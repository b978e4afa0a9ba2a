"""The chat, driven headless through the real app: real library (HashingEmbedder), real answer
engine and `openai` client, the endpoint mocked with respx (tests/fake_llm.py)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from assistant.rag.engine import CANCELLED
from assistant.tui.citation_view import UNSUPPORTED_MARK
from assistant.tui.screens.paper_detail import PaperDetailScreen
from assistant.tui.screens.path_prompt import PathInput
from assistant.tui.widgets.sources_pane import SourceCard, SourcesPane
from assistant.tui.widgets.status_line import StatusLine
from tests.fake_llm import UNSUPPORTED_CLAIM, FakeChatEndpoint
from tests.tui_support import (
    SIZE,
    ask,
    footer_keys,
    make_app,
    make_services,
    notifications,
    settle,
    type_text,
)

QUESTION = "Which datasets are used to pretrain image classification models?"
TYPED = "image classification datasets?"


async def test_answer_streams_with_citations_and_fills_the_sources_pane(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    app = make_app(hashing_sample_library, tmp_path, warm_up=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await type_text(pilot, TYPED)  # the question box has the focus from the start
        await pilot.press("enter")
        await settle(app, pilot)
        view = app.chat.turns[-1]

        answer = view.answer
        assert answer is not None and answer.complete and answer.mode == "llm"
        # streamed: the endpoint sent many SSE pieces and the view received exactly that text
        assert len(fake_llm.streamed_requests) == 1
        assert view.streamed_text == answer.text
        assert view.pieces > 3
        assert answer.text.count("[") >= 3
        # citations verified: two supported sources, one unsupported claim marked
        cited = {c.number for c in answer.citations if c.supported}
        assert cited == {1, 2}
        unsupported = [s.text for s in answer.unsupported_sentences]
        assert any("97.3%" in s for s in unsupported)
        markdown = view.markdown_source
        assert "(cite:1)" in markdown and "(cite:2)" in markdown
        assert UNSUPPORTED_MARK in markdown
        assert "1 of 3 sentences unsupported" in view.notes
        # the sources pane lists the cited papers, supporting spans inside their abstracts
        pane = app.chat.query_one(SourcesPane)
        cards = list(pane.query(SourceCard))
        assert [c.source.number for c in cards] == [1, 2]
        for card in cards:
            assert any(span.kind == "supported" for span in card.spans)
            span = card.spans[0]
            assert card.source.paper.abstract[span.start : span.end].strip()
        # the turn is stored in a new conversation
        stored = app.services.answers.conversation(app.chat.conversation_id)
        assert [t.text for t in stored.turns] == [answer.text]


async def test_choosing_a_citation_selects_and_focuses_its_source_and_copy(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = await ask(app, pilot, QUESTION)
        pane = app.chat.query_one(SourcesPane)
        assert pane.selected_number is None

        await pilot.press("ctrl+r")  # to the citation list: the first citation is highlighted
        await pilot.pause()
        assert pane.selected_number == 1
        await pilot.press("down")
        await pilot.pause()
        assert pane.selected_number == 2
        # citation mode: the footer shows its keys
        assert {"Open paper", "Back to question", "Next"} <= footer_keys(app)
        await pilot.press("enter")  # opens the paper of that citation
        await pilot.pause()
        assert isinstance(app.screen, PaperDetailScreen)
        second = next(s for s in view.answer.sources if s.number == 2)
        assert app.screen.paper.id == second.paper.id
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.chat and pane.card(2).has_class("-selected")
        await pilot.press("escape")  # leaves citation mode for the question box
        assert app.focused is app.chat.query_one("#question")

        await pilot.press("ctrl+y")  # copy: the answer, then its cited sources
        assert app.clipboard.startswith(view.answer.text.strip())
        for source in view.answer.cited_sources:
            assert f"[{source.number}] {source.paper.title}" in app.clipboard


async def test_escape_cancels_a_running_answer_and_keeps_what_arrived(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    fake_llm.gate = threading.Event()
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.chat.query_one("#question").value = QUESTION
        await pilot.press("enter")
        assert fake_llm.held.wait(timeout=20)  # the stream is held after two pieces
        view = app.chat.turns[-1]
        for _ in range(100):
            if view.streamed_text:
                break
            await pilot.pause(0.02)
        assert app.chat.answering and view.streamed_text
        # the UI keeps working while the answer streams
        assert "answering" in str(app.chat.query_one(StatusLine).content)

        gate = fake_llm.gate
        await pilot.press("escape")  # abandoned at once, though the endpoint still holds
        await pilot.pause()
        assert not app.chat.answering and view.has_class("-incomplete")
        assert "Cancelled" in view.notes and view.streamed_text
        # The worker lets go too: the client stops reading the held stream at once (a hung
        # endpoint keeps no thread of ours waiting), so ctrl+q has nothing to wait for.
        for _ in range(100):
            if not app.lingering_work():
                break
            await pilot.pause(0.02)
        assert not app.lingering_work()
        fake_llm.gate = None  # the next stream is not held; the first one still is
        app.chat.query_one("#question").value = QUESTION
        await pilot.press("enter")  # the next question is taken immediately
        second = app.chat.turns[-1]
        assert second is not view
        for _ in range(500):  # (not `settle`: it would wait for the held worker too)
            if second.answer is not None:
                break
            await pilot.pause(0.02)
        assert second.answer is not None and second.answer.complete
        assert app.chat.history[-1] is second.answer

        gate.set()  # the endpoint lets go: the abandoned answer is verified and kept
        await settle(app, pilot)
        assert not app.lingering_work()
        assert app.chat.turns[-1] is second and app.chat.history[-1] is second.answer
        answer = view.answer
        assert answer is not None
        assert not answer.complete and answer.error == CANCELLED
        assert answer.text == view.streamed_text and answer.text
        assert UNSUPPORTED_CLAIM not in answer.text
        assert view.has_class("-incomplete")
        assert CANCELLED in view.notes
        assert not app.chat.answering


async def test_follow_up_is_answered_with_the_conversation_history(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, QUESTION)
        await ask(app, pilot, "And what do they show about zero-shot transfer?")

        rewrite = [r for r in fake_llm.requests if not r.get("stream")]
        assert len(rewrite) == 1  # the follow-up was rewritten using the first turn
        assert QUESTION in rewrite[0]["messages"][-1]["content"]
        assert len(app.chat.turns) == 2 and len(app.chat.history) == 2
        stored = app.services.answers.conversation(app.chat.conversation_id)
        assert len(stored.turns) == 2
        assert stored.turns[1].standalone_query == fake_llm.rewrite


async def test_an_llm_failure_offers_the_offline_answer_and_the_next_question_works(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    fake_llm.failures = 1
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        failed = await ask(app, pilot, QUESTION)
        assert failed.answer is None and failed.has_class("-failed")
        # the error is said once, in place, in one line; the notification offers the way out
        assert "500" in failed.notes and "\n" not in failed.notes.strip()
        assert not [m for severity, m in notifications(app) if severity == "error"]
        offers = [m for severity, m in notifications(app) if severity == "warning"]
        assert len(offers) == 1 and "ctrl+t" in offers[0]
        assert "Offline answer" in footer_keys(app)
        status = str(app.chat.query_one(StatusLine).content)
        assert "failing" in status and "ctrl+t" in status

        await pilot.press("ctrl+t")  # the same question, answered offline
        await settle(app, pilot)
        offline = app.chat.turns[-1]
        assert offline is not failed and offline.question == QUESTION
        assert offline.answer is not None and offline.answer.mode == "extractive"
        assert offline.answer.cited_sources
        assert len(fake_llm.streamed_requests) == 1  # the offline answer never called it

        view = await ask(app, pilot, QUESTION)  # the endpoint is back
        assert view.answer is not None and view.answer.complete and view.answer.mode == "llm"
        assert "failing" not in str(app.chat.query_one(StatusLine).content)
        assert "Offline answer" not in footer_keys(app)
        assert app.is_running


async def test_reopen_a_past_conversation_and_start_a_new_one(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first = await ask(app, pilot, QUESTION)
        first_id = app.chat.conversation_id
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.chat.turns == [] and app.chat.conversation_id is None
        await ask(app, pilot, "What is CLIP trained on?")
        assert app.chat.conversation_id not in (None, first_id)

        await pilot.press("ctrl+o")
        await settle(app, pilot)
        listed = app.screen.summaries  # type: ignore[attr-defined]
        assert len(listed) == 2
        position = [s.id for s in listed].index(first_id)
        for _ in range(position):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(app, pilot)

        assert app.screen is app.chat and app.chat.conversation_id == first_id
        assert [t.answer.text for t in app.chat.turns] == [first.answer.text]
        assert len(app.chat.query_one(SourcesPane).cards) == 2
        await ask(app, pilot, "Does it report results on ImageNet?")
        stored = app.services.answers.conversation(first_id)
        assert len(stored.turns) == 2


async def test_offline_mode_is_shown_and_answers_extractively(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    app = make_app(hashing_sample_library, tmp_path, openai_base_url=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        status = str(app.chat.query_one(StatusLine).content)
        assert "offline extractive" in status and "62 papers" in status
        view = await ask(app, pilot, QUESTION)
        assert view.answer is not None and view.answer.mode == "extractive"
        assert view.answer.citations
        assert fake_llm.requests == []


async def test_first_paint_does_not_wait_for_the_library(
    hashing_sample_library: Path, tmp_path: Path
) -> None:
    release = threading.Event()
    services = make_services(hashing_sample_library, tmp_path / "work")
    opened = services.components._open_library

    def slow_open(settings, create):  # type: ignore[no-untyped-def]
        release.wait(timeout=30)
        return opened(settings, create)

    services.components._open_library = slow_open
    from assistant.tui.app import LitassistApp

    app = LitassistApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        status = app.chat.query_one(StatusLine)
        assert "opening library" in str(status.content)
        assert app.focused is app.chat.query_one("#question")
        release.set()
        await settle(app, pilot)
        assert "62 papers" in str(status.content)


async def test_without_a_library_the_chat_says_how_to_add_papers(
    tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    app = make_app(tmp_path / "nothing-here", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "ctrl+l, then i" in str(app.chat.query_one(StatusLine).content)
        view = await ask(app, pilot, QUESTION)
        assert view.has_class("-failed")
        # one instruction, the same in the status line and the chat, said once
        assert "ctrl+l, then i" in view.notes
        assert not [m for _, m in notifications(app) if "library" in m.lower()]
        assert not (tmp_path / "nothing-here").exists()  # nothing created by asking


async def test_clicking_a_citation_link_in_the_answer_focuses_its_source(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    from textual.widgets import Markdown

    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = await ask(app, pilot, QUESTION)
        markdown = view.query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "cite:2"))
        await pilot.pause()
        assert app.chat.query_one(SourcesPane).selected_number == 2
        assert isinstance(app.focused, SourceCard) and app.focused.source.number == 2


def test_litassist_without_arguments_opens_the_chat(run_cli, monkeypatch, tmp_path: Path) -> None:
    from assistant.tui.app import LitassistApp

    opened: list[Path] = []

    def run(self: LitassistApp) -> None:
        opened.append(self.services.settings.data_dir)

    monkeypatch.setattr(LitassistApp, "run", run)
    assert run_cli("--data-dir", str(tmp_path / "lib")).code == 0
    assert run_cli("chat").code == 0
    assert opened == [tmp_path / "lib", tmp_path / "home-library"]


async def test_export_writes_the_conversation_note_and_bib_and_says_where(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # nothing asked yet: nothing to export
        await settle(app, pilot)
        assert ("warning", "Nothing to export yet: ask a question first.") in notifications(app)

        view = await ask(app, pilot, QUESTION)
        notes = tmp_path / "work" / "notes"
        await pilot.press("ctrl+s")  # says where it will write, under a name that can change
        await settle(app, pilot)
        prompt = app.screen.query_one(PathInput)
        assert prompt.value.startswith(str(notes) + "/") and prompt.value.endswith(".md")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # a second export never overwrites the first
        await settle(app, pilot)
        assert app.screen.query_one(PathInput).value.endswith("-2.md")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # a name of the user's own, in a new folder
        await settle(app, pilot)
        app.screen.query_one(PathInput).value = str(tmp_path / "mine" / "dropout.md")
        await pilot.press("enter")
        await settle(app, pilot)
        assert (tmp_path / "mine" / "dropout.md").exists()
        assert (tmp_path / "mine" / "dropout.bib").exists()

        written = sorted(p.name for p in notes.iterdir())
        stem = min(written, key=len).rsplit(".", 1)[0]
        assert written == sorted([f"{stem}.bib", f"{stem}.md", f"{stem}-2.bib", f"{stem}-2.md"])
        umask = os.umask(0o022)
        os.umask(umask)
        assert (notes / f"{stem}.md").stat().st_mode & 0o777 == 0o666 & ~umask  # not 0600
        note = (notes / f"{stem}.md").read_text()
        bib = (notes / f"{stem}.bib").read_text()
        assert QUESTION in note and f"bibliography: {stem}.bib" in note
        for source in view.answer.cited_sources:
            assert source.paper.title.split(":")[0] in bib
        said = [m for _, m in notifications(app) if m.startswith("Note written: ")]
        assert said[0] == f"Note written: {notes / (stem + '.md')} (with {stem}.bib)"


async def test_the_worker_reports_the_answer_in_messages(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    from assistant.tui.messages import AnswerDone, AnswerPiece

    seen: list[object] = []
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(app, pilot)
        view = await ask(app, pilot, QUESTION)
    pieces = [m.text for m in seen if isinstance(m, AnswerPiece)]
    (done,) = [m for m in seen if isinstance(m, AnswerDone)]
    assert len(pieces) > 1 and "".join(pieces) == view.answer.text
    assert done.stored.answer is view.answer and done.stored.store_error is None
    assert done.stored.conversation_id == app.chat.conversation_id
