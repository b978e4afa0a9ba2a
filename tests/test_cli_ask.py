"""`litassist ask` and `litassist conversations` through the real entry point, on a copy of the
sample library: offline extractive answers, JSON output, conversations, and an LLM endpoint
mocked with respx (streaming, bad key, cut-off stream)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import respx

from assistant.cli.answer_commands import OFFLINE_NOTICE
from tests.openai_sse import BASE_URL, MODEL, broken_sse_response, error, sse_response

KEY = "sk-cli-secret-key-987654321"
QUESTION = "How many images and scene classes does the NWPU-RESISC45 dataset have?"


@pytest.fixture
def home(sample_library: Path, tmp_path: Path) -> Path:
    """A private copy of the sample library (asking writes conversations into it)."""
    target = tmp_path / "lib"
    shutil.copytree(sample_library, target)
    return target


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("LITASSIST_MODEL", MODEL)
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


def conversations(run_cli, home: Path) -> list[dict]:
    result = run_cli("--data-dir", str(home), "conversations", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_ask_offline_streams_a_cited_answer(run_cli, home: Path) -> None:
    result = run_cli("--data-dir", str(home), "ask", QUESTION)
    assert result.code == 0, result.err
    answer, _, after = result.out.partition("\nSources:\n")
    assert "31,500 images" in answer and "[" in answer
    assert "Remote Sensing Image Scene Classification" in after
    # an offline answer quotes: where the quote stands, never a support score for it
    assert "quoted, abstract sentence" in after and "support" not in after
    assert result.err.count(OFFLINE_NOTICE) == 1
    (stored,) = conversations(run_cli, home)
    assert f"conversation {stored['id']}" in result.err
    assert stored["turns"] == 1 and stored["title"] == QUESTION


def test_ask_json_is_structured(run_cli, home: Path) -> None:
    result = run_cli("--data-dir", str(home), "ask", QUESTION, "--json", "-k", "3")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["mode"] == "extractive" and not data["abstained"] and data["complete"]
    assert len(data["sources"]) == 3
    assert {"number", "paper", "passage", "cited"} <= set(data["sources"][0])
    citation = data["citations"][0]
    for key in ("number", "paper_id", "title", "year", "passage", "quote", "start", "end"):
        assert key in citation
    assert 0 < citation["support"] <= 1
    assert citation["quote"] in citation["passage"]
    assert data["unsupported_sentences"] == []
    badge = data["sentences"][0]["badge"]  # a quote, and where: never a score for it
    assert badge["kind"] == "quote" and badge["support"] is None
    assert badge["label"].startswith("quoted from ") and ", abstract sentence " in badge["label"]
    assert data["sources"][0]["badge"]["kind"] == "quote"
    assert data["conversation_id"] == conversations(run_cli, home)[0]["id"]


def test_follow_up_in_a_conversation(run_cli, home: Path) -> None:
    first = json.loads(run_cli("--data-dir", str(home), "ask", "What is DataDAM?", "--json").out)
    cid = first["conversation_id"]
    follow = run_cli(
        "--data-dir", str(home), "ask", "How much does it improve on CIFAR100?",
        "--conversation", cid[:6], "--json",
    )  # fmt: skip
    assert follow.code == 0, follow.err
    data = json.loads(follow.out)
    assert data["conversation_id"] == cid
    assert data["standalone_query"] == "How much does DataDAM improve on CIFAR100?"
    assert "6.5%" in data["answer"]
    (stored,) = conversations(run_cli, home)
    assert stored["turns"] == 2
    shown = run_cli(
        "--data-dir", str(home), "ask", "What does it match?", "--conversation", cid[:6]
    )  # fmt: skip
    assert shown.code == 0, shown.err
    assert "\nsearched as: What does DataDAM match?\n" in shown.out


def test_unanswerable_question_abstains(run_cli, home: Path) -> None:
    result = run_cli("--data-dir", str(home), "ask", "What is the boiling point of mercury?")
    assert result.code == 0
    assert "does not seem to answer" in result.out and "Sources:" not in result.out


def test_year_filter_leaving_nothing(run_cli, home: Path) -> None:
    result = run_cli("--data-dir", str(home), "ask", QUESTION, "--year-from", "2100", "--json")
    data = json.loads(result.out)
    assert data["abstained"] and data["sources"] == []


def test_usage_errors_are_one_line(run_cli, home: Path) -> None:
    llm = run_cli("--data-dir", str(home), "ask", QUESTION, "--mode", "llm")
    assert llm.code == 1 and llm.err.startswith("error: No LLM endpoint configured")
    assert llm.err.count("\n") == 1
    unknown = run_cli("--data-dir", str(home), "ask", QUESTION, "--conversation", "nope")
    assert unknown.code == 1 and "No conversation 'nope'" in unknown.err
    both = run_cli("--data-dir", str(home), "ask", QUESTION, "--conversation", "x", "--new")
    assert both.code == 1 and "not both" in both.err
    assert conversations(run_cli, home) == []


def test_no_library_yet(run_cli, tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path / "empty"), "ask", QUESTION)
    assert result.code == 1 and result.err.startswith("error:") and "Traceback" not in result.err


def test_llm_endpoint_streams_through_the_cli(run_cli, home: Path, endpoint) -> None:
    route = endpoint.post("/chat/completions").mock(
        return_value=sse_response(
            ["The NWPU-RESISC45 dataset contains ", "31,500 images covering 45 scene classes [1]."]
        )
    )
    result = run_cli("--data-dir", str(home), "ask", QUESTION, "-k", "3")
    assert result.code == 0, result.err
    assert route.call_count == 1
    assert result.out.startswith("The NWPU-RESISC45 dataset contains 31,500 images")
    assert OFFLINE_NOTICE not in result.err
    data = json.loads(run_cli("--data-dir", str(home), "ask", QUESTION, "--json").out)
    assert data["mode"] == "llm" and data["model"] == MODEL
    assert data["citations"][0]["number"] == 1
    assert KEY not in result.out + result.err + json.dumps(data)


def test_bad_key_is_one_line_and_stores_nothing(run_cli, home: Path, endpoint) -> None:
    endpoint.post("/chat/completions").mock(
        return_value=error(401, f"Incorrect API key provided: {KEY}", code="invalid_api_key")
    )
    result = run_cli("--data-dir", str(home), "ask", QUESTION)
    assert result.code == 1
    assert result.err.startswith("error: The LLM endpoint at http://llm.test/v1 rejected")
    assert KEY not in result.err + result.out
    assert conversations(run_cli, home) == []


def test_cut_off_stream_prints_and_stores_the_partial_answer(run_cli, home: Path, endpoint) -> None:
    endpoint.post("/chat/completions").mock(
        return_value=broken_sse_response(["The dataset has 31,500 images [1]. It also"])
    )
    result = run_cli("--data-dir", str(home), "ask", QUESTION)
    assert result.code == 1
    assert result.out.startswith("The dataset has 31,500 images [1]. It also")
    assert "cut off" in result.err and "Traceback" not in result.err
    (stored,) = conversations(run_cli, home)
    assert stored["turns"] == 1


def test_config_never_shows_the_key(run_cli, endpoint) -> None:
    result = run_cli("config", "--json")
    shown = json.loads(result.out)
    assert shown["openai_api_key"] == "set (hidden)" and shown["effective_mode"] == "llm"
    assert KEY not in result.out
