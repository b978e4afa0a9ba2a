"""Terminal UI start-up: from launching the process to the first painted chat screen.

    .venv/bin/python benchmarks/tui_startup.py [--runs 9] [--data-dir .sample-library]

Each run starts a fresh Python process (imports included) that runs the real app headless
(Textual's headless driver renders everything but writes nothing to a terminal) at 120x40 on
the sample library, in offline mode.  The child prints the wall-clock time of the first refresh
of the chat screen and of the moment the library is open and counted (done in a worker after
the first paint); the parent subtracts its own launch time.  The sample library is built in
`.sample-library/` (what `make chat` uses) when missing.  Goal: first paint under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "vision-datasets-papers.txt"
DEFAULT_DATA = ROOT / ".sample-library"


def child(data_dir: Path) -> None:
    """Run the app until the chat is painted and the library counted; print the times."""
    from textual.pilot import Pilot

    from assistant.app import Litassist
    from assistant.settings import load_settings
    from assistant.tui.app import LitassistApp

    app = LitassistApp(Litassist(load_settings(data_dir=data_dir)), warm_up=False)
    times: dict[str, float] = {}

    async def measure(pilot: Pilot) -> None:
        painted = asyncio.Event()
        app.chat.call_after_refresh(painted.set)
        await painted.wait()
        times["painted"] = time.time()
        while app.paper_count is None and not app.library_note.startswith("no library"):
            await asyncio.sleep(0.005)
        times["library"] = time.time()
        times["papers"] = float(app.paper_count or 0)
        app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=measure)
    print(json.dumps(times))


def ensure_library(data_dir: Path) -> None:
    if (data_dir / "library.sqlite").exists():
        return
    print(f"building the sample library in {data_dir} …", file=sys.stderr)
    exe = Path(sys.executable).with_name("litassist")
    env = {**os.environ, "LITASSIST_HOME": str(data_dir)}
    subprocess.run([str(exe), "ingest", str(SAMPLE)], check=True, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.data_dir)
        return

    ensure_library(args.data_dir)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LITASSIST_", "OPENAI_"))
    }
    env.update(ORT_DISABLE_TELEMETRY="1", ANONYMIZED_TELEMETRY="False")
    paint, ready = [], []
    papers = 0.0
    for _ in range(args.runs):
        start = time.time()
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--data-dir", str(args.data_dir)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        )
        times = json.loads(done.stdout.strip().splitlines()[-1])
        paint.append(times["painted"] - start)
        ready.append(times["library"] - start)
        papers = times["papers"]
    print(
        f"TUI launch to first painted chat screen ({args.runs} runs, 120x40, headless): "
        f"median {statistics.median(paint) * 1000:.0f} ms, "
        f"min {min(paint) * 1000:.0f} ms, max {max(paint) * 1000:.0f} ms"
    )
    print(
        f"launch to library open and counted ({papers:.0f} papers, in a worker): "
        f"median {statistics.median(ready) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
