"""Hostile text never reaches a terminal raw: titles, abstracts, file bytes and LLM answers with
OSC 52 (clipboard), OSC 0 (window title), OSC 8 (hyperlink), CSI 2J/2K (erase), CSI 6n (the
terminal answers into stdin) and the one-character C1 CSI (U+009B), through the real CLI."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import respx

from assistant.terminal_safe import json_safe, strip_controls, terminal_safe
from tests.openai_sse import BASE_URL, MODEL, sse_response

OSC52 = "\x1b]52;c;ZXZpbA==\x07"
OSC0 = "\x1b]0;pwned\x07"
OSC8 = "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"
CSI_ERASE = "\x1b[2J\x1b[2K"
CSI_REPORT = "\x1b[6n"
C1_CSI = "\x9b6n"
BIDI = "\u202eevil\u202c"
EVERY_ATTACK = (OSC52, OSC0, OSC8, CSI_ERASE, CSI_REPORT, C1_CSI, BIDI)

# What a terminal acts on: C0 except tab/newline, DEL, C1, bidi overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

EVIL_TITLE = f"Segmentation attacks {OSC52}{OSC0} in the wild"
EVIL_ABSTRACT = (
    f"We study segmentation attacks {CSI_ERASE} on terminals {C1_CSI} and {CSI_REPORT} reports. "
    f"Segmentation attacks work through {OSC8} hyperlinks {BIDI} in abstracts."
)


def assert_clean(text: str) -> None:
    found = _UNSAFE.findall(text)
    assert not found, f"raw control characters reach the output: {found!r} in {text!r}"


# ---- the function -------------------------------------------------------------------------------
@pytest.mark.parametrize("attack", EVERY_ATTACK)
def test_every_sequence_is_made_visible(attack: str) -> None:
    shown = terminal_safe(f"before {attack} after")
    assert_clean(shown)
    assert shown.startswith("before ") and shown.endswith(" after")
    assert "\\x1b" in shown or "\\x9b" in shown or "\\u202e" in shown


def test_tabs_newlines_and_unicode_are_kept() -> None:
    text = "Größe\tund Ω\nzweite Zeile — עברית 日本語"
    assert terminal_safe(text) is text
    assert terminal_safe("a\r\nb") == "a\nb"
    assert terminal_safe("a\rb") == "a\\x0db"


def test_a_sequence_split_across_two_pieces_is_neutralised() -> None:
    pieces = ["Answer \x1b", "]52;c;ZXZpbA==\x07 done", " \x9b", "2J"]
    shown = "".join(terminal_safe(p) for p in pieces)
    assert_clean(shown)
    assert shown == terminal_safe("".join(pieces))


def test_idempotent_and_strip() -> None:
    once = terminal_safe(EVIL_ABSTRACT)
    assert terminal_safe(once) == once
    stripped = strip_controls(EVIL_ABSTRACT)
    assert_clean(stripped)
    assert "\\x1b" not in stripped and "segmentation attacks" in stripped.lower()


def test_json_safe_keeps_the_value() -> None:
    value = {"title": EVIL_TITLE + C1_CSI + BIDI + "\x7f"}
    dumped = json_safe(json.dumps(value, ensure_ascii=False))
    assert_clean(dumped)
    assert json.loads(dumped) == value


# ---- through the CLI ----------------------------------------------------------------------------
@pytest.fixture
def evil_home(run_cli, tmp_path: Path) -> Path:
    source = tmp_path / "evil.jsonl"
    rows = [
        {"title": EVIL_TITLE, "abstract": EVIL_ABSTRACT, "authors": ["Mallory, Eve"], "year": 2024},
        {
            "title": f"Benign segmentation paper {OSC0}",
            "abstract": "Segmentation of medical images with transformers works well.",
            "year": 2023,
        },
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    home = tmp_path / "lib"
    result = run_cli("--data-dir", str(home), "ingest", str(source))
    assert result.code == 0, result.err
    return home


def stored_titles(home: Path) -> set[str]:
    with sqlite3.connect(home / "library.sqlite") as db:
        return {row[0] for row in db.execute("SELECT title FROM papers")}


def test_papers_search_and_remove_are_clean(run_cli, evil_home: Path) -> None:
    listed = run_cli("--data-dir", str(evil_home), "papers")
    assert listed.code == 0 and "Segmentation attacks" in listed.out
    assert_clean(listed.out)
    found = run_cli("--data-dir", str(evil_home), "search", "segmentation attacks terminals")
    assert found.code == 0 and "Segmentation attacks" in found.out
    assert_clean(found.out)
    # JSON keeps the text (escaped), so a script reads back exactly what was stored.
    as_json = run_cli("--data-dir", str(evil_home), "papers", "--json")
    assert_clean(as_json.out)
    titles = {p["title"] for p in json.loads(as_json.out)}
    assert EVIL_TITLE in titles and titles == stored_titles(evil_home)
    searched = run_cli("--data-dir", str(evil_home), "search", "segmentation", "--json")
    assert_clean(searched.out)
    assert EVIL_TITLE in {r["title"] for r in json.loads(searched.out)["results"]}
    target = next(p["id"] for p in json.loads(as_json.out) if p["title"] == EVIL_TITLE)
    removed = run_cli("--data-dir", str(evil_home), "remove", target)
    assert removed.code == 0 and target in removed.out
    assert_clean(removed.out)


def test_offline_answer_compare_and_exports_are_clean(
    run_cli, evil_home: Path, tmp_path: Path
) -> None:
    asked = run_cli("--data-dir", str(evil_home), "ask", "What do segmentation attacks do?")
    assert asked.code == 0, asked.err
    assert "Segmentation attacks" in asked.out
    assert_clean(asked.out + asked.err)
    assert EVIL_TITLE in stored_answers_text(evil_home)  # stored as it came

    compared = run_cli(
        "--data-dir", str(evil_home), "compare", "--topic", "segmentation", "-n", "2"
    )
    assert compared.code == 0, compared.err
    assert "Segmentation attacks" in compared.out
    assert_clean(compared.out + compared.err)
    as_md = run_cli(
        "--data-dir", str(evil_home), "compare", "--topic", "segmentation", "-n", "2",
        "--format", "md", "--no-save",
    )  # fmt: skip
    assert as_md.code == 0 and "Segmentation attacks" in as_md.out
    assert_clean(as_md.out)

    notes = tmp_path / "notes"
    notes.mkdir()
    exported = run_cli(
        "--data-dir", str(evil_home), "export", "--last", "--style", "pandoc",
        "--out", str(notes / "note.md"),
    )  # fmt: skip
    assert exported.code == 0, exported.err
    note = (notes / "note.md").read_text(encoding="utf-8")
    bib = (notes / "note.bib").read_text(encoding="utf-8")
    assert "Segmentation attacks" in note and "Segmentation attacks" in bib
    assert_clean(note)
    assert_clean(bib)
    assert "\\x1b" not in bib  # removed, not escaped: a backslash would start a LaTeX command
    as_json = run_cli("--data-dir", str(evil_home), "export", "--last", "--format", "json")
    assert_clean(as_json.out)
    assert EVIL_TITLE in strings_in(json.loads(as_json.out))


def stored_answers_text(home: Path) -> str:
    """Every string of every stored turn, as stored, one per line."""
    with sqlite3.connect(home / "conversations.sqlite") as db:
        rows = [json.loads(row[0]) for row in db.execute("SELECT answer FROM turns")]
    return "\n".join(strings_in(rows))


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []


def test_skipped_lines_for_hostile_files_are_clean(run_cli, tmp_path: Path) -> None:
    hostile = tmp_path / f"name{OSC0}.bib"
    hostile.write_bytes(b"@article{x" + OSC52.encode() + b", title={\x1b[2J}" + bytes(range(1, 32)))
    binary = tmp_path / "binary.dat"
    binary.write_bytes((b"\x00\x01" + CSI_ERASE.encode() + b"\xff\xfe") * 20)
    result = run_cli("--data-dir", str(tmp_path / "lib"), "ingest", str(hostile), str(binary))
    assert "skipped:" in result.err and "binary.dat" in result.err
    assert_clean(result.out + result.err)


def test_streamed_llm_answer_is_clean_and_stored_as_it_came(
    run_cli, evil_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-terminal-0000")
    monkeypatch.setenv("LITASSIST_MODEL", MODEL)
    # The sequences are split across deltas: ESC in one piece, the rest in the next.
    pieces = ["Segmentation attacks erase screens \x1b", "[2J and read ", "the clipboard \x1b]52;",
              "c;ZXZpbA==\x07 [1]. Also \x9b", "6n [1]."]  # fmt: skip
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.post("/chat/completions").mock(return_value=sse_response(pieces))
        result = run_cli("--data-dir", str(evil_home), "ask", "What do segmentation attacks do?")
    assert result.code == 0, result.err
    assert "Segmentation attacks erase screens" in result.out
    assert_clean(result.out + result.err)
    assert "".join(pieces) in stored_answers_text(evil_home)


# ---- the terminal UI ----------------------------------------------------------------------------
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def raw_controls_on_screen(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Control characters in what the app draws (the screenshot holds every cell's text)."""
    return _RAW.findall(app.export_screenshot())


