"""The library screen, driven headless: filter as you type, sort, open an abstract, mark,
ingest with a progress bar; and the other screens reached from the keyboard."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import DataTable, ProgressBar

from assistant.tui.screens.help import HelpScreen
from assistant.tui.screens.library import LibraryScreen
from assistant.tui.screens.paper_detail import PaperDetailScreen
from assistant.tui.screens.path_prompt import PathPromptScreen
from assistant.tui.screens.settings import SettingsScreen
from assistant.tui.widgets.status_line import StatusLine
from tests.conftest import FIXTURES
from tests.fake_llm import FakeChatEndpoint
from tests.tui_support import SIZE, make_app, notifications, settle, type_text


async def open_library(app, pilot) -> LibraryScreen:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+l")
    await settle(app, pilot)
    assert isinstance(app.screen, LibraryScreen)
    return app.screen


async def run_command(app, pilot, typed: str) -> None:  # type: ignore[no-untyped-def]
    """Pick the command palette's best match for `typed`."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, typed)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(app, pilot)


def titles(screen: LibraryScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def test_filter_as_you_type_sort_and_open_an_abstract(
    hashing_sample_library: Path, tmp_path: Path
) -> None:
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_library(app, pilot)
        assert screen.query_one(DataTable).row_count == 62

        await pilot.press("slash")
        await type_text(pilot, "lecun")  # letters that are also screen keys go to the filter
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert titles(screen) == ["Deep learning"]
        screen.query_one("#filter").value = "dataset"
        await pilot.pause()
        shown = titles(screen)
        assert 1 < len(shown) < 62
        assert all("dataset" in screen_row_text(screen, t) for t in shown)

        await pilot.press("tab")  # to the table; sort by title from its header
        await pilot.click("#papers", offset=(10, 0))
        await pilot.pause()
        assert screen.sort_column == "title" and not screen.descending
        assert titles(screen) == sorted(shown, key=str.casefold)
        await pilot.press("r")
        await pilot.pause()
        assert titles(screen) == sorted(shown, key=str.casefold, reverse=True)

        screen.query_one(DataTable).focus()
        await pilot.press("down")
        chosen = screen.cursor_paper
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PaperDetailScreen)
        assert app.screen.paper == chosen
        shown_abstract = str(app.screen.query_one("#abstract").content)
        assert shown_abstract == app.screen.paper.abstract
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


def screen_row_text(screen: LibraryScreen, title: str) -> str:
    row = next(r for r in screen.rows if r.paper.title == title)
    paper = row.paper
    return " ".join([paper.title, *paper.authors, paper.venue or "", paper.id]).casefold()


async def test_sort_by_year_keeps_papers_without_a_year_last(
    hashing_sample_library: Path, tmp_path: Path
) -> None:
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_library(app, pilot)
        years = [r.paper.year for r in screen.shown]
        dated = [y for y in years if y is not None]
        assert dated == sorted(dated, reverse=True) and len(dated) == 3
        assert years[: len(dated)] == dated  # undated papers after the dated ones
        await pilot.press("s")  # next column: authors
        await pilot.pause()
        assert screen.sort_column == "authors"


async def test_mark_papers_with_space(hashing_sample_library: Path, tmp_path: Path) -> None:
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_library(app, pilot)
        await pilot.press("space", "space")  # marks the first two rows (the cursor moves down)
        await pilot.pause()
        expected = [r.paper.id for r in screen.shown[:2]]
        assert sorted(p.id for p in screen.marked_papers) == sorted(expected)
        table = screen.query_one(DataTable)
        assert [table.get_row_at(i)[0] for i in range(3)] == ["✓", "✓", " "]
        await pilot.press("up", "space")  # unmark the second
        await pilot.pause()
        assert [p.id for p in screen.marked_papers] == [expected[0]]
        await pilot.press("c")  # one paper is not enough to compare
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert any("at least two" in m for _, m in notifications(app))


