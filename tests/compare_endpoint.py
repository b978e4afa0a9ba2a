"""A fake OpenAI-compatible endpoint that answers comparison requests, for respx.

It reads the comparison prompt the way a model would (paper labels, each paper's source
numbers and passages, the aspects) and replies with a valid JSON table whose cells quote the
first sentence of the paper's first source.  Tests script what comes back, request by request
(`replies`): a callable building the reply from the parsed prompt, a raw string, or an
`httpx.Response`.  With `reject_schema` it refuses `response_format` with HTTP 400, as older
local servers do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import respx

from tests.fake_llm import first_sentence, prompt_sources
from tests.openai_sse import BASE_URL, completion, error

_PAPER_LINE = re.compile(r"^(P\d+), its sources: (.*)$", re.MULTILINE)
_ASPECT_LINE = re.compile(r"^- ([a-z0-9_]+): ", re.MULTILINE)


@dataclass
class Prompt:
    papers: dict[str, list[int]]  # label -> source numbers
    passages: dict[int, str]
    aspects: list[str]

    def table(self, synthesis: str | None = None) -> dict:
        """A valid reply: every cell quotes its paper's first source; a cited synthesis."""
        papers = {}
        for label, numbers in self.papers.items():
            if not numbers:  # a paper without an abstract states nothing
                papers[label] = {
                    name: {"stated": False, "text": "not stated", "sources": []}
                    for name in self.aspects
                }
                continue
            first = numbers[0]
            text = first_sentence(self.passages[first])
            papers[label] = {
                name: {"stated": True, "text": text, "sources": [first]} for name in self.aspects
            }
        if synthesis is None:
            parts = [
                f"{first_sentence(self.passages[numbers[0]])} [{numbers[0]}]."
                for numbers in [n for n in self.papers.values() if n][:2]
            ]
            synthesis = " ".join(parts)
        return {"papers": papers, "synthesis": synthesis}


def parse_prompt(body: dict) -> Prompt:
    text = "\n".join(m.get("content", "") for m in body.get("messages", []))
    papers = {
        label: [int(n) for n in re.findall(r"\[(\d+)\]", numbers)]
        for label, numbers in _PAPER_LINE.findall(text)
    }
    aspects_part = text.split("Aspects to compare:", 1)[1].split("\n\n", 1)[0]
    return Prompt(papers, prompt_sources(body), _ASPECT_LINE.findall(aspects_part))


Reply = Callable[[Prompt], object] | str | httpx.Response


class FakeCompareEndpoint:
    def __init__(self, base_url: str = BASE_URL) -> None:
        self.base_url = base_url
        self.requests: list[dict] = []
        self.replies: list[Reply] = []  # consumed one per request; then valid tables
        self.reject_schema = False

    def install(self, router: respx.MockRouter) -> None:
        router.post(f"{self.base_url}/chat/completions").mock(side_effect=self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        if self.reject_schema and "response_format" in body:
            return error(400, "response_format is not supported by this server")
        reply: Reply = self.replies.pop(0) if self.replies else (lambda p: p.table())
        if isinstance(reply, httpx.Response):
            return reply
        if callable(reply):
            value = reply(parse_prompt(body))
            return completion(value if isinstance(value, str) else json.dumps(value))
        return completion(reply)
