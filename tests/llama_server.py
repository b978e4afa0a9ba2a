"""A llama.cpp server (llama-cpp-python's `llama_cpp.server`) on 127.0.0.1, started as a child
process and stopped by its PID: for the LLM tests and the LLM-mode benchmarks alike.

It lives beside `chroma_server.py` because both tests and `benchmarks/` import from `tests/`
(the benchmarks put the repository root on `sys.path`); it imports nothing of the test suite,
so a benchmark does not pull pytest.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.chroma_server import free_port

LOG_TAIL = 2000  # characters of the server's log shown when it fails


class LlamaServerError(RuntimeError):
    """The server exited or did not answer in time; the message carries its log's tail."""


@contextmanager
def llama_server(
    model: Path,
    alias: str,
    log: Path,
    *,
    n_ctx: int,
    threads: int = 2,
    chat_format: str | None = None,
    startup_seconds: float,
) -> Iterator[str]:
    """The server on a free local port for the duration, its output in `log`: yields its /v1
    base URL once `/v1/models` answers.  `chat_format` (e.g. "gemma") for a model without a
    chat template of its own.

    Raises:
        LlamaServerError: it exited early or was not up within `startup_seconds`.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", alias,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(n_ctx),  # memory grows ~1 MB per context token
        "--n_threads", str(threads), "--verbose", "False",
    ]  # fmt: skip
    if chat_format is not None:
        command += ["--chat_format", chat_format]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + startup_seconds
        while True:
            if process.poll() is not None:
                raise LlamaServerError(f"llama.cpp server exited early:\n{_tail(log)}")
            try:
                if httpx.get(f"{base}/models", timeout=2.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise LlamaServerError(
                    f"llama.cpp server not up in {startup_seconds:g} s (log {log}):\n{_tail(log)}"
                )
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()  # our own child, by its PID
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-LOG_TAIL:]
