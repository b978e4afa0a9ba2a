"""Opening the embedded vector index only once its segment files are known to work.

Chroma's native code crashes the process (SIGSEGV, exit 139, no message) when an HNSW segment
file holds garbage, and silently serves a partial index when a segment folder is deleted or
`data_level0.bin` is cut short.  Neither can be caught in-process, so:

- after every successful write of vectors, and after every probe, the library records a
  *fingerprint* of the segment files (name, size and mtime of every file in
  `chroma/<uuid>/`) in `<data>/.vector-index.verified`, with what the probe found;
- before a process first uses the index, `VectorGuard.verify` compares the files with that
  record: a few `stat` calls, the only cost a healthy library pays;
- when they differ (another program touched them, a crash, a copy, a library from an older
  litassist), a child process probes the index first (`vector_probe.py`: open, count, and query
  a sample of the catalog's kept vectors, each of which must find itself).  A crash or a
  failed check there is reported as one line naming `litassist doctor --repair`; the parent
  never loads the damaged segment.

`litassist doctor` always probes, whatever the fingerprint says.  Chroma's `chroma.sqlite3` is
not fingerprinted: Chroma writes it even to read, and damage there raises ordinary errors.
Server mode needs none of this: a damaged segment on the server crashes the server, not us.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import LibraryCorruptError

FINGERPRINT_FILE = ".vector-index.verified"
COLLECTION = "litassist_chunks"  # vectors.COLLECTION, spelled here to keep chromadb unloaded
SAMPLE = 32
PROBE_SECONDS = 120.0
# Share of the sampled vectors that must find themselves.  HNSW is approximate, so a healthy
# index may very rarely miss one; a deleted or half-cut segment misses most of them.
MIN_FOUND = 0.9


@dataclass(frozen=True)
class ProbeResult:
    problem: str | None  # None: the index works
    vectors: int | None = None
    sampled: int = 0
    found: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def segment_fingerprint(chroma_dir: Path) -> str | None:
    """A digest of every file in the segment folders; None when there are none.

    No inode in it: a data folder copied with its times (`cp -a`) holds the same index."""
    entries: list[tuple[str, str, int, int]] = []
    try:
        folders = [e for e in os.scandir(chroma_dir) if e.is_dir(follow_symlinks=False)]
        for folder in folders:
            for item in os.scandir(folder.path):
                info = item.stat(follow_symlinks=False)
                entries.append((folder.name, item.name, info.st_size, info.st_mtime_ns))
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"unreadable:{exc.errno}"  # never equal to a record: the probe will say why
    if not entries:
        return None
    # Chroma's own database changes with every read, so only its presence counts: without
    # it the segments belong to no collection.
    entries.append(("", "chroma.sqlite3", int((chroma_dir / "chroma.sqlite3").exists()), 0))
    return hashlib.blake2b(json.dumps(sorted(entries)).encode(), digest_size=16).hexdigest()


def probe(
    chroma_dir: Path,
    catalog: Path | None,
    *,
    collection: str = COLLECTION,
    sample: int = SAMPLE,
    timeout: float = PROBE_SECONDS,
) -> ProbeResult:
    """Use the index in a child process and judge what it reports (never raises)."""
    args = [
        sys.executable,
        "-m",
        "assistant.store.vector_probe",
        str(chroma_dir),
        str(catalog or ""),
        collection,
        str(sample),
    ]
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    try:
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return ProbeResult(f"reading it did not finish within {timeout:.0f} s")
    except OSError as exc:
        return ProbeResult(f"the probe could not start ({exc.strerror or exc})")
    if done.returncode < 0:
        try:
            name = signal.Signals(-done.returncode).name
        except ValueError:
            name = f"signal {-done.returncode}"
        return ProbeResult(f"reading it crashed Chroma's native code ({name})")
    try:
        report = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return ProbeResult(f"the probe failed ({last})")
    if "error" in report:
        return ProbeResult(f"Chroma cannot read it ({report['error']})")
    vectors, sampled, found = int(report["vectors"]), int(report["sampled"]), int(report["found"])
    if sampled and found < MIN_FOUND * sampled:
        return ProbeResult(
            f"only {found} of {sampled} sampled vectors find themselves in it: "
            "segment files are missing or cut short",
            vectors,
            sampled,
            found,
        )
    return ProbeResult(None, vectors, sampled, found)


class VectorGuard:
    """The fingerprint record and probe of one data folder's embedded vector index.

    The record also remembers a failed probe, so every later command on the same damaged
    files fails at once instead of probing again.
    """

    def __init__(self, data_dir: Path, chroma_dir: Path, catalog: Path | None) -> None:
        self.chroma_dir = chroma_dir
        self.catalog = catalog
        self.record_path = data_dir / FINGERPRINT_FILE

    def _read(self) -> tuple[str | None, str | None]:
        """(recorded fingerprint, the problem a probe found with those files, if any)."""
        try:
            state = json.loads(self.record_path.read_text(encoding="utf-8"))
            problem = state.get("problem")
            return state["segments"], problem if isinstance(problem, str) else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return "unrecorded", None  # missing or damaged: the next use probes

    def recorded(self) -> str | None:
        return self._read()[0]

    def record(self, problem: str | None = None) -> None:
        """Note the segment files as they are now: working, or damaged with `problem`."""
        state = {"segments": segment_fingerprint(self.chroma_dir), "problem": problem}
        temporary = self.record_path.with_name(f"{self.record_path.name}.{os.getpid()}.tmp")
        # A read-only or full data folder only costs a probe next time.
        with contextlib.suppress(OSError):
            temporary.write_text(json.dumps(state), encoding="utf-8")
            os.replace(temporary, self.record_path)

    def changed(self, has_indexed: Callable[[], bool]) -> bool:
        """Whether the segment files differ from the last ones seen working."""
        current = segment_fingerprint(self.chroma_dir)
        recorded, problem = self._read()
        if current == recorded:
            return problem is not None
        # Nothing on disk and nothing recorded: a new library, unless the catalog says papers
        # were indexed (then the segments were deleted).
        return not (current is None and recorded == "unrecorded" and not has_indexed())

    def probe(self) -> ProbeResult:
        """Probe the index now, unless a probe already found these very files damaged (a
        failed probe can take seconds: Chroma retries loading a broken segment)."""
        recorded, problem = self._read()
        if problem is not None and recorded == segment_fingerprint(self.chroma_dir):
            return ProbeResult(problem)
        result = probe(self.chroma_dir, self.catalog)
        self.record(result.problem)
        return result

    def verify(self, has_indexed: Callable[[], bool]) -> None:
        """Raise `LibraryCorruptError` (one line) if the index changed and does not work."""
        current = segment_fingerprint(self.chroma_dir)
        recorded, problem = self._read()
        if current == recorded and problem is not None:
            raise LibraryCorruptError(damaged_message(self.chroma_dir, problem))
        if not self.changed(has_indexed):
            return
        result = probe(self.chroma_dir, self.catalog)
        self.record(result.problem)
        if not result.ok:
            raise LibraryCorruptError(damaged_message(self.chroma_dir, result.problem or ""))


def damaged_message(chroma_dir: Path, problem: str) -> str:
    return (
        f"The vector index in {chroma_dir} is damaged ({problem}); "
        "run `litassist doctor --repair` to rebuild it."
    )
