"""Helpers for tests that mock an OpenAI-compatible endpoint with respx: real chunk JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import httpx

BASE_URL = "http://llm.test/v1"
MODEL = "test-model"


def chunk(content: str | None = None, finish: str | None = None, *, role: bool = False) -> dict:
    delta: dict = {}
    if role:
        delta["role"] = "assistant"
    if content is not None:
        delta["content"] = content
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def sse_events(pieces: Sequence[str], *, finish: str | None = "stop", done: bool = True) -> bytes:
    """An SSE body streaming `pieces`, then a chunk with `finish`, then `[DONE]`."""
    events = [chunk("", role=True)] + [chunk(piece) for piece in pieces]
    if finish is not None:
        events.append(chunk(finish=finish))
    body = "".join(f"data: {json.dumps(event)}\n\n" for event in events)
    if done:
        body += "data: [DONE]\n\n"
    return body.encode()


def sse_response(pieces: Sequence[str], **options) -> httpx.Response:
    return httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=sse_events(pieces, **options)
    )


def broken_sse_response(pieces: Sequence[str]) -> httpx.Response:
    """A stream that sends `pieces`, then the connection drops (httpx.ReadError mid-body)."""

    def body() -> Iterator[bytes]:
        yield sse_events(pieces, finish=None, done=False)
        raise httpx.ReadError("connection reset by peer")

    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body())


def completion(content: str) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 1700000000,
            "model": MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        },
    )


def error(status: int, message: str, *, code: str | None = None, headers=None) -> httpx.Response:
    return httpx.Response(
        status,
        headers=headers or {},
        json={"error": {"message": message, "type": "error", "code": code}},
    )


def is_streaming(request: httpx.Request) -> bool:
    return bool(json.loads(request.content).get("stream"))


def make_client(api_key: str = "sk-test-secret-key-123456", **options):
    """The real openai client against BASE_URL, built as litassist builds it."""
    from assistant.settings import Settings
    from assistant.wiring import make_openai_client

    return make_openai_client(
        Settings(openai_base_url=BASE_URL, openai_api_key=api_key, model=MODEL, **options)
    )
