"""The LLM client over the real `openai` client, HTTP mocked at the transport with respx:
streaming, retries with backoff and Retry-After, typed one-line errors, the key never shown."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from assistant.rag.llm import (
    IncompleteStreamError,
    LLMAuthError,
    LLMBadRequestError,
    LLMClient,
    LLMModelNotFoundError,
    LLMRateLimitError,
    LLMServerError,
    LLMTimeoutError,
    LLMUnreachableError,
)
from tests.openai_sse import (
    BASE_URL,
    MODEL,
    broken_sse_response,
    completion,
    error,
    make_client,
    sse_response,
)

KEY = "sk-test-secret-key-123456"
MESSAGES = [{"role": "user", "content": "hello"}]


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def llm(sleeps: Sleeps) -> LLMClient:
    return LLMClient(make_client(KEY), MODEL, max_retries=3, sleep=sleeps, jitter=lambda: 1.0)


@pytest.fixture
def router():
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


def test_streams_pieces_through_the_real_client(llm: LLMClient, router) -> None:
    route = router.post("/chat/completions").mock(
        return_value=sse_response(["Data", "DAM matches ", "attention maps [1]."])
    )
    assert list(llm.stream_chat(MESSAGES)) == ["Data", "DAM matches ", "attention maps [1]."]
    sent = json.loads(route.calls.last.request.content)
    assert sent["model"] == MODEL and sent["stream"] is True
    assert sent["messages"] == MESSAGES
    assert route.calls.last.request.headers["authorization"] == f"Bearer {KEY}"


def test_429_then_success_honours_retry_after(llm: LLMClient, router, sleeps: Sleeps) -> None:
    route = router.post("/chat/completions").mock(
        side_effect=[
            error(429, "slow down", headers={"retry-after": "2"}),
            error(429, "slow down", headers={"retry-after-ms": "250"}),
            sse_response(["ok"]),
        ]
    )
    assert "".join(llm.stream_chat(MESSAGES)) == "ok"
    assert route.call_count == 3
    assert sleeps == [2.0, 0.25]


def test_persistent_500_backs_off_exponentially_then_fails(
    llm: LLMClient, router, sleeps: Sleeps
) -> None:
    route = router.post("/chat/completions").mock(return_value=error(500, "boom"))
    with pytest.raises(LLMServerError) as caught:
        list(llm.stream_chat(MESSAGES))
    assert route.call_count == 4  # one try and three retries
    assert sleeps == [0.5, 1.0, 2.0]
    message = str(caught.value)
    assert "HTTP 500" in message and "after 4 attempts" in message and "\n" not in message


def test_backoff_has_jitter(router, sleeps: Sleeps) -> None:
    client = LLMClient(make_client(KEY), MODEL, max_retries=2, sleep=sleeps, jitter=lambda: 0.0)
    router.post("/chat/completions").mock(return_value=error(503, "busy"))
    with pytest.raises(LLMServerError):
        client.complete(MESSAGES)
    assert sleeps == [0.25, 0.5]  # half the ceiling at the lowest jitter


def test_rate_limited_after_retries(llm: LLMClient, router) -> None:
    router.post("/chat/completions").mock(return_value=error(429, "quota", code="rate_limit"))
    with pytest.raises(LLMRateLimitError, match="HTTP 429"):
        llm.complete(MESSAGES)


def test_retry_after_too_long_fails_at_once(llm: LLMClient, router, sleeps: Sleeps) -> None:
    route = router.post("/chat/completions").mock(
        return_value=error(429, "come back tomorrow", headers={"retry-after": "86400"})
    )
    with pytest.raises(LLMRateLimitError):
        llm.complete(MESSAGES)
    assert route.call_count == 1 and sleeps == []


def test_timeout_is_retried_once(llm: LLMClient, router, sleeps: Sleeps) -> None:
    route = router.post("/chat/completions").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(LLMTimeoutError, match=r"timed out after 60 s \(2 attempts\)"):
        list(llm.stream_chat(MESSAGES))
    assert route.call_count == 2 and len(sleeps) == 1


def test_unreachable_host_fails_without_retrying(llm: LLMClient, router, sleeps: Sleeps) -> None:
    route = router.post("/chat/completions").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(LLMUnreachableError, match="Cannot reach the LLM endpoint at http"):
        list(llm.stream_chat(MESSAGES))
    assert route.call_count == 1 and sleeps == []


def test_bad_key_is_one_line_without_the_key(llm: LLMClient, router) -> None:
    router.post("/chat/completions").mock(
        return_value=error(401, f"Incorrect API key provided: {KEY}", code="invalid_api_key")
    )
    with pytest.raises(LLMAuthError) as caught:
        list(llm.stream_chat(MESSAGES))
    message = str(caught.value)
    assert "OPENAI_API_KEY" in message
    assert KEY not in message and "secret" not in message


def test_server_message_echoing_the_key_is_scrubbed(llm: LLMClient, router) -> None:
    router.post("/chat/completions").mock(
        return_value=error(400, f"bad request from key {KEY} (also sk-otherkey99999999)")
    )
    with pytest.raises(LLMBadRequestError) as caught:
        llm.complete(MESSAGES)
    message = str(caught.value)
    assert KEY not in message and "sk-otherkey" not in message and "***" in message


def test_unknown_model(llm: LLMClient, router) -> None:
    router.post("/chat/completions").mock(
        return_value=error(404, f"The model `{MODEL}` does not exist", code="model_not_found")
    )
    with pytest.raises(LLMModelNotFoundError, match="LITASSIST_MODEL"):
        list(llm.stream_chat(MESSAGES))


def test_wrong_base_path_404(llm: LLMClient, router) -> None:
    router.post("/chat/completions").mock(return_value=httpx.Response(404, text="Not Found"))
    with pytest.raises(LLMModelNotFoundError, match="usually ends in /v1"):
        llm.complete(MESSAGES)


def test_stream_cut_off_keeps_the_partial_text(llm: LLMClient, router) -> None:
    route = router.post("/chat/completions").mock(
        return_value=broken_sse_response(["DataDAM ", "matches "])
    )
    received: list[str] = []
    with pytest.raises(IncompleteStreamError) as caught:
        for piece in llm.stream_chat(MESSAGES):
            received.append(piece)
    assert received == ["DataDAM ", "matches "]
    assert caught.value.partial == "DataDAM matches "
    assert "cut off" in str(caught.value)
    assert route.call_count == 1  # text was shown: no silent retry


def test_stream_ending_without_finish_is_incomplete(llm: LLMClient, router) -> None:
    router.post("/chat/completions").mock(
        return_value=sse_response(["half an ans"], finish=None, done=False)
    )
    with pytest.raises(IncompleteStreamError) as caught:
        list(llm.stream_chat(MESSAGES))
    assert caught.value.partial == "half an ans"


def test_token_limit_is_incomplete(llm: LLMClient, router) -> None:
    router.post("/chat/completions").mock(return_value=sse_response(["a b c"], finish="length"))
    with pytest.raises(IncompleteStreamError, match="token limit") as caught:
        list(llm.stream_chat(MESSAGES))
    assert caught.value.partial == "a b c"


def test_failure_before_any_text_is_retried_in_a_stream(
    llm: LLMClient, router, sleeps: Sleeps
) -> None:
    router.post("/chat/completions").mock(
        side_effect=[broken_sse_response([]), sse_response(["fine"])]
    )
    assert list(llm.stream_chat(MESSAGES)) == ["fine"]
    assert len(sleeps) == 1


def test_complete_with_json_schema(llm: LLMClient, router) -> None:
    route = router.post("/chat/completions").mock(return_value=completion('{"ok": true}'))
    schema = {"title": "verdict", "type": "object", "properties": {"ok": {"type": "boolean"}}}
    assert llm.complete(MESSAGES, json_schema=schema) == '{"ok": true}'
    sent = json.loads(route.calls.last.request.content)
    assert sent["stream"] is False
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == schema


def test_model_refusing_temperature_is_asked_again_without_it(llm: LLMClient, router) -> None:
    route = router.post("/chat/completions").mock(
        side_effect=[
            error(400, "Unsupported value: 'temperature' does not support 0.2"),
            completion("done"),
        ]
    )
    assert llm.complete(MESSAGES) == "done"
    first, second = (json.loads(call.request.content) for call in route.calls)
    assert "temperature" in first and "temperature" not in second


def test_endpoint_hides_credentials_in_the_url() -> None:
    from openai import OpenAI

    client = LLMClient(OpenAI(api_key="x", base_url="http://user:pw@llm.test/v1"), MODEL)
    assert client.endpoint == "http://llm.test/v1"
