"""Secrets are never shown or stored: credentials and key-like query parameters in URLs are
masked in `config`, `config --json` and error lines; an answer that echoes the API key is
stored and exported with the key masked."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import respx

from assistant.redact import mask_url, mask_urls_in, redact
from tests.openai_sse import BASE_URL, MODEL, sse_response

KEY = "sk-echoed-secret-key-0123456789"
PASSWORD = "hunter2-password"
QUERY_KEY = "qk-0123456789abcdef"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:pw@host.example/v1", "https://***@host.example/v1"),
        ("http://host:8000/v1?api_key=abc&model=x", "http://host:8000/v1?api_key=***&model=x"),
        ("https://h/p?key=1&token=2&access_token=3&sig=4", "https://h/p?key=***&token=***&access_token=***&sig=***"),
        ("https://h/p?openalex_api_key=1", "https://h/p?openalex_api_key=***"),
        ("http://localhost:11434/v1", "http://localhost:11434/v1"),
    ],
)  # fmt: skip
def test_mask_url(url: str, expected: str) -> None:
    assert mask_url(url) == expected


def test_urls_inside_text_and_redaction_keep_offsets() -> None:
    line = f"Cannot reach http://u:{PASSWORD}@h:1/v1?api_key={QUERY_KEY}; check it."
    masked = mask_urls_in(line)
    assert PASSWORD not in masked and QUERY_KEY not in masked and masked.endswith("; check it.")
    text = f"The key is {KEY} [1]."
    assert redact(text, [KEY]) == f"The key is {'*' * len(KEY)} [1]."
    assert redact("short x", ["x"]) == "short x"  # not a secret: too short


def test_config_never_shows_credentials_in_urls(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "OPENAI_BASE_URL", f"https://me:{PASSWORD}@llm.example/v1?api_key={QUERY_KEY}"
    )
    monkeypatch.setenv("LITASSIST_CHROMA_URL", f"http://admin:{PASSWORD}@chroma.example:8000")
    for args in (["config"], ["config", "--json"]):
        result = run_cli(*args)
        assert result.code == 0, result.err
        assert PASSWORD not in result.out and QUERY_KEY not in result.out
        assert "llm.example/v1" in result.out and "chroma.example:8000" in result.out


def test_error_lines_mask_credentials(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli("--chroma-url", f"ftp://admin:{PASSWORD}@chroma.example", "papers")
    assert result.code == 1 and PASSWORD not in result.err
    monkeypatch.setenv("LITASSIST_CONNECT_TIMEOUT", "0.5")
    result = run_cli(
        "--chroma-url", f"http://admin:{PASSWORD}@127.0.0.1:9/?token={QUERY_KEY}",
        "--data-dir", str(tmp_path / "d"), "papers",
    )  # fmt: skip
    assert result.code == 1 and result.err.startswith("error: ")
    assert PASSWORD not in result.err and QUERY_KEY not in result.err


def test_an_answer_echoing_the_key_is_stored_and_exported_masked(
    run_cli, hashing_sample_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import HashingEmbedder

    home = tmp_path / "lib"
    shutil.copytree(hashing_sample_library, home)
    monkeypatch.setattr(
        "assistant.wiring.make_embedder", lambda settings, client=None: HashingEmbedder()
    )
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("LITASSIST_MODEL", MODEL)
    pieces = ["DataDAM distils datasets [1]. ", f"Your key is {KEY[:10]}", f"{KEY[10:]} [1]."]
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.post("/chat/completions").mock(return_value=sse_response(pieces))
        asked = run_cli("--data-dir", str(home), "ask", "What is DataDAM?")
    assert asked.code == 0, asked.err
    with sqlite3.connect(home / "conversations.sqlite") as db:
        stored = " ".join(row[0] for row in db.execute("SELECT answer FROM turns"))
    assert KEY not in stored and "DataDAM distils datasets" in stored
    assert "*" * len(KEY) in stored
    out = tmp_path / "note.md"
    exported = run_cli("--data-dir", str(home), "export", "--last", "--out", str(out))
    assert exported.code == 0, exported.err
    assert KEY not in out.read_text(encoding="utf-8")
    as_json = run_cli("--data-dir", str(home), "export", "--last", "--format", "json")
    assert KEY not in as_json.out and json.loads(as_json.out)
