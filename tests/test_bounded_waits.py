"""Every wait is bounded: an LLM endpoint or a Chroma server that accepts the connection and
never answers fails within the configured times, with "timed out after N s", never a hang; a
stream can be cancelled at once; malformed stream events end the answer as incomplete."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import httpx
import pytest
from openai import OpenAI

from assistant.rag.llm import (
    IncompleteStreamError,
    LLMCancelledError,
    LLMClient,
    LLMTimeoutError,
    LLMUnreachableError,
)
from tests.silent_server import SilentServer


def silent_llm(url: str, **options: float) -> LLMClient:
    timeout = httpx.Timeout(options.get("read", 0.4), connect=1.0)
    client = OpenAI(
        api_key="sk-test",
        base_url=f"{url}/v1",
        max_retries=0,
        timeout=timeout,
        http_client=httpx.Client(timeout=timeout),  # type: ignore[arg-type]  # as wiring does
    )
    return LLMClient(
        client,
        "test-model",
        max_retries=3,
        sleep=lambda s: None,
        total_timeout=options.get("total", 3.0),
        read_timeout=options.get("read", 0.4),
        connect_timeout=1.0,
    )


def test_a_silent_endpoint_times_out_once_retried_then_fails() -> None:
    with SilentServer() as server:
        llm = silent_llm(server.url, read=0.4, total=5.0)
        started = time.monotonic()
        with pytest.raises(LLMTimeoutError) as caught:
            list(llm.stream_chat([{"role": "user", "content": "hello"}]))
        took = time.monotonic() - started
    assert server.connections == 2  # the timeout is retried once, never more
    assert took < 2.5
    message = str(caught.value)
    assert "timed out after 0.4 s" in message and "Cannot reach" not in message


def test_the_total_deadline_bounds_every_attempt() -> None:
    with SilentServer() as server:
        llm = silent_llm(server.url, read=30.0, total=0.8)
        started = time.monotonic()
        with pytest.raises(LLMTimeoutError, match=r"timed out after 0\.8 s"):
            list(llm.stream_chat([{"role": "user", "content": "hello"}]))
        took = time.monotonic() - started
        started = time.monotonic()
        with pytest.raises(LLMTimeoutError, match=r"timed out after 0\.8 s"):
            llm.complete([{"role": "user", "content": "hello"}])
        took_complete = time.monotonic() - started
    assert took < 1.5 and took_complete < 1.5


def test_cancel_returns_at_once_while_the_endpoint_is_silent() -> None:
    with SilentServer() as server:
        llm = silent_llm(server.url, read=30.0, total=30.0)
        cancel = threading.Event()
        threading.Timer(0.3, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(LLMCancelledError) as caught:
            list(llm.stream_chat([{"role": "user", "content": "hello"}], cancel=cancel))
        took = time.monotonic() - started
    assert took < 1.0
    assert caught.value.partial == ""


def test_a_refused_connection_is_retried_then_reported_unreachable() -> None:
    with SilentServer() as server:
        url = server.url  # closed when the block ends: nothing listens there afterwards
    sleeps: list[float] = []
    llm = silent_llm(url)
    llm._sleep = sleeps.append
    with pytest.raises(LLMUnreachableError, match="Cannot reach"):
        list(llm.stream_chat([{"role": "user", "content": "hello"}]))
    assert len(sleeps) == 3  # max_retries


# ---- malformed stream events ------------------------------------------------------------------
@pytest.mark.parametrize(
    "garbage",
    [b"data: {not json at all\n\n", b'data: {"id": "x", "choices": [{"delta": {"content": \n\n'],
    ids=["garbage", "half-object"],
)
def test_a_malformed_event_ends_the_stream_as_incomplete(garbage: bytes) -> None:
    import respx

    from tests.openai_sse import BASE_URL, sse_events

    body = sse_events(["The first ", "part."], finish=None, done=False) + garbage
    body += sse_events(["never shown"])
    with respx.mock(base_url=BASE_URL) as router:
        router.post("/chat/completions").mock(
            return_value=httpx.Response(
                200, headers={"content-type": "text/event-stream"}, content=body
            )
        )
        client = OpenAI(
            api_key="sk-test", base_url=BASE_URL, max_retries=0, http_client=httpx.Client()
        )  # type: ignore[arg-type]
        llm = LLMClient(client, "test-model", sleep=lambda s: None)
        pieces: list[str] = []
        with pytest.raises(IncompleteStreamError) as caught:
            for piece in llm.stream_chat([{"role": "user", "content": "q"}]):
                pieces.append(piece)
    assert pieces == ["The first ", "part."]
    assert caught.value.partial == "The first part."
    assert "malformed event" in str(caught.value) and "partial answer is kept" in str(caught.value)


def test_ask_keeps_and_stores_the_answer_before_a_malformed_event(
    run_cli, sample_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import shutil
    import sqlite3

    import respx

    from tests.openai_sse import BASE_URL, sse_events

    home = tmp_path / "lib"
    shutil.copytree(sample_library, home)
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-malformed-0000")
    body = sse_events(["NWPU-RESISC45 has ", "31,500 images [1]."], finish=None, done=False)
    body += b"data: {garbage\n\n"
    with respx.mock(base_url=BASE_URL) as router:
        router.post("/chat/completions").mock(
            return_value=httpx.Response(
                200, headers={"content-type": "text/event-stream"}, content=body
            )
        )
        result = run_cli("--data-dir", str(home), "ask", "How many images has NWPU-RESISC45?")
    assert result.code == 1
    assert "NWPU-RESISC45 has 31,500 images [1]." in result.out
    assert "malformed event" in result.err and "unexpected" not in result.err
    assert "--mode extractive" in result.err  # the offline answer is offered
    with sqlite3.connect(home / "conversations.sqlite") as db:
        (stored,) = [json.loads(row[0]) for row in db.execute("SELECT answer FROM turns")]
    assert stored["answer"] == "NWPU-RESISC45 has 31,500 images [1]." and not stored["complete"]


# ---- through the CLI: a silent Chroma server, a silent LLM endpoint ----------------------------
@pytest.mark.parametrize("command", [["papers"], ["search", "anything"], ["doctor"]])
def test_a_silent_chroma_server_fails_in_one_line(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("LITASSIST_CHROMA_TIMEOUT", "0.5")
    monkeypatch.setenv("LITASSIST_CONNECT_TIMEOUT", "0.5")
    with SilentServer() as server:
        started = time.monotonic()
        result = run_cli("--chroma-url", server.url, "--data-dir", str(tmp_path / "d"), *command)
        took = time.monotonic() - started
    assert result.code == 1
    assert took < 5
    assert result.err.count("\n") == 1 and "unexpected" not in result.err
    assert f"The Chroma server at {server.url}" in result.err
    assert re.search(r"did not answer \(timed out after 1 s\)", result.err)  # connect + read


def test_a_silent_llm_endpoint_fails_ask_with_the_offline_hint(
    run_cli, hashing_sample_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from tests.conftest import HashingEmbedder

    home = tmp_path / "lib"
    shutil.copytree(hashing_sample_library, home)
    with SilentServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", f"{server.url}/v1")
        monkeypatch.setenv("LITASSIST_TIMEOUT", "0.3")
        monkeypatch.setenv("LITASSIST_ANSWER_TIMEOUT", "2")
        monkeypatch.setattr(
            "assistant.wiring.make_embedder", lambda settings, client=None: HashingEmbedder()
        )
        started = time.monotonic()
        result = run_cli("--data-dir", str(home), "ask", "What is DataDAM?")
        took = time.monotonic() - started
    assert result.code == 1
    assert took < 10
    assert "timed out after" in result.err and "Cannot reach" not in result.err
    assert "litassist ask --mode extractive" in result.err
    assert "unexpected" not in result.err


def test_the_endpoint_status_says_it_is_failing(
    hashing_sample_library: Path, tmp_path: Path
) -> None:
    from assistant.errors import EndpointFailure
    from tests.tui_support import make_services

    with SilentServer() as server:
        app = make_services(
            hashing_sample_library,
            tmp_path / "work",
            openai_base_url=f"{server.url}/v1",
            answer_mode="llm",
            timeout=0.3,
            answer_timeout=1.0,
        )
        with app:
            assert app.answers.endpoint_status.ok is None
            with pytest.raises(EndpointFailure, match="timed out after"):
                list(app.answers.stream("What is DataDAM?"))
            status = app.answers.endpoint_status
    assert status.ok is False and "timed out after" in status.message


def test_without_a_total_deadline_the_stream_still_streams() -> None:
    import respx

    from tests.openai_sse import BASE_URL, sse_response

    with respx.mock(base_url=BASE_URL) as router:
        router.post("/chat/completions").mock(return_value=sse_response(["a ", "b."]))
        client = OpenAI(
            api_key="sk-test", base_url=BASE_URL, max_retries=0, http_client=httpx.Client()
        )  # type: ignore[arg-type]
        llm = LLMClient(client, "test-model", total_timeout=None)
        assert list(llm.stream_chat([{"role": "user", "content": "q"}])) == ["a ", "b."]
