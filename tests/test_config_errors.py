"""Bad settings give one line naming the key or the file and what is valid: `config set` with
a wrong value, a broken `config.toml`, a Chroma URL that is not http(s)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def config_file() -> Path:
    return Path(os.environ["LITASSIST_CONFIG"])


def one_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.code == 1
    assert result.err.count("\n") == 1, result.err
    assert result.err.startswith("error: ") and "unexpected" not in result.err
    return result.err


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("k", "abc", "k must be a whole number from 1 to 100"),
        ("k", "0", "k must be a whole number from 1 to 100"),
        ("answer_mode", "fast", "answer_mode must be one of auto, llm, extractive"),
        ("chroma_url", "ftp://x", "chroma_url must be an http:// or https:// URL"),
        (
            "openai_base_url",
            "localhost:11434",
            "openai_base_url must be an http:// or https:// URL",
        ),
    ],
)
def test_config_set_rejects_bad_values_in_one_line(
    run_cli, key: str, value: str, says: str
) -> None:
    error = one_line(run_cli("config", "set", key, value))
    assert f"Invalid value {value!r} for {key}" in error and says in error
    assert not config_file().exists()  # nothing saved


def test_config_set_saves_a_good_value(run_cli) -> None:
    result = run_cli("config", "set", "k", "12")
    assert result.code == 0, result.err
    assert "k = 12" in config_file().read_text(encoding="utf-8")


def test_a_broken_config_file_is_named_on_every_command(run_cli) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text('model = "gpt\nk = [\n', encoding="utf-8")
    for args in (["papers"], ["config"], ["config", "set", "k", "5"]):
        error = one_line(run_cli(*args))
        assert str(config_file()) in error and "not valid TOML" in error
    assert config_file().read_text(encoding="utf-8") == 'model = "gpt\nk = [\n'  # untouched


def test_a_bad_value_in_the_config_file_names_key_file_and_range(run_cli) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text('k = 500\nchroma_url = "ftp://x"\n', encoding="utf-8")
    error = one_line(run_cli("papers"))
    assert "k must be a whole number from 1 to 100" in error or "chroma_url" in error
    assert str(config_file()) in error
