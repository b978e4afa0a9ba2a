"""Start `litassist` (with the fast test embedder) as a real child process, and watch its
progress from outside through the catalog, as another process on the machine would."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ROOT

CHILD_TIMEOUT = 120.0


def child_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LITASSIST_", "OPENAI_"))
    }
    env.update(ANONYMIZED_TELEMETRY="False", ORT_DISABLE_TELEMETRY="1", PYTHONPATH=str(ROOT))
    for name in ("LITASSIST_CONFIG", "LITASSIST_CACHE_DIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(extra)
    return env


def litassist_args(data_dir: Path, chroma_url: str | None, *args: str) -> list[str]:
    base = [sys.executable, "-m", "tests.cli_child", "--data-dir", str(data_dir)]
    if chroma_url:
        base += ["--chroma-url", chroma_url]
    return [*base, *args]


def start(
    data_dir: Path, chroma_url: str | None, *args: str, delay: float = 0.0, **popen: object
) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload]
        litassist_args(data_dir, chroma_url, *args),
        cwd=ROOT,
        env=child_env(LITASSIST_TEST_EMBED_DELAY=str(delay)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def run(
    data_dir: Path, chroma_url: str | None, *args: str, **popen: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload]
        litassist_args(data_dir, chroma_url, *args),
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        **popen,
    )


def run_json(data_dir: Path, chroma_url: str | None, *args: str) -> tuple[int, dict]:
    result = run(data_dir, chroma_url, *args, "--json")
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


Progress = Callable[[], tuple[int, int]]


def catalog_progress(data_dir: Path, chroma_url: str | None) -> Progress:
    """(papers staged, papers indexed) as another process sees them right now."""
    if chroma_url:
        return _server_progress(chroma_url)
    path = data_dir / "library.sqlite"

    def embedded() -> tuple[int, int]:
        if not path.exists():
            return 0, 0
        try:
            with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5) as db:
                staged, indexed = db.execute(
                    "SELECT COUNT(*), COALESCE(SUM(indexed_hash IS content_hash), 0) FROM papers"
                ).fetchone()
            return int(staged), int(indexed)
        except sqlite3.Error:  # not created yet
            return 0, 0

    return embedded


def _server_progress(url: str) -> Progress:
    import chromadb
    from chromadb.config import Settings

    port = int(url.rsplit(":", 1)[1])
    client = chromadb.HttpClient(
        host="127.0.0.1", port=port, settings=Settings(anonymized_telemetry=False)
    )

    def server() -> tuple[int, int]:
        try:
            collection = client.get_collection("litassist_papers")
        except Exception:  # not created yet
            return 0, 0
        staged = collection.count()
        pending = len(collection.get(where={"pending": True}, include=[])["ids"])
        return staged, staged - pending

    return server


def wait_for(
    condition: Callable[[], bool], process: subprocess.Popen[str], timeout: float = 180.0
) -> bool:
    """Poll until `condition()` holds; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.02)
    raise AssertionError("the child process never reached the expected point")


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL: no cleanup handler, no atexit, no flush; exactly like a crash."""
    process.kill()
    process.communicate(timeout=30)
