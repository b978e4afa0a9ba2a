"""Snapshots of the main screens at 120x40 (pytest-textual-snapshot): regenerate with
`pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate change, look at the
SVGs, commit them.  Behaviour is asserted on data in the other tests/test_tui_*.py modules."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from tests.fake_llm import FakeChatEndpoint
from tests.tui_support import SIZE, make_app, settle

QUESTION = "Which datasets are used to pretrain image classification models?"


async def freeze(pilot: Pilot) -> None:
    """Wait for every worker, then stop cursors blinking so the picture is stable."""
    await settle(pilot.app, pilot)  # type: ignore[arg-type]
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False


def test_chat_with_a_cited_answer(
    snap_compare, hashing_sample_library: Path, tmp_path: Path, fake_llm: FakeChatEndpoint
) -> None:
    app = make_app(hashing_sample_library, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await settle(app, pilot)
        app.chat.query_one("#question", Input).value = QUESTION
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+r", "down")  # the second citation chosen: its source selected
        await freeze(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_library(snap_compare, hashing_sample_library: Path, tmp_path: Path) -> None:
    app = make_app(hashing_sample_library, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await pilot.press("space", "space")
        await freeze(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_settings(snap_compare, hashing_sample_library: Path, tmp_path: Path) -> None:
    app = make_app(hashing_sample_library, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await settle(app, pilot)
        await pilot.press("f2")
        await freeze(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare, hashing_sample_library: Path, tmp_path: Path) -> None:
    app = make_app(hashing_sample_library, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await settle(app, pilot)
        await pilot.press("f1")
        await freeze(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_compare(snap_compare, hashing_sample_library: Path, tmp_path: Path) -> None:
    app = make_app(hashing_sample_library, tmp_path, answer_mode="extractive")

    async def run_before(pilot: Pilot) -> None:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await pilot.press("down", "down", "space", "space", "c")  # two papers with abstracts
        await freeze(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
