"""Run several `litassist` commands in one child process, each as a user would run it.

`python -m tests.cli_session '<json list of argument lists>'` runs each command through the
real entry point (`assistant.cli.main`, error boundary included) with the fast
`HashingEmbedder`, forgetting chromadb's cached clients between commands so each opens the
store afresh, and prints one JSON line per command as it finishes:
`{"args": [...], "code": N, "out": "...", "err": "..."}`.  Importing litassist and chromadb
once instead of once per command keeps fault-injection tests fast; a command that crashes the
process (SIGSEGV) ends the session, and the lines printed so far say which one it was.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import time
from dataclasses import dataclass

import assistant.wiring
from tests.conftest import ROOT, HashingEmbedder

SESSION_TIMEOUT = 300.0


@dataclass(frozen=True)
class Ran:
    args: list[str]
    code: int
    out: str
    err: str
    seconds: float = 0.0

    def json(self) -> object:
        return json.loads(self.out)


def run_session(*commands: list[str]) -> list[Ran]:
    """Run the commands in one child process; asserts it did not crash."""
    from tests.child_process import child_env

    done = subprocess.run(
        [sys.executable, "-m", "tests.cli_session", json.dumps(list(commands))],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=SESSION_TIMEOUT,
        check=False,
    )
    results = [Ran(**json.loads(line)) for line in done.stdout.splitlines() if line.strip()]
    assert done.returncode == 0 and len(results) == len(commands), (
        f"the session ended with {done.returncode} after {len(results)} of {len(commands)} "
        f"commands (the next: {commands[len(results)] if len(results) < len(commands) else '-'})"
        f"; stderr: {done.stderr[-2000:]}"
    )
    return results


def run_one(args: list[str]) -> dict[str, object]:
    from assistant.cli import main
    from assistant.store.vectors import forget_embedded_clients

    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
    forget_embedded_clients()
    return {
        "args": args,
        "code": code,
        "out": out.getvalue(),
        "err": err.getvalue(),
        "seconds": round(time.monotonic() - started, 3),
    }


def main() -> None:
    embedder = HashingEmbedder()
    assistant.wiring.make_embedder = lambda settings: embedder  # type: ignore[assignment]
    for args in json.loads(sys.argv[1]):
        sys.__stdout__.write(json.dumps(run_one(args)) + "\n")
        sys.__stdout__.flush()


if __name__ == "__main__":
    main()
