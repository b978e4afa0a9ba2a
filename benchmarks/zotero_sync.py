"""Zotero sync: read a generated 5,000-item Zotero database, plan re-syncs, and sync it into a
library end to end (`litassist sync zotero`), against ingesting the same papers from a file.

    .venv/bin/python benchmarks/zotero_sync.py [--items 5000] [--changed 20] [--repeat 3]
                                              [--embedder local|hashing] [--skip-full]

The database is built with Zotero's own schema (tests/zotero_db.py) and a realistic mix: every
item has 3 creators, 5 to 7 fields (title, abstract, date, venue, DOI or none, Extra with a
citation key for a third), 2 tags and one collection of a two-level tree; a third have a PDF
attachment and a tenth a note; 1% are in the trash.  Timed (best of `--repeat`):

* the first read, and planning the first sync (every item new);
* a re-sync with nothing changed: read + plan (goal: under a second), as a sync reads (items
  whose stamp is unchanged are not rebuilt) and with every item rebuilt and fingerprinted;
* a re-sync after `--changed` items were edited and one deleted: read + plan;
* the same read while another connection holds Zotero's exclusive lock (snapshot copy path).

Then the whole sync through the application layer (`app.zotero.sync`: read, plan, chunk,
embed, store in the catalog, Chroma and the BM25 index), with the local embedder by default:

* the first sync (5,000 new papers), and for comparison `app.library.ingest` of the same
  papers from a JSONL file into another library: the two should run at the embedder's speed;
* a re-sync with nothing changed (goal: under a second);
* a re-sync after `--changed` items were edited (titles, so their papers are replaced and
  re-embedded) and one deleted (goal: seconds).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.zotero import SyncPlan, plan_sync, read_zotero  # noqa: E402
from tests.conftest import HashingEmbedder  # noqa: E402
from tests.zotero_db import ZoteroDb  # noqa: E402

T = TypeVar("T")

WORDS = [
    "learning",
    "deep",
    "neural",
    "dataset",
    "vision",
    "image",
    "transformer",
    "distillation",
    "robust",
    "scalable",
    "benchmark",
    "attention",
    "self",
    "supervised",
    "contrastive",
    "segmentation",
    "detection",
    "efficient",
    "graph",
    "diffusion",
    "generative",
    "representation",
    "adversarial",
    "few",
    "shot",
    "retrieval",
    "multimodal",
]


def build(path: Path, items: int, seed: int = 7) -> tuple[ZoteroDb, list[int]]:
    rng = random.Random(seed)
    db = ZoteroDb(path)
    ids: list[int] = []
    with db.transaction():
        tops = [db.add_collection(f"Topic {n}") for n in range(10)]
        leaves = [db.add_collection(f"Sub {n}", parent=tops[n % 10]) for n in range(40)]
        for n in range(items):
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
            fields = {
                "title": f"{title} {n}",
                "abstractNote": " ".join(rng.choice(WORDS) for _ in range(120)),
                "date": f"{rng.randint(1995, 2025)}-0{rng.randint(1, 9)}-00",
                "publicationTitle": f"Journal of {rng.choice(WORDS).capitalize()}",
            }
            if n % 2:
                fields["DOI"] = f"10.{1000 + n % 9000}/bench.{n}"
            if n % 3 == 0:
                fields["extra"] = f"Citation Key: key{n}"
            creators = [
                (f"First{n}-{k}", f"Last{rng.randint(0, 2000)}", "author") for k in range(3)
            ]
            item = db.add_item(
                fields,
                creators=creators,
                tags=[rng.choice(WORDS), rng.choice(WORDS)],
                collections=[rng.choice(leaves)],
            )
            ids.append(item)
            if n % 3 == 0:
                db.add_attachment(item)
            if n % 10 == 0:
                db.add_note(item)
            if n % 100 == 99:
                db.trash(item)
    return db, ids


class Timing:
    """Best wall-clock and CPU seconds of several runs (CPU time is what a busy shared machine
    distorts least)."""

    def __init__(self, wall: float, cpu: float) -> None:
        self.wall, self.cpu = wall, cpu

    def __format__(self, spec: str) -> str:
        return f"{self.wall:.3f} s wall, {self.cpu:.3f} s CPU"


def best_of(repeat: int, fn: Callable[[], T]) -> tuple[Timing, T]:
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(max(1, repeat)):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return Timing(min(walls), min(cpus)), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--changed", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--embedder", choices=["local", "hashing"], default="local")
    parser.add_argument("--skip-full", action="store_true", help="Only the read and the plans.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "zotero.sqlite"
        start = time.perf_counter()
        db, ids = build(database, args.items)
        print(
            f"built {args.items} items in {time.perf_counter() - start:.1f} s, "
            f"{database.stat().st_size / 2**20:.1f} MB"
        )

        seconds, read = best_of(args.repeat, lambda: read_zotero(folder))
        print(f"read: {seconds}  ({read.summary()})")
        seconds, first = best_of(args.repeat, lambda: plan_sync([], read.items))
        print(f"plan first sync: {seconds}  ({first.summary()})")
        state = first.next_state
        known = {s.ref: s.stamp for s in state if s.stamp}

        def resync() -> SyncPlan:
            again = read_zotero(folder, known=known)  # as `app.zotero.sync` reads
            return plan_sync(state, again.items, [u.ref for u in again.unchanged])

        seconds, plan = best_of(args.repeat, resync)
        print(f"re-sync, nothing changed (read + plan): {seconds}  ({plan.summary()})")
        seconds, plan = best_of(args.repeat, lambda: plan_sync(state, read_zotero(folder).items))
        print(f"  the same, every item rebuilt and fingerprinted: {seconds}")

        with db.transaction():
            live = [i for n, i in enumerate(ids) if n % 100 != 99]
            for item in random.Random(1).sample(live, args.changed):
                db.set_field(item, "title", f"Edited title {item}")
            db.delete(live[-1])
        seconds, plan = best_of(args.repeat, resync)
        print(
            f"re-sync, {args.changed} changed + 1 deleted (read + plan): {seconds}  "
            f"({plan.summary()})"
        )

        db.conn.execute("PRAGMA main.locking_mode=EXCLUSIVE")
        with db.transaction():
            db.touch(ids[0])  # the first write takes the lock and keeps it, as Zotero's does
        seconds, read = best_of(args.repeat, lambda: read_zotero(folder))
        print(
            f"read while Zotero holds its lock (snapshot copy): {seconds}  "
            f"({len(read.items)} items)"
        )
        db.close()
        if not args.skip_full:
            full_sync(args, Path(folder))


def full_sync(args: argparse.Namespace, folder: Path) -> None:
    """`app.zotero.sync` on a fresh copy of the database, and ingest of the same papers."""
    import json
    import shutil

    from assistant.app import Litassist
    from assistant.settings import Settings
    from assistant.store.library import Library
    from assistant.wiring import make_embedder

    zotero = folder / "fresh"
    zotero.mkdir()
    db, ids = build(zotero / "zotero.sqlite", args.items)
    settings = Settings(data_dir=folder / "lib", zotero_dir=zotero, embedder="local")
    embedder = HashingEmbedder() if args.embedder == "hashing" else make_embedder(settings)
    embedder.embed_query("warm up")  # the model loaded before the clock starts

    def app_for(data: Path) -> Litassist:
        def open_library(s: Settings, create: bool) -> Library:
            return Library.open(s.data_dir, embedder, create=create)

        return Litassist(Settings(data_dir=data, zotero_dir=zotero), open_library=open_library)

    print(f"full sync with the {args.embedder} embedder ({embedder.name}):")
    with app_for(folder / "lib") as app:
        start = time.perf_counter()
        result = app.zotero.sync()
        first = time.perf_counter() - start
        print(
            f"  first sync: {first:.1f} s, {result.added / first:.0f} papers/s  "
            f"({result.summary()})"
        )

        jsonl = folder / "papers.jsonl"
        with jsonl.open("w", encoding="utf-8") as out:
            for item in read_zotero(zotero).items:
                paper = item.to_paper()
                record = {"title": paper.title, "abstract": paper.abstract, "year": paper.year,
                          "authors": list(paper.authors), "doi": paper.doi}  # fmt: skip
                out.write(json.dumps(record) + "\n")
        with app_for(folder / "lib-ingest") as other:
            start = time.perf_counter()
            report = other.library.ingest([jsonl])
            took = time.perf_counter() - start
            print(f"  ingest of the same papers from JSONL: {took:.1f} s, "
                  f"{report.added / took:.0f} papers/s")  # fmt: skip

        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            result = app.zotero.sync()
            print(
                f"  re-sync, nothing changed: {time.perf_counter() - start:.3f} s wall, "
                f"{time.process_time() - cpu:.3f} s CPU  ({result.summary()})"
            )

        with db.transaction():
            live = [i for n, i in enumerate(ids) if n % 100 != 99]
            for item in random.Random(2).sample(live, args.changed):
                db.set_field(item, "title", f"Edited title {item}")
            db.delete(live[-1])
        start, cpu = time.perf_counter(), time.process_time()
        result = app.zotero.sync()
        print(
            f"  re-sync, {args.changed} changed + 1 deleted: {time.perf_counter() - start:.2f} s "
            f"wall, {time.process_time() - cpu:.2f} s CPU  "
            f"({result.summary()})"
        )
    db.close()
    shutil.rmtree(zotero, ignore_errors=True)


if __name__ == "__main__":
    main()
