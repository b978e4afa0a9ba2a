"""Snapshots of the main screens (pytest-textual-snapshot): chat, library and compare at 80x24,
120x40 and 200x50, settings and help at 120x40.  Regenerate with
`pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate change, look at the
SVGs, commit them.  Behaviour is asserted on data in the other tests/test_tui_*.py modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.fake_llm import FakeChatEndpoint
from tests.tui_support import SIZE, make_app, settle

QUESTION = "Which datasets are used to pretrain image classification models?"
SIZES = [(80, 24), (120, 40), (200, 50)]
sizes = pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])


async def freeze(pilot: Pilot) -> None:
    """Wait for every worker, then stop cursors blinking so the picture is stable."""
    await settle(pilot.app, pilot)  # type: ignore[arg-type]
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False


@sizes
def test_chat_with_a_cited_answer(
    snap_compare,
    hashing_sample_library: Path,
    tmp_path: Path,
    fake_llm: FakeChatEndpoint,
    size: tuple[int, int],
) -> None:
    app = make_app(hashing_sample_library, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await settle(app, pilot)
        app.chat.query_one("#question", Input).value = QUESTION
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+r", "down")  # the second citation chosen: its source selected
        await freeze(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@sizes
def test_library(
    snap_compare, well_known_library: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(well_known_library, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await pilot.press("space", "space")
        await freeze(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


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


@sizes
def test_compare(
    snap_compare, hashing_sample_library: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(hashing_sample_library, tmp_path, answer_mode="extractive")

    async def run_before(pilot: Pilot) -> None:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await pilot.press("down", "down", "space", "space", "c")  # two papers with abstracts
        await freeze(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
