"""A fake OpenAI-compatible chat endpoint for respx: the real `openai` client talks to it.

Streaming requests get Server-Sent Events that build an answer from the sources found in the
prompt (so its citations really point at what the sources say, plus one claim no source makes);
non-streaming ones (the follow-up rewrite) get a JSON completion.  A test can make the next
requests fail with HTTP 500, or hold a stream after a few pieces until it releases `gate`.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator

import httpx
import respx

from tests.openai_sse import BASE_URL, completion, error, sse_events, sse_response

__all__ = ["BASE_URL", "UNSUPPORTED_CLAIM", "FakeChatEndpoint"]

UNSUPPORTED_CLAIM = "It also reports 97.3% accuracy on Mars [1]."
_SOURCE_BLOCK = re.compile(r'<(source-[0-9a-f]+) number="(\d+)"[^>]*>\n(.*?)\n</\1>', re.DOTALL)


def prompt_sources(body: dict) -> dict[int, str]:
    """The numbered source passages of an answer prompt."""
    text = "\n".join(m.get("content", "") for m in body.get("messages", []))
    return {int(n): passage for _, n, passage in _SOURCE_BLOCK.findall(text)}


def first_sentence(text: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]
    return sentence.rstrip(".!? ")


def quoting_answer(sources: dict[int, str]) -> str:
    """Cites the first sentence of sources 1 and 2 (supported), then a claim none makes."""
    parts = [f"{first_sentence(sources[n])} [{n}]." for n in sorted(sources)[:2]]
    return " ".join([*parts, UNSUPPORTED_CLAIM])


def pieces_of(text: str, words: int = 4) -> list[str]:
    tokens = re.findall(r"\S+\s*", text)
    return ["".join(tokens[i : i + words]) for i in range(0, len(tokens), words)]


class FakeChatEndpoint:
    """Install on a respx router with `install`; inspect `requests` afterwards."""

    def __init__(self, base_url: str = BASE_URL) -> None:
        self.base_url = base_url
        self.requests: list[dict] = []
        self.failures = 0  # the next N requests answer HTTP 500
        self.gate: threading.Event | None = None  # hold streams after `hold_after` pieces
        self.hold_after = 2
        self.held = threading.Event()  # set once a stream is being held
        self.answer: Callable[[dict[int, str]], str] = quoting_answer
        self.rewrite = "standalone follow-up question"

    def install(self, router: respx.MockRouter) -> None:
        router.post(f"{self.base_url}/chat/completions").mock(side_effect=self)

    @property
    def streamed_requests(self) -> list[dict]:
        return [r for r in self.requests if r.get("stream")]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        if self.failures:
            self.failures -= 1
            return error(500, "upstream exploded")
        if not body.get("stream"):
            return completion(self.rewrite)
        pieces = pieces_of(self.answer(prompt_sources(body)))
        if self.gate is None:
            return sse_response(pieces)
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, headers=headers, content=self._held_stream(pieces))

    def _held_stream(self, pieces: list[str]) -> Iterator[bytes]:
        """The pieces as SSE events, one by one, waiting for `gate` after `hold_after` of them."""
        assert self.gate is not None
        yield sse_events(pieces[: self.hold_after], finish=None, done=False)
        self.held.set()
        self.gate.wait(timeout=30)
        yield sse_events(pieces[self.hold_after :])
