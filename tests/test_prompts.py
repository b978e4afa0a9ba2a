"""Prompt templates: shipped files, loaded by name, overridable from the user's config folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.rag.prompts import (
    BUILTIN_DIR,
    REQUIRED,
    PromptError,
    PromptLibrary,
    answer_messages,
    condense_messages,
)
from assistant.settings import Settings
from assistant.types import Chunk, Paper, Passage, Source
from assistant.wiring import make_prompts


def test_every_shipped_prompt_has_a_header_and_its_placeholders() -> None:
    prompts = PromptLibrary.default()
    for name, needed in REQUIRED.items():
        raw = (BUILTIN_DIR / f"{name}.md").read_text(encoding="utf-8")
        assert raw.startswith("<!--") and "Receives" in raw
        prompt = prompts.get(name)
        assert not prompt.template.startswith("<!--")  # the header is not sent to the model
        for placeholder in needed:
            assert f"${placeholder}" in prompt.template


def test_user_override_from_the_config_folder(tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"  # LITASSIST_CONFIG from the autouse fixture
    override = config.parent / "prompts" / "system.md"
    override.parent.mkdir(parents=True)
    override.write_text("<!-- mine -->\nAnswer like a pirate, from the sources only.\n")
    prompts = make_prompts(Settings())
    assert prompts.render("system") == "Answer like a pirate, from the sources only.\n"
    assert prompts.get("system").path == override
    assert prompts.get("answer").path == BUILTIN_DIR / "answer.md"  # the others stay shipped


def test_override_missing_a_placeholder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "answer.md").write_text("Question: $question\n(no sources here)\n")
    with pytest.raises(PromptError, match=r"lacks \$sources, \$tag"):
        PromptLibrary([tmp_path, BUILTIN_DIR]).get("answer")


def test_unknown_prompt_and_placeholder(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="No prompt named 'nope'"):
        PromptLibrary([BUILTIN_DIR]).get("nope")
    (tmp_path / "condense.md").write_text("$history $question $surprise\n")
    with pytest.raises(PromptError, match="surprise"):
        PromptLibrary([tmp_path]).render("condense", history="h", question="q")


def test_messages_keep_sources_in_tagged_blocks() -> None:
    text = "Quilt-1M collects pairs from YouTube. Costs $5 and {braces} stay as they are."
    paper = Paper(id="p", title="Quilt-1M", abstract=text, authors=("Ikezogwo, Wisdom",), year=2023)
    source = Source(1, paper, Passage(Chunk("p#0", "p", 0, text, 0, len(text)), 1.0))
    system, user = answer_messages(
        PromptLibrary.default(), "Where from?", [source], tag="source-0a1b2c3d"
    )
    assert system["role"] == "system" and user["role"] == "user"
    assert (
        '<source-0a1b2c3d number="1" title="Quilt-1M" year="2023" first_author="Ikezogwo">\n'
        f"{text}\n</source-0a1b2c3d>"
    ) in user["content"]
    assert "Question: Where from?" in user["content"]


def test_condense_messages_show_recent_turns_shortened() -> None:
    turns = [(f"question {i}", "answer " * 300) for i in range(6)]
    (message,) = condense_messages(PromptLibrary.default(), turns, "and then?")
    content = message["content"]
    assert "question 0" not in content and "Q: question 5" in content  # only the last turns
    assert "answer answer" in content and len(content) < 4000
    assert "Follow-up question: and then?" in content
