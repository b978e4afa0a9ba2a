"""Notes through pandoc: a pandoc-style note renders with `pandoc --citeproc` with one title,
each paper named once where the note names it, and one reference list (citeproc's); a
footnote-style note numbers each source once.  pandoc is installed by `.ci/run` (Debian's
package), so a missing pandoc fails here rather than skipping."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.app import Litassist
from assistant.types import Conversation
from tests.tui_support import make_services

QUESTIONS = (
    "What does dropout prevent in neural networks?",
    "How does dropout improve neural networks on vision benchmarks?",
)


@pytest.fixture
def conversation(well_known_library: Path, tmp_path: Path) -> tuple[Litassist, Conversation]:
    services = make_services(well_known_library, tmp_path / "work", answer_mode="extractive")
    first = services.answers.ask(QUESTIONS[0]).answer
    services.answers.ask(QUESTIONS[1], conversation=first.conversation_id)
    conversation = services.answers.conversation(first.conversation_id)
    cited = [c.paper_id for turn in conversation.turns for c in turn.citations]
    assert len(cited) > len(set(cited)), "the test needs a paper cited more than once"
    return services, conversation


def pandoc(note: Path, *args: str) -> str:
    binary = shutil.which("pandoc")
    assert binary, "pandoc is missing: `apt-get install -y pandoc` (.ci/run does it)"
    done = subprocess.run(
        [binary, note.name, "--standalone", "--to", "plain", "--wrap", "none", *args],
        cwd=note.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_pandoc_note_renders_cleanly_through_citeproc(
    conversation: tuple[Litassist, Conversation], tmp_path: Path
) -> None:
    services, item = conversation
    result = services.notes.export(item, fmt="md", style="pandoc", out=tmp_path / "note.md")
    note = result.files.main
    assert note is not None and result.files.bib is not None and result.files.bib.exists()
    text = pandoc(note, "--citeproc")
    assert "[@" not in text and "???" not in text  # every key resolved against the .bib
    assert text.count(item.title) == 1  # the title once
    # named once: no "Srivastava et al. (2014) (Srivastava et al. 2014)"
    assert not re.search(r"([A-Z]\w+(?: et al\.)?) \(\d{4}\)\s*\(\1,? \d{4}\)", text)
    assert text.count("References") == 1
    assert text.count("Dropout: A Simple Way to Prevent Neural Networks from Overfitting") == 1
    after = text.split("References", 1)[1]
    assert "Srivastava" in after  # citeproc's list sits under the heading


def test_a_footnote_note_numbers_each_source_once(
    conversation: tuple[Litassist, Conversation], tmp_path: Path
) -> None:
    services, item = conversation
    result = services.notes.export(item, fmt="md", style="footnote", out=tmp_path / "note.md")
    assert result.files.main is not None
    papers = {c.paper_id for turn in item.turns for c in turn.citations}
    text = pandoc(result.files.main)
    notes = re.findall(r"^\[(\d+)\] ", text, re.MULTILINE)  # pandoc's plain footnotes
    assert sorted(notes, key=int) == [str(n) for n in range(1, len(papers) + 1)]
