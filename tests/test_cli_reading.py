"""The CLI reads cleanly (issue 13): whole summaries in `--help`, one spelling of each option
across search, ask and compare (old ones kept), `config set --help` naming exactly the savable
keys, and errors that give the valid values."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from assistant.settings import SAVABLE_KEYS


@pytest.fixture
def cli(run_cli, sample_library: Path, tmp_path: Path):
    home = tmp_path / "lib"
    shutil.copytree(sample_library, home)

    def run(*args: str):
        return run_cli("--data-dir", str(home), *args)

    return run


def test_top_level_help_shows_whole_summaries(run_cli) -> None:
    result = run_cli("--help")
    assert result.code == 0
    commands = result.out.split("Commands:", 1)[1]
    assert "..." not in commands
    # each summary ends at a sentence (wrapped lines joined)
    entries = re.split(r"\n  (?=\w)", " ".join(commands.split("\n\n")).strip())
    for entry in entries:
        assert " ".join(entry.split()).endswith((".", ")")), entry


def test_config_set_help_names_exactly_the_savable_keys(run_cli) -> None:
    text = " ".join(run_cli("config", "set", "--help").out.split())
    listed = text.split("KEY is one of:", 1)[1].split(".", 1)[0]
    assert [k.strip() for k in listed.split(",")] == list(SAVABLE_KEYS)
    assert "endpoint" not in listed.split()


def test_config_errors_give_the_valid_values(run_cli) -> None:
    result = run_cli("config", "set", "k", "0")
    assert result.code == 1 and "a whole number from 1 to 100" in result.err
    result = run_cli("config", "set", "answer_mode", "fast")
    assert result.code == 1 and "one of auto, llm, extractive" in result.err


def test_one_option_name_for_papers_and_passages(cli) -> None:
    found = [
        json.loads(cli("search", "dataset distillation", option, "3", "--json").out)["results"]
        for option in ("--papers", "-k")  # -k: the old spelling
    ]
    assert [len(results) for results in found] == [3, 3]
    asked = cli("ask", "What is dataset distillation?", "--passages", "4", "--json")
    assert asked.code == 0, asked.err
    assert len(json.loads(asked.out)["sources"]) == 4
    compare_help = " ".join(cli("compare", "--help").out.split())
    assert "-n, --papers" in compare_help  # the same name as in search
