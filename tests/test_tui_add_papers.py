"""The TUI's scholarly side, driven headless: the "add papers" screen (search, mark, add; an
identifier typed adds it; offline is one line), enrichment from the library (`e`), and the
library filter's `tag:` / `collection:` words.  HTTP mocked by respx at the transport."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import respx
from textual.widgets import DataTable, Input, SelectionList, Static

from assistant.tui.screens.add_papers import AddPapersScreen
from assistant.tui.screens.library import LibraryScreen
from tests.test_scholarly_clients import OPENALEX_WORK
from tests.test_zotero_app import build_zotero
from tests.tui_support import SIZE, make_app, notifications, settle

OPENALEX = "http://openalex.test"
OTHER = {
    **OPENALEX_WORK,
    "id": "https://openalex.org/W1",
    "doi": "https://doi.org/10.1000/other",
    "display_name": "Another open access study",
    "cited_by_count": 7,
    "locations": [],
}


async def test_add_papers_screen_searches_marks_and_adds(tmp_path: Path) -> None:
    app = make_app(tmp_path / "lib", tmp_path, openalex_url=OPENALEX, crossref_url=OPENALEX)
    with respx.mock() as mock:
        mock.get(f"{OPENALEX}/works").mock(
            return_value=httpx.Response(200, json={"results": [OPENALEX_WORK, OTHER]})
        )
        mock.get(f"{OPENALEX}/works/10.1000/other").mock(return_value=httpx.Response(404))
        mock.get(f"{OPENALEX}/works/doi:10.1000/other").mock(
            return_value=httpx.Response(200, json=OTHER)
        )
        mock.get(f"{OPENALEX}/works/W2741809807").mock(
            return_value=httpx.Response(200, json=OPENALEX_WORK)
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+l")
            await settle(app, pilot)
            await pilot.press("a")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AddPapersScreen)

            box = screen.query_one("#query", Input)
            box.value = "W2741809807"  # an identifier: added at once
            await pilot.press("enter")
            await settle(app, pilot)
            assert "Added 1 paper(s)." in str(screen.query_one("#add-status", Static).content)

            box.value = "open access"
            await pilot.press("enter")
            await settle(app, pilot)
            table = screen.query_one("#hits", DataTable)
            assert table.row_count == 2
            assert [f.in_library for f in screen.found] == ["doi:10.7717/peerj.4375", None]
            assert str(table.get_row_at(0)[5]) == "in library"
            await pilot.press("down", "space", "a")
            await settle(app, pilot)
            assert screen.found[1].in_library == "doi:10.1000/other"
            assert str(table.get_row_at(1)[5]) == "in library"
            await pilot.press("escape")
            await settle(app, pilot)
            assert isinstance(app.screen, LibraryScreen)
            titles = {r.paper.title for r in app.screen.rows}
            assert titles == {"The state of OA", "Another open access study"}

    offline = make_app(tmp_path / "lib", tmp_path, openalex_url=OPENALEX)
    with respx.mock() as mock:
        mock.get(url__startswith=OPENALEX).mock(side_effect=httpx.ConnectError("offline"))
        async with offline.run_test(size=SIZE) as pilot:  # one line, nothing added
            await settle(offline, pilot)
            screen = AddPapersScreen()
            await offline.push_screen(screen)
            screen.query_one("#query", Input).value = "anything"
            await pilot.press("enter")
            await settle(offline, pilot)
            status = str(screen.query_one("#add-status", Static).content)
            assert status.startswith("Cannot reach OpenAlex") and "\n" not in status


async def test_library_filters_by_tag_and_collection_and_enriches(tmp_path: Path) -> None:
    zotero = tmp_path / "Zotero"
    db, _ = build_zotero(zotero)
    app = make_app(tmp_path / "lib", tmp_path, openalex_url=OPENALEX, crossref_url=OPENALEX)
    db.close()
    detection = {
        "display_name": "Open Vocabulary Object Detection",
        "publication_year": 2022,
        "authorships": [{"author": {"display_name": "Xiuye Gu"}}],
    }
    with respx.mock() as mock:
        mock.get(f"{OPENALEX}/works").mock(
            return_value=httpx.Response(200, json={"results": [detection]})
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+l")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, LibraryScreen)
            await pilot.press("i")  # ingest Zotero's database: a sync
            await settle(app, pilot)
            app.screen.query_one(Input).value = str(zotero / "zotero.sqlite")
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is screen and len(screen.rows) == 4
            assert any("Synced Zotero" in text for _, text in notifications(app))
            box = screen.query_one("#filter", Input)
            box.value = "tag:medical"
            await pilot.pause()
            assert {r.paper.title for r in screen.shown} == {
                "Segment Anything in Medical Images",
                "Contrastive Language Image Pretraining at Scale",
            }
            box.value = 'collection:"chapter 2" segment'
            await pilot.pause()
            assert [r.paper.title for r in screen.shown] == ["Segment Anything in Medical Images"]
            # The same from the label picker (l): the filter's own labels ticked, one more
            # ticked, applied into the filter as words; esc leaves the filter as it was.
            screen.query_one(DataTable).focus()
            await pilot.press("l")
            await pilot.pause()
            picker = app.screen.query_one(SelectionList)
            assert ("collection", "Thesis/Chapter 2") in picker.selected
            assert picker.option_count == 3 + len({t for r in screen.rows for t in r.paper.tags})
            picker.select(("tag", "medical"))
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is screen
            assert box.value == 'collection:"Thesis/Chapter 2" tag:medical segment'
            assert [r.paper.title for r in screen.shown] == ["Segment Anything in Medical Images"]
            await pilot.press("l")
            await pilot.pause()
            app.screen.query_one(SelectionList).deselect_all()
            await pilot.press("escape")
            await pilot.pause()
            assert box.value == 'collection:"Thesis/Chapter 2" tag:medical segment'
            box.value = "detection"
            await pilot.pause()
            assert [r.paper.title for r in screen.shown] == ["Open Vocabulary Object Detection"]
            screen.query_one(DataTable).focus()
            await pilot.press("e")
            await settle(app, pilot)
            (row,) = [r for r in screen.rows if r.paper.title.startswith("Open Vocabulary")]
            assert row.paper.year == 2022 and row.paper.authors == ("Xiuye Gu",)
            assert any("filled gaps of 1 paper" in text for _, text in notifications(app))
    shutil.rmtree(tmp_path / "lib", ignore_errors=True)
