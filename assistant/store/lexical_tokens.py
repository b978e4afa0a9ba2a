"""How text becomes index terms: the one tokenizer of the lexical index and of term scoring.

Lower-cased words of two or more letters or digits, English stop words dropped (bm25s' list),
Snowball-stemmed (PyStemmer).  Compounds are indexed as their parts and joined, so every
spelling of a name meets the others: "ImageNet-1K" gives `imagenet 1k imagenet1k`,
"pre-training" `pre train pretrain`, "CIFAR10/100" `cifar10 100 cifar100`, and a word that
mixes letters and digits also gives its letter and digit runs ("ResNet50" `resnet50 resnet 50`).

Written by hand rather than with `bm25s.tokenize` because the compound rules need the text
between words (hyphens, slashes), which a plain word pattern throws away.  Stored token streams
depend on these rules: change them and bump `TOKENIZER_VERSION`, so stored streams are redone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

TOKENIZER_VERSION = "2"

# A run of word characters, possibly joined to the next by a hyphen or slash without spaces.
_COMPOUND = re.compile(r"\w+(?:[-/]\w+)*")
_RUNS = re.compile(r"[^\W\d_]+|\d+")
_STOPWORDS = frozenset(STOPWORDS_EN)
_STEMMER = Stemmer.Stemmer("english")
_MAX_PARTS = 6  # longer chains ("state-of-the-art-...") are phrases, not names


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def _words(compound: str) -> list[str]:
    """The words a compound stands for, before stop words and stemming."""
    out: list[str] = []
    previous: str | None = None
    for alternative in compound.split("/"):
        parts = [p for p in alternative.split("-") if p]
        if not parts:
            continue
        # "cifar10/100", "resnet-50/101": a bare number after a slash names a sibling.
        if len(parts) == 1 and parts[0].isdigit() and previous is not None:
            head = previous.rstrip("0123456789")
            if head and head != previous:
                out.append(head + parts[0])
        for part in parts:
            out.append(part)
            runs = _RUNS.findall(part)
            if len(runs) > 1:
                out.extend(runs)
        joined = "".join(parts)
        if 1 < len(parts) <= _MAX_PARTS:
            out.append(joined)
        previous = joined
    return out


def tokenize_one(text: str) -> list[str]:
    tokens: list[str] = []
    for match in _COMPOUND.finditer(text.lower()):
        for word in _words(match.group()):
            if len(word) < 2 or word in _STOPWORDS:
                continue
            tokens.append(_stem(word))
    return tokens


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """The index terms of each text, in order (repeats kept: they are term frequencies)."""
    return [tokenize_one(text) for text in texts]