async def test_tui_screens_show_hostile_text_escaped(tmp_path: Path, fake_llm) -> None:  # type: ignore[no-untyped-def]
    from assistant.ingest import ingest
    from assistant.store.library import Library
    from tests.conftest import HashingEmbedder
    from tests.tui_support import SIZE, ask, make_app, settle

    source = tmp_path / "evil.jsonl"
    rows = [
        {"title": EVIL_TITLE, "abstract": EVIL_ABSTRACT, "authors": ["Mallory, Eve"], "year": 2024},
        {
            "title": f"Benign {OSC0} paper",
            "abstract": "Segmentation attacks are rare.",
            "year": 2023,
        },
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    home = tmp_path / "lib"
    library = Library.open(home, HashingEmbedder(), create=True)
    try:
        ingest([source], library)
    finally:
        library.close()
    fake_llm.answer = lambda sources: f"Segmentation attacks {CSI_ERASE} erase {OSC52} [1]."

    app = make_app(home, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = await ask(app, pilot, "What do segmentation attacks do?")
        assert view.answer is not None and CSI_ERASE in view.answer.text  # kept as it came
        assert raw_controls_on_screen(app) == []
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert raw_controls_on_screen(app) == []
        await pilot.press("enter")  # the paper's details and abstract
        await settle(app, pilot)
        assert raw_controls_on_screen(app) == []

    app = make_app(home, tmp_path, answer_mode="extractive")  # the offline comparer
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await pilot.press("space", "space", "c")  # compare the two papers
        await settle(app, pilot)
        assert app.screen.comparison is not None  # type: ignore[attr-defined]
        assert raw_controls_on_screen(app) == []
        await pilot.press("escape", "escape", "ctrl+o")  # the conversations list
        await settle(app, pilot)
        assert raw_controls_on_screen(app) == []
        app.notify(f"Skipped: {tmp_path}/x{OSC0}.bib: binary {CSI_ERASE}")
        await pilot.pause()
        assert raw_controls_on_screen(app) == []


def test_offsets_follow_the_escapes() -> None:
    from assistant.terminal_safe import safe_offsets

    text = f"ab{OSC0}cd\r\nef"
    shown, offsets = terminal_safe(text), safe_offsets(text)
    assert len(offsets) == len(text) + 1 and offsets[-1] == len(shown)
    start = text.index("cd")
    assert shown[offsets[start] : offsets[start + 2]] == "cd"
    assert shown[offsets[text.index("ef")] :] == "ef"
