"""Run the real `litassist` entry point in a child process with the fast `HashingEmbedder`.

Tests that kill, race or starve a real process start this as
`python -m tests.cli_child [litassist args...]`.  Only the embedder is swapped (through
`assistant.wiring.make_embedder`, which every command uses); everything else is the real CLI.
`LITASSIST_TEST_EMBED_DELAY` (seconds) slows each embedding batch, so a test can catch the
process between staging a batch and storing its vectors.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence

import numpy as np

import assistant.wiring
from tests.conftest import HashingEmbedder


class SlowHashingEmbedder(HashingEmbedder):
    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if self.delay and len(texts) > 1:  # batches only: queries stay fast
            time.sleep(self.delay)
        return super().embed_documents(texts)


def main() -> None:
    delay = float(os.environ.get("LITASSIST_TEST_EMBED_DELAY", "0") or 0)
    embedder = SlowHashingEmbedder(delay)
    assistant.wiring.make_embedder = lambda settings: embedder  # type: ignore[assignment]
    from assistant.cli import main as litassist

    litassist(sys.argv[1:])


if __name__ == "__main__":
    main()
