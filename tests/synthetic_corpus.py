"""Synthetic papers for storage tests: distinct titles, DOIs and years; some abstracts long
enough to make several chunks.  Paper number N is the same in every file made with the same
seed, so two files can share papers."""

from __future__ import annotations

import json
import random
from pathlib import Path

_VOCABULARY = (
    "dataset benchmark segmentation detection transformer diffusion synthetic label noise "
    "annotation crowdsourcing images video depth optical flow pretraining distillation "
    "contrastive retrieval captions medical satellite driving lidar pose tracking fairness "
    "bias robustness corruption shift evaluation metric scaling compute curation filtering "
    "web scale licence privacy faces pedestrians scenes objects parts attributes texture"
)
WORDS = _VOCABULARY.split()


def abstract(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def papers(count: int, *, seed: int = 7, start: int = 0) -> list[dict[str, object]]:
    records = []
    for number in range(start, start + count):
        rng = random.Random(f"{seed}-{number}")
        long = number % 5 == 0  # every fifth paper spans several chunks
        records.append(
            {
                "title": f"Synthetic study {number}: {rng.choice(WORDS)} {rng.choice(WORDS)}",
                "abstract": abstract(rng, 40 if long else rng.randint(2, 6)),
                "year": 2000 + number % 25,
                "doi": f"10.5555/synthetic.{number}",
                "authors": [f"Author {number}", "Second Author"],
            }
        )
    return records


def write_corpus(path: Path, count: int, *, seed: int = 7, start: int = 0) -> Path:
    path.write_text(
        "".join(json.dumps(r) + "\n" for r in papers(count, seed=seed, start=start)),
        encoding="utf-8",
    )
    return path
