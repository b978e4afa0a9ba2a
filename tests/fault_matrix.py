"""Damage each file of a data folder in turn and run litassist on it: the child side.

`python -m tests.fault_matrix SPEC.json` reads `{"pristine": dir, "work": dir, "cases":
[[relative path, damage], ...], "before": [...], "after": [...]}`; for each case it copies the
pristine data folder (times kept, as `cp -a` does), damages the one file (`tests.damage`),
runs the `before` commands, `doctor --repair --json`, then the `after` commands, each through
the real entry point in this process (`tests.cli_session.run_one`: the HashingEmbedder,
chromadb's clients forgotten between commands), and prints one JSON line per case.  One
process for every case keeps the import cost to one; a command that crashed would end it, and
the cases printed so far say where.  `{data}` in a command is the case's data folder.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import assistant.wiring
from tests.cli_session import run_one
from tests.conftest import HashingEmbedder
from tests.damage import DAMAGE


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    embedder = HashingEmbedder()
    assistant.wiring.make_embedder = lambda settings: embedder  # type: ignore[assignment]
    pristine, work = Path(spec["pristine"]), Path(spec["work"])
    for number, (relative, damage) in enumerate(spec["cases"]):
        started = time.monotonic()
        data = work / f"case-{number}"
        shutil.copytree(pristine, data, symlinks=True)
        DAMAGE[damage](data / relative)

        def run(commands: list[list[str]], data: Path = data) -> list[dict[str, object]]:
            return [run_one([arg.replace("{data}", str(data)) for arg in c]) for c in commands]

        before = run(spec["before"])
        repaired = run([["--data-dir", "{data}", "doctor", "--repair", "--json"]])[0]
        after = run(spec["after"])
        line = {"file": relative, "damage": damage, "before": before, "repair": repaired}
        line["after"] = after
        line["seconds"] = round(time.monotonic() - started, 2)
        sys.__stdout__.write(json.dumps(line) + "\n")
        sys.__stdout__.flush()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