async def test_ingest_a_file_from_a_path_prompt(tmp_path: Path) -> None:
    bib = tmp_path / "input" / "jabref.bib"
    bib.parent.mkdir()
    shutil.copy(FIXTURES / "sources" / "jabref.bib", bib)
    app = make_app(tmp_path / "new-library", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_library(app, pilot)
        assert screen.query_one(DataTable).row_count == 0
        assert "library is empty" in str(screen.query_one("#library-summary").content)

        await pilot.press("i")
        await pilot.pause()
        box = app.screen.query_one("Input")
        box.value = str(bib)[:-6]  # ".../input/jab": tab completes it from the disk
        await pilot.pause(0.2)
        await pilot.press("tab")
        assert box.value == str(bib)
        await pilot.press("enter")
        await settle(app, pilot)

        assert app.screen is screen
        rows = screen.query_one(DataTable).row_count
        assert rows >= 3
        summaries = [m for _, m in notifications(app) if m.startswith("Ingested 1 file(s)")]
        assert summaries and f"{rows} added" in summaries[0]
        bar = screen.query_one(ProgressBar)
        assert bar.progress == bar.total == rows and not screen.query_one("#ingest-row").display
        assert f"{rows} of {rows} papers stored" in str(screen.query_one("#ingest-label").content)
        assert f"{rows} papers" in str(screen.query_one(StatusLine).content)


async def test_bad_paths_and_files_are_notifications_not_crashes(tmp_path: Path) -> None:
    app = make_app(tmp_path / "new-library", tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_library(app, pilot)
        screen.ingest(tmp_path / "missing.bib")
        await settle(app, pilot)
        assert ("error", f"No such file or folder: {tmp_path / 'missing.bib'}.") in notifications(
            app
        )

        screen.ingest(FIXTURES / "sources" / "broken-middle.bib")
        await settle(app, pilot)
        warnings = [m for s, m in notifications(app) if s == "warning"]
        assert warnings and "broken-middle.bib" in warnings[-1]
        assert screen.query_one(DataTable).row_count >= 1  # the good entries are kept
        assert app.is_running and isinstance(app.screen, LibraryScreen)


async def test_settings_are_saved_and_applied(
    hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    import tomllib

    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "LLM · test-model" in str(app.chat.query_one(StatusLine).content)
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#k").value = "0"  # out of range: refused, nothing saved
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert any(s == "error" and "k" in m for s, m in notifications(app))
        assert not (tmp_path / "config" / "config.toml").exists()

        screen.query_one("#k").value = "5"
        screen.query_one("#mode").value = "extractive"
        screen.query_one("#theme").value = "nord"
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        assert app.screen is app.chat
        saved = tomllib.loads((tmp_path / "config" / "config.toml").read_text())
        assert saved["k"] == 5 and saved["answer_mode"] == "extractive"
        assert saved["theme"] == "nord" and "openai_api_key" not in saved
        assert set(saved) == {"k", "answer_mode", "theme"}  # only what changed: no defaults
        assert app.services.settings.k == 5 and app.theme == "nord"
        status = str(app.chat.query_one(StatusLine).content)
        assert "offline extractive" in status and "k=5" in status


async def test_command_palette_and_help_reach_every_screen(
    hashing_sample_library: Path, tmp_path: Path
) -> None:
    app = make_app(hashing_sample_library, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles_ = [c.title for c in app.get_system_commands(app.screen)]
        for expected in (
            "Ask a question",
            "Cancel the answer",
            "New conversation",
            "Conversations",
            "Library",
            "Compare marked papers",
            "Export note",
            "Copy answer",
            "Settings",
            "Help",
            "Toggle sources pane",
            "Show citations",
            "Ingest papers",
            "Offline answer",
            "Quit",
        ):
            assert expected in titles_

        await run_command(app, pilot, "libr")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("escape")
        await run_command(app, pilot, "ingest")
        assert isinstance(app.screen, PathPromptScreen)  # the library's ingest prompt
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)

        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text
        for line in ("ctrl+l   Browse", "ctrl+o   Reopen", "ctrl+s   Write", "esc      Stop"):
            assert line in text
        assert "space    Mark" in text and "/        Filter" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("escape")
        assert app.screen is app.chat


async def test_mark_two_papers_and_compare_them(
    hashing_sample_library: Path, tmp_path: Path
) -> None:
    from assistant.tui.screens.compare import CompareScreen
    from assistant.tui.widgets.sources_pane import SourceCard, SourcesPane

    app = make_app(hashing_sample_library, tmp_path, answer_mode="extractive")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_library(app, pilot)
        await pilot.press("space", "space", "c")
        await settle(app, pilot)

        compare = app.screen
        assert isinstance(compare, CompareScreen)
        comparison = compare.comparison
        assert comparison is not None and comparison.mode == "extractive"
        assert [p.id for p in comparison.papers] == [r.paper.id for r in screen.shown[:2]]
        table = compare.query_one(DataTable)
        assert table.row_count == 2 and len(table.columns) == 1 + len(comparison.aspects)
        # every stated cell cites passages of its own row's paper
        for cell in comparison.cells:
            if cell.stated:
                numbers = set(cell.citations)
                own = {s.number for s in comparison.sources if s.paper.id == cell.paper_id}
                assert numbers and numbers <= own
        # moving through the table shows each cell's evidence in the pane
        pane = compare.query_one(SourcesPane)
        stated = [
            (row, column)
            for row, paper in enumerate(comparison.papers)
            for column, aspect in enumerate(comparison.aspects, start=1)
            if comparison.cell(paper.id, aspect).stated
        ]
        row, column = stated[0]
        table.move_cursor(row=row, column=column)
        await pilot.pause()
        cell = comparison.cell(comparison.papers[row].id, comparison.aspects[column - 1])
        assert [c.source.number for c in pane.query(SourceCard)] == list(cell.citations)
        assert comparison.synthesis.strip()
        await pilot.press("escape")
        assert app.screen is screen


async def test_export_a_comparison_from_the_compare_screen(
    hashing_sample_library: Path, tmp_path: Path
) -> None:
    from assistant.store.comparisons import ComparisonStore
    from assistant.tui.screens.compare import CompareScreen

    app = make_app(hashing_sample_library, tmp_path, answer_mode="extractive")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_library(app, pilot)
        await pilot.press("down", "down", "space", "space", "c")
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen)
        comparison = app.screen.comparison
        await pilot.press("ctrl+s")  # the proposed name in the notes folder, accepted
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)

        notes = list((tmp_path / "work" / "notes").glob("*.md"))
        assert len(notes) == 1
        text = notes[0].read_text()
        for paper in comparison.papers:
            assert paper.title in text
        assert notes[0].with_suffix(".bib").exists()
        assert any(m.startswith(f"Note written: {notes[0]}") for _, m in notifications(app))
        # stored, so `litassist export --last-comparison` finds it too
        with ComparisonStore.open(tmp_path / "work") as store:
            assert store.get(comparison.id).cells == comparison.cells
