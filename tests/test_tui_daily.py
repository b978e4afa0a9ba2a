"""Daily use of the terminal UI at any terminal size (issue 13): the library table's columns,
filter and kept state; the chat's folding sources pane, question recall and abstentions; the
first question sent at the first paint.  The real app, library and stores (HashingEmbedder)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from assistant.tui.library_rows import column_widths
from assistant.tui.screens.library import LibraryScreen
from assistant.tui.widgets.sources_pane import SourceCard, SourcesPane
from assistant.tui.widgets.status_line import StatusLine
from tests.fake_llm import FakeChatEndpoint
from tests.tui_support import ask, make_app, make_services, settle, type_text


async def open_library(app, pilot) -> LibraryScreen:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+l")
    await settle(app, pilot)
    assert isinstance(app.screen, LibraryScreen)
    return app.screen


@asynccontextmanager
async def library_open(
    library: Path, tmp_path: Path, size: tuple[int, int] = (120, 40)
) -> AsyncIterator[tuple[App, Pilot, LibraryScreen]]:
    """The app at `size` with its library screen open: (app, pilot, screen)."""
    app = make_app(library, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        yield app, pilot, await open_library(app, pilot)


def column(screen: LibraryScreen, key: str) -> list[str]:
    table = screen.query_one(DataTable)
    index = [c.key.value for c in table.ordered_columns].index(key)
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


def width_of(screen: LibraryScreen, key: str) -> int:
    table = screen.query_one(DataTable)
    return next(c.width for c in table.ordered_columns if c.key.value == key)


def test_column_widths_fill_the_terminal_and_the_title_takes_the_free_width() -> None:
    for width in (80, 120, 200, 250):
        widths = column_widths(width)
        padding = 2 * (len(widths) + 1)
        assert sum(widths.values()) + 1 + padding + 2 == width  # mark column, scrollbar
        assert widths["title"] >= max(widths.values()) - 1
    assert "chunks" not in column_widths(80) and "venue" in column_widths(80)
    assert column_widths(250)["title"] > 2 * column_widths(120)["title"] - 60


async def test_the_table_fits_small_and_large_terminals(
    well_known_library: Path, tmp_path: Path
) -> None:
    for size in ((80, 24), (250, 60)):
        async with library_open(well_known_library, tmp_path, size) as (_, _, screen):
            table = screen.query_one(DataTable)
            assert table.virtual_size.width <= size[0]  # nothing off-screen
            titles = column(screen, "title")
            assert "Attention Is All You Need" in titles
            venues = set(column(screen, "venue"))
            assert {"ICLR", "CVPR", "NeurIPS", "ICML"} <= venues  # short and sensible
            assert "Journal of Machine Learning Research" in venues
            assert "kingma2015adam" in column(screen, "citekey")
            if size[0] >= 200:
                assert width_of(screen, "title") > 100
                longest = "Batch Normalization: Accelerating Deep Network Training by Reducing"
                assert any(t.startswith(longest) for t in titles)


async def test_filter_ignores_accents_moves_down_into_the_table_and_esc_clears_it(
    well_known_library: Path, tmp_path: Path
) -> None:
    async with library_open(well_known_library, tmp_path) as (app, pilot, screen):
        await pilot.press("slash")
        await type_text(pilot, "lukasz")  # finds "Łukasz Kaiser"
        await pilot.pause()
        assert column(screen, "title") == ["Attention Is All You Need"]
        box = screen.query_one("#filter", Input)
        box.value = "JÉGOU"
        await pilot.pause()
        assert column(screen, "title") == ["Product Quantization for Nearest Neighbor Search"]

        box.value = "2015"
        await pilot.pause()
        await pilot.press("down", "space")  # into the table: space marks, not typed
        assert box.value == "2015" and isinstance(app.focused, DataTable)
        assert len(screen.marked) == 1

        box.value = "no such paper"
        await pilot.pause()
        summary = str(screen.query_one("#library-summary").content)
        assert "No paper matches “no such paper”" in summary

        box.focus()
        await pilot.press("escape")  # clears the filter, stays
        assert box.value == "" and app.screen is screen
        assert len(column(screen, "title")) == 8
        await pilot.press("escape")  # to the table
        await pilot.press("escape")  # leaves
        assert app.screen is app.chat


async def test_filter_sort_and_marks_are_kept_between_visits(
    well_known_library: Path, tmp_path: Path
) -> None:
    async with library_open(well_known_library, tmp_path) as (app, pilot, screen):
        await pilot.press("space", "space", "s")  # two marked, sorted by the next column
        screen.query_one("#filter", Input).value = "neural"
        await pilot.pause()
        kept = (screen.sort_column, screen.descending, set(screen.marked))
        shown = column(screen, "title")
        await pilot.press("escape")  # (the table has the focus: leaves, filter kept)
        assert app.screen is app.chat

        again = await open_library(app, pilot)
        assert again is not screen
        assert (again.sort_column, again.descending, set(again.marked)) == kept
        assert again.query_one("#filter", Input).value == "neural"
        assert column(again, "title") == shown


async def test_narrow_terminals_fold_the_sources_pane_and_ctrl_b_brings_it_back(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        pane = app.chat.query_one(SourcesPane)
        assert not pane.display
        view = await ask(app, pilot, "Which datasets are used to pretrain image classifiers?")
        assert view.answer is not None and view.region.width >= 70  # the chat has the width
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert pane.display and pane.cards
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert pane.display
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert not pane.display


async def test_wide_terminals_keep_a_readable_measure(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=(250, 60)) as pilot:
        await settle(app, pilot)
        view = await ask(app, pilot, "Which datasets are used to pretrain image classifiers?")
        assert view.region.width <= 106


async def test_up_and_down_recall_earlier_questions(
    hashing_sample_library: Path, tmp_path: Path
) -> None:
    app = make_app(hashing_sample_library, tmp_path, answer_mode="extractive")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "first question about datasets")
        await ask(app, pilot, "second question about models")
        box = app.chat.query_one("#question", Input)
        box.focus()
        await type_text(pilot, "draft")
        await pilot.press("up")
        assert box.value == "second question about models"
        await pilot.press("up")
        assert box.value == "first question about datasets"
        await pilot.press("up")  # the oldest stays
        assert box.value == "first question about datasets"
        await pilot.press("down", "down")
        assert box.value == "draft"  # what was being typed comes back


async def test_an_abstention_lists_the_nearest_papers_once(
    hashing_sample_library: Path, tmp_path: Path
) -> None:
    app = make_app(hashing_sample_library, tmp_path, answer_mode="extractive")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        view = await ask(app, pilot, "What is the boiling point of liquid nitrogen at sea level?")
        assert view.answer is not None and view.answer.abstained
        assert "do not answer" not in view.notes  # the answer's own text says why, once
        pane = app.chat.query_one(SourcesPane)
        cards = list(pane.query(SourceCard))
        assert 1 <= len(cards) <= 3
        assert len({c.source.paper.id for c in cards}) == len(cards)
        assert "Nearest papers" in str(pane.query_one(".sources-title").content)


async def test_a_question_sent_at_the_first_paint_is_answered(
    hashing_sample_library: Path, tmp_path: Path
) -> None:
    """The warm-up and the question's worker share the components' lock: the question waits
    for the library the warm-up is opening (issue 10 point 6)."""
    release = threading.Event()
    services = make_services(hashing_sample_library, tmp_path / "work", answer_mode="extractive")
    opened = services.components._open_library

    def slow_open(settings, create):  # type: ignore[no-untyped-def]
        release.wait(timeout=30)
        return opened(settings, create)

    services.components._open_library = slow_open
    from assistant.tui.app import LitassistApp

    app = LitassistApp(services, warm_up=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()  # the first paint; the warm-up is opening the library
        assert "opening library" in str(app.chat.query_one(StatusLine).content)
        box = app.chat.query_one("#question", Input)
        box.value = "Which datasets are used to pretrain image classification models?"
        await pilot.press("enter")
        await pilot.pause()
        view = app.chat.turns[-1]
        assert app.chat.answering and view.answer is None
        release.set()
        await settle(app, pilot)
        assert view.answer is not None and view.answer.citations
        assert not view.has_class("-failed")
